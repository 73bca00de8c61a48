"""出席人数 by profession agrees with the meeting's 参加した職種: the form offers the professions the
record says took part (ticked, or that of a participating organisation), a count of another is
refused, naming it; one counted cannot be unticked from the meeting; a count entered before this
rule is pointed out and can be emptied."""

import re

import pytest

from coordination.models import Profession
from meetings.models import MeetingAttendance, Tier
from tests.meetings.factories import kind, make_meeting, org

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cast):
    """A 二次連携 of the 薬剤師会 (its members are 薬剤師) and the visiting nurses (看護師 ticked)."""
    pharmacist = Profession.objects.create(name="薬剤師", sort_order=2)
    Profession.objects.create(name="理学療法士", sort_order=7)
    pharmacy = org("薬剤師会", "薬")
    pharmacy.profession = pharmacist
    pharmacy.save()
    made = make_meeting(cast.center1, Tier.SECONDARY, "同行訪問", (2026, 6, 1), [pharmacy])
    made.professions.set([cast.nurse])
    return made


def _field(name):
    return f"p{Profession.objects.get(name=name).pk}"


def test_a_count_of_a_profession_that_did_not_take_part_is_refused_naming_it(client_for, meeting):
    client = client_for("coordinator")
    url = f"/meetings/{meeting.pk}/attendance/"
    page = client.get(url).content.decode()
    assert re.search(
        r"data-taking-part>この会議で参加した職種（参加した団体の職種を含む）：薬剤師、看護師。", page
    )
    assert f'name="{_field("看護師")}"' in page and f'name="{_field("薬剤師")}"' in page
    assert f'name="{_field("理学療法士")}"' not in page
    # A page opened before the meeting's professions changed (or a hand-made request) sends one.
    response = client.post(url, {_field("看護師"): "2", _field("理学療法士"): "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "理学療法士はこの会議の「参加した職種」に入っていません。"
        "会議の記録を編集して参加した職種に理学療法士を加えてから入力するか、人数を空欄にしてください。"
    ) in html
    assert not MeetingAttendance.objects.exists()
    # The ticked profession and the organisation's own are counted.
    response = client.post(url, {_field("看護師"): "2", _field("薬剤師"): "4"})
    assert response.status_code == 302
    assert sorted(meeting.attendance.values_list("profession__name", "count")) == [
        ("看護師", 2),
        ("薬剤師", 4),
    ]
    detail = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "data-counted-outside" not in detail


def test_a_counted_profession_cannot_be_taken_off_the_meeting(client_for, cast, meeting):
    MeetingAttendance.objects.create(meeting=meeting, profession=cast.nurse, count=3)
    doctors = org("医師会", "医")
    data = {
        "tier": Tier.SECONDARY,
        "kind": kind("同行訪問").pk,
        "held_on": "2026-06-01",
        "delivery": "in_person",
        "organisations": [o.pk for o in meeting.organisations.all()] + [doctors.pk],
        "item_letters": ["イ"],
    }
    client = client_for("coordinator")
    response = client.post(f"/meetings/{meeting.pk}/edit/", data)  # 看護師 unticked
    assert response.status_code == 200
    assert (
        "看護師は出席人数（3名）が入力されているため、参加した職種から外せません。"
        "外すときは、先に「出席人数を入力」で看護師の人数を空欄にしてください。"
    ) in response.content.decode()
    assert list(meeting.professions.all()) == [cast.nurse]
    response = client.post(f"/meetings/{meeting.pk}/edit/", {**data, "professions": [cast.nurse.pk]})
    assert response.status_code == 302
    assert meeting.organisations.count() == 2


def test_a_count_entered_before_the_rule_is_pointed_out_on_the_meeting(client_for, meeting):
    MeetingAttendance.objects.create(
        meeting=meeting, profession=Profession.objects.get(name="理学療法士"), count=1
    )
    coordinator = client_for("coordinator").get(f"/meetings/{meeting.pk}/").content.decode()
    assert re.search(
        r"data-counted-outside>出席人数の理学療法士は、参加した職種に入っていません（会議の記録を編集して加えるか",
        coordinator,
    )
    official = client_for("official").get(f"/meetings/{meeting.pk}/").content.decode()
    assert "data-counted-outside>出席人数の理学療法士は、参加した職種に入っていません</p>" in official
    # The attendance form offers it, to be emptied; kept, it is refused.
    client = client_for("coordinator")
    url = f"/meetings/{meeting.pk}/attendance/"
    assert re.search(rf'name="{_field("理学療法士")}" value="1"', client.get(url).content.decode())
    kept = client.post(url, {_field("看護師"): "2", _field("理学療法士"): "1"}).content.decode()
    assert "理学療法士はこの会議の「参加した職種」に入っていません。" in kept
    # It does not hold up an edit of the meeting that leaves it as it was.
    edit = {
        "tier": Tier.SECONDARY,
        "kind": kind("同行訪問").pk,
        "held_on": "2026-06-01",
        "delivery": "in_person",
        "organisations": [o.pk for o in meeting.organisations.all()] + [org("医師会", "医").pk],
        "professions": [p.pk for p in meeting.professions.all()],
        "item_letters": ["イ"],
        "venue": "東区役所",
    }
    assert client.post(f"/meetings/{meeting.pk}/edit/", edit).status_code == 302
    assert client.post(url, {_field("看護師"): "2", _field("理学療法士"): ""}).status_code == 302
    assert list(meeting.attendance.values_list("profession__name", "count")) == [("看護師", 2)]
