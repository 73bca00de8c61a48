"""An entry closed (廃止) or merged into another (「同じ施設: こちらを残す」) takes no more answers:
its update links are no longer active (not emailed, reminded or printed), its token opens a plain
page saying what happened and whom to call, with no form, and a post to it writes nothing; a
change request it sent before cannot be approved into the closed entry."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from coordination.models import AuditEvent
from resources import updates
from resources.models import ChangeRequest, ConfirmationRound, Facility, FacilityChange, UpdateLink
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db

DUPLICATES = "/resources/duplicates/"


def _merged(client_for, cast):
    """Two entries of one clinic, the second merged into the first through the duplicates page;
    the second's clerk still holds her link."""
    kept = make_facility("ひまわり医院", phone="093-111-1111", area=cast.ward1)
    other = make_facility("ひまわり医院", phone="093-111-1111", address="別の書き方の住所", area=cast.ward1)
    link = UpdateLink.objects.create(facility=other, contact="事務長", created_by=cast.coordinator)
    client_for("admin").post(DUPLICATES, {"decision": "keep", "keep": kept.pk, "other": other.pk})
    other.refresh_from_db()
    assert other.merged_into == kept
    return kept, other, link


def _writes():
    return (
        ChangeRequest.objects.count(),
        FacilityChange.objects.count(),
        AuditEvent.objects.filter(action__in=["create", "update"]).count(),
        list(UpdateLink.objects.values_list("opened_at", "answered_at")),
        list(Facility.objects.order_by("pk").values_list("confirmed_on", "updated_at", "contact_person")),
    )


def test_a_merged_entrys_link_is_no_longer_active(client_for, cast):
    kept, other, link = _merged(client_for, cast)
    kept_link = UpdateLink.objects.create(facility=kept, contact="事務長")
    assert list(UpdateLink.objects.active()) == [kept_link]
    link.refresh_from_db()
    assert not link.is_active and link.revoked_at is None  # stopped by the entry, not revoked


def test_a_merged_entrys_token_says_where_it_went_and_whom_to_call(client_for, cast):
    kept, other, link = _merged(client_for, cast)
    cast.center1.phone, cast.center1.fax = "093-000-0001", "093-000-0002"
    cast.center1.save()
    before = _writes()
    response = client_for("anonymous").get(f"/resources/u/{link.token}/")
    html = response.content.decode()
    assert response.status_code == 410
    assert f'data-merged-into="{kept.pk}"' in html
    assert f"{timezone.localdate():%Y年%-m月%-d日}に「ひまわり医院」にまとめました" in html
    assert "このリンクからは、情報の確認や変更の連絡はできなくなりました" in html
    # The center the link's letter came from (the facility's area's), as on the letter.
    assert 'data-sending-center="C01"' in html and "東センター（電話 093-000-0001・FAX 093-000-0002）" in html
    assert "<form" not in html.split("<main", 1)[-1] and 'name="unchanged"' not in html
    assert _writes() == before  # not even the first opening is stamped


@pytest.mark.parametrize(
    "data",
    [
        {"unchanged": "1", "submitted_by": "事務長"},
        {"submitted_by": "事務長", "contact_person": "新しい担当", "accepting": "yes"},
    ],
    ids=["unchanged", "changes"],
)
def test_a_post_to_a_merged_entrys_token_writes_nothing(client_for, cast, data):
    _kept, _other, link = _merged(client_for, cast)
    before = _writes()
    response = client_for("anonymous").post(f"/resources/u/{link.token}/", data)
    assert response.status_code == 410 and "data-facility-closed" in response.content.decode()
    assert _writes() == before
    assert client_for("anonymous").get(f"/resources/u/{link.token}/done/").status_code == 410


def test_a_closed_entrys_token_says_it_was_closed_on_its_date(client_for, cast):
    facility = make_facility("閉院した医院", area=cast.ward2)
    link = UpdateLink.objects.create(facility=facility)
    Facility.objects.filter(pk=facility.pk).update(closed_on=datetime.date(2026, 11, 30))
    response = client_for("anonymous").get(f"/resources/u/{link.token}/")
    html = response.content.decode()
    assert response.status_code == 410
    assert "名簿の「閉院した医院」は、2026年11月30日に廃止（掲載の終了）となりました" in html
    assert 'data-sending-center="C02"' in html and "data-merged-into" not in html


def test_a_revoked_or_unknown_token_still_answers_404(client_for, cast):
    facility = make_facility("閉院した医院", closed_on=datetime.date(2026, 11, 30))
    revoked = UpdateLink.objects.create(facility=facility, revoked_at=timezone.now())
    expired = UpdateLink.objects.create(
        facility=facility, contact="別", expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    anonymous = client_for("anonymous")
    assert anonymous.get(f"/resources/u/{revoked.token}/").status_code == 404
    assert anonymous.get(f"/resources/u/{expired.token}/").status_code == 404
    assert anonymous.get("/resources/u/no-such-token/").status_code == 404


def test_a_round_neither_emails_reminds_nor_prints_a_closed_entrys_link(client_for, cast):
    open_ = make_facility("続く医院", contact_email="open@example.jp")
    closed = make_facility("閉じる医院", contact_email="closed@example.jp")
    paper = make_facility("紙で閉じる医院")
    round_ = ConfirmationRound.objects.create(name="2026年度", center=cast.center1, remind_after_days=14)
    for facility in (open_, closed, paper):
        UpdateLink.objects.create(facility=facility, round=round_, email=facility.contact_email)
    Facility.objects.filter(pk__in=[closed.pk, paper.pk]).update(closed_on=timezone.localdate())
    coordinator = client_for("coordinator")
    coordinator.post(f"/resources/rounds/{round_.pk}/send/")
    assert [m.to for m in mail.outbox] == [["open@example.jp"]]
    round_.links.update(sent_at=timezone.now() - datetime.timedelta(days=20))
    mail.outbox.clear()
    coordinator.post(f"/resources/rounds/{round_.pk}/remind/")
    assert [m.to for m in mail.outbox] == [["open@example.jp"]]
    letters = coordinator.get(f"/resources/rounds/{round_.pk}/letters/?all=1").content.decode()
    assert "続く医院" in letters and "閉じる医院" not in letters


def _pending(facility, link=None):
    before = updates.snapshot(facility)
    return ChangeRequest.objects.create(
        facility=facility, link=link, before=before, proposed={**before, "contact_person": "新しい担当"}
    )


def test_a_closed_entrys_waiting_request_says_so_and_cannot_be_approved(client_for, cast):
    # Sent before the merge, waiting when the duplicates were decided.
    kept = make_facility("ひまわり医院", phone="093-111-1111")
    other = make_facility("ひまわり医院", phone="093-111-1111", address="別の書き方の住所")
    cr = _pending(other, UpdateLink.objects.create(facility=other))
    client_for("admin").post(DUPLICATES, {"decision": "keep", "keep": kept.pk, "other": other.pk})
    coordinator = client_for("coordinator")
    listing = coordinator.get("/resources/changes/").content.decode()
    row = listing[listing.index(f'data-change-request="{cr.pk}"') :].split("</tr>", 1)[0]
    assert f"廃止（{timezone.localdate():%Y年%-m月%-d日}・「ひまわり医院」に統合）: 承認できません" in row
    page = coordinator.get(f"/resources/changes/{cr.pk}/").content.decode()
    assert "data-closed-refusal" in page and "承認できません" in page
    assert 'name="approve_all"' not in page and 'name="reject"' in page
    assert f'href="/resources/{kept.pk}/"' in page
    before = _writes()
    for data in ({"approve_all": "1"}, {"approve_some": "1", "fields": ["contact_person"]}):
        response = coordinator.post(f"/resources/changes/{cr.pk}/", data, follow=True)
        assert "廃止した施設の情報は書き換えないため、承認できません" in response.content.decode()
    assert _writes() == before
    cr.refresh_from_db()
    other.refresh_from_db()
    assert cr.status == ChangeRequest.Status.PENDING and other.contact_person == ""
    assert other.closed_on is not None  # not reopened
    # Rejecting it still clears the queue.
    coordinator.post(f"/resources/changes/{cr.pk}/", {"reject": "1", "reason": "統合済みの施設"})
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.Status.REJECTED


def test_a_closed_entry_gets_no_new_link(client_for, cast):
    facility = make_facility("閉院した医院", closed_on=datetime.date(2026, 11, 30))
    coordinator = client_for("coordinator")
    page = coordinator.get(f"/resources/{facility.pk}/links/").content.decode()
    assert "data-links-closed" in page and "発行する</button>" not in page
    response = coordinator.post(
        f"/resources/{facility.pk}/links/", {"contact": "事務長", "email": ""}, follow=True
    )
    assert "更新用リンクは発行できません" in response.content.decode()
    assert not UpdateLink.objects.exists()


def test_closing_a_round_leaves_a_closed_entry_as_it_is(client_for, cast):
    day = datetime.date(2026, 4, 1)
    quiet = make_facility("返事のない医院", confirmed_on=day)
    merged = make_facility("統合した医院", confirmed_on=day)
    round_ = ConfirmationRound.objects.create(name="2026年度", center=cast.center1)
    for facility in (quiet, merged):
        UpdateLink.objects.create(facility=facility, round=round_)
    Facility.objects.filter(pk=merged.pk).update(closed_on=day, merged_into=quiet)
    coordinator = client_for("coordinator")
    page = coordinator.get(f"/resources/rounds/{round_.pk}/").content.decode()
    row = page[page.index("統合した医院") :].split("</tr>", 1)[0]
    assert "廃止（2026/4/1）: リンクは使えません" in row
    response = coordinator.post(f"/resources/rounds/{round_.pk}/close/", follow=True)
    assert "未回答の1施設を「未確認」にしました" in response.content.decode()
    quiet.refresh_from_db()
    merged.refresh_from_db()
    assert quiet.confirmed_on is None
    assert merged.confirmed_on == day and not merged.changes.exists()
