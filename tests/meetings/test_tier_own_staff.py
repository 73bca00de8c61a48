"""The tier's count of partners leaves out the center's own people: a nurse coordinator who ticks
看護師 among those who took part still records a 一次連携 with the 薬剤師会; when a tier is refused,
the message names what it counted."""

import pytest

from coordination.models import Organisation, Profession
from meetings.models import Meeting, Tier, check_tier
from tests.meetings.factories import kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def pharmacists(cast):
    pharmacist = Profession.objects.create(name="薬剤師", sort_order=3)
    association = Organisation.objects.create(name="薬剤師会", short_name="薬", profession=pharmacist)
    return association, pharmacist


def _post(client, organisations, professions, tier=1):
    return client.post(
        "/meetings/new/",
        {
            "tier": tier,
            "kind": kind("打ち合わせ会").pk,
            "held_on": "2026-06-01",
            "delivery": "in_person",
            "organisations": [o.pk for o in organisations],
            "professions": [p.pk for p in professions],
        },
    )


def test_a_primary_with_the_coordinators_own_profession_ticked_is_saved(client_for, cast, pharmacists):
    association, pharmacist = pharmacists
    # cast.coordinator is a 看護師 of C01.
    response = _post(client_for("coordinator"), [association], [pharmacist, cast.nurse])
    assert response.status_code == 302, response.content.decode()
    meeting = Meeting.objects.get()
    assert meeting.tier == Tier.PRIMARY and set(meeting.professions.all()) == {pharmacist, cast.nurse}


def test_an_admin_recording_for_a_center_leaves_out_its_coordinators_profession(
    client_for, cast, pharmacists
):
    association, pharmacist = pharmacists
    response = client_for("admin").post(
        "/meetings/new/",
        {
            "center": cast.center1.pk,
            "tier": 1,
            "kind": kind("打ち合わせ会").pk,
            "held_on": "2026-06-01",
            "delivery": "in_person",
            "organisations": [association.pk],
            "professions": [pharmacist.pk, cast.nurse.pk],
        },
    )
    assert response.status_code == 302 and Meeting.objects.count() == 1


def test_a_second_real_partner_is_refused_naming_what_was_counted(client_for, cast, pharmacists):
    association, pharmacist = pharmacists
    response = _post(client_for("coordinator"), [association], [pharmacist, cast.nurse, cast.care_manager])
    text = response.content.decode()
    assert "相手を1つだけ選んでください。（現在 2：薬剤師会、介護支援専門員）" in text
    assert "看護師はセンターの職員の職種として、相手には数えていません" in text
    assert not Meeting.objects.exists()


def test_the_own_profession_counts_when_it_is_the_only_partner(cast, pharmacists):
    association, _pharmacist = pharmacists
    own = {cast.nurse.pk}
    # A nurse coordinator's 一次連携 with the visiting nurses: 看護師 alone.
    assert check_tier(Tier.PRIMARY, [], [cast.nurse], own) is None
    # 薬剤師会 and the visiting nurses brought together: a 二次連携.
    assert check_tier(Tier.SECONDARY, [association], [cast.nurse], own) is None
    assert check_tier(Tier.TERTIARY, [association], [cast.nurse, cast.care_manager], own) is None
    assert "（現在 2：薬剤師会、看護師）" in check_tier(Tier.TERTIARY, [association], [cast.nurse], own)
