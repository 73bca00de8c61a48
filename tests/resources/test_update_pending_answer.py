"""A facility that reopens its link while its answer waits for the center: the form says so and
starts from what was sent, a second send corrects the answer instead of adding a request, and
「変更なし」 then says that it withdraws the answer. The change request page says what an approval
applied, and the staff's home counts the requests waiting."""

import datetime

import pytest
from django.utils import timezone

from coordination.security import AuditEvent
from resources import updates
from resources.models import ChangeRequest, UpdateLink
from tests.resources.factories import make_facility
from tests.resources.test_update_links import _answer, _row


@pytest.fixture
def clinic(cast):
    return make_facility(
        "あおば内科", capabilities=["home-visit"], windows=[(0, (13, 0), (14, 0))], contact_person="受付 佐藤"
    )


def _send(client, link, facility, **changes):
    return client.post(f"/resources/u/{link.token}/", _answer(facility, **changes))


def _day(moment):
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日"


def test_a_reopened_link_says_the_answer_waits_and_starts_from_what_was_sent(client, clinic):
    link = UpdateLink.objects.create(facility=clinic)
    changes = {
        "contact_person": "地域連携室 田中",
        "message": "4月から担当が替わります",
        "submitted_by": "事務 山田",
        **_row(0, "call", [1, 3], "15:00", "16:30"),
    }
    _send(client, link, clinic, **changes)
    cr = ChangeRequest.objects.get()
    ChangeRequest.objects.filter(pk=cr.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=1))
    cr.refresh_from_db()
    html = client.get(f"/resources/u/{link.token}/").content.decode()
    assert f'data-pending-answer="{cr.pk}"' in html
    assert f"{_day(cr.submitted_at)}に送信した内容をセンターが確認しています" in html
    summary = html[html.index("data-sent-answer") : html.index("</ul>", html.index("data-sent-answer"))]
    assert "連絡窓口・担当者" in summary and "地域連携室 田中" in summary and "15:00" in summary
    # The form holds what she sent, not the directory's old values.
    assert 'value="地域連携室 田中"' in html and 'value="受付 佐藤"' not in html
    assert 'value="事務 山田"' in html and "4月から担当が替わります" in html
    assert 'name="windows-0-start" value="15:00"' in html
    # 変更なし no longer stands at the top as if nothing had been sent.
    assert "data-unchanged" not in html and "data-withdraw" in html
    assert "この内容で送り直す" in html


def test_a_second_send_replaces_the_pending_request_of_the_link(client, clinic):
    link = UpdateLink.objects.create(facility=clinic)
    _send(client, link, clinic, contact_person="田中", direct_phone="093-111-2222")
    first = ChangeRequest.objects.get()
    response = _send(client, link, clinic, contact_person="田中 花子", submitted_by="事務 山田")
    assert response.status_code == 302
    cr = ChangeRequest.objects.get()
    assert cr.pk == first.pk and cr.status == "pending"
    assert cr.changed_keys == ["contact_person"] and cr.proposed["contact_person"] == "田中 花子"
    assert cr.submitted_by == "事務 山田" and cr.submitted_at > first.submitted_at
    clinic.refresh_from_db()
    assert clinic.contact_person == "受付 佐藤"  # still waiting for the center
    events = AuditEvent.objects.filter(object_type__icontains="changerequest", object_id=str(cr.pk))
    assert [(e.action, e.username) for e in events.order_by("pk")] == [
        ("create", "施設（更新用リンク）"),
        ("update", "施設（更新用リンク）"),
    ]
    assert "送り直し" in events.order_by("pk").last().detail
    # The coordinator sees one request from the facility.
    listing = client.get("/resources/changes/")  # anonymous: sent to the login page
    assert listing.status_code == 302 and ChangeRequest.objects.filter(status="pending").count() == 1


def test_unchanged_while_an_answer_waits_withdraws_it_and_confirms_the_entry(client, clinic):
    clinic.confirmed_on = datetime.date(2024, 4, 1)
    clinic.save()
    link = UpdateLink.objects.create(facility=clinic)
    _send(client, link, clinic, contact_person="田中")
    client.post(f"/resources/u/{link.token}/", {"unchanged": "1"})
    cr = ChangeRequest.objects.get()
    assert cr.status == "unchanged" and cr.changed_keys == []
    clinic.refresh_from_db()
    assert clinic.contact_person == "受付 佐藤" and clinic.confirmed_on == timezone.localdate()
    assert (
        "取り消し"
        in AuditEvent.objects.filter(object_type__icontains="changerequest").order_by("pk").last().detail
    )
    # Nothing waits any more: the form is the directory's again, with its 変更なし.
    html = client.get(f"/resources/u/{link.token}/").content.decode()
    assert "data-pending-answer" not in html and "data-unchanged" in html


def test_only_the_links_own_pending_answer_is_shown_and_replaced(client, client_for, clinic):
    mine = UpdateLink.objects.create(facility=clinic, contact="事務長")
    other = UpdateLink.objects.create(facility=clinic, contact="看護師長")
    _send(client, other, clinic, contact_person="看護師長の答え")
    html = client.get(f"/resources/u/{mine.token}/").content.decode()
    assert "data-pending-answer" not in html and "看護師長の答え" not in html
    _send(client, mine, clinic, contact_person="事務長の答え")
    assert ChangeRequest.objects.filter(status="pending").count() == 2
    html = client.get(f"/resources/u/{mine.token}/").content.decode()
    assert f'data-pending-answer="{ChangeRequest.objects.get(link=mine).pk}"' in html
    assert "事務長の答え" in html and "看護師長の答え" not in html
    # A decided answer is not reopened: a later send is a new request.
    cr = ChangeRequest.objects.get(link=mine)
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    clinic.refresh_from_db()
    assert "data-pending-answer" not in client.get(f"/resources/u/{mine.token}/").content.decode()
    _send(client, mine, clinic, direct_phone="093-111-2222")
    assert ChangeRequest.objects.filter(link=mine).count() == 2
    # A revoked link shows nothing of what it sent.
    other.revoked_at = timezone.now()
    other.save()
    assert client.get(f"/resources/u/{other.token}/").status_code == 404


def test_the_done_page_shows_what_was_sent(client, clinic):
    link = UpdateLink.objects.create(facility=clinic)
    response = _send(client, link, clinic, contact_person="地域連携室 田中", message="よろしくお願いします")
    html = client.get(response["Location"]).content.decode()
    assert 'data-answer="changed"' in html
    summary = html[html.index("data-sent-answer") : html.index("</ul>", html.index("data-sent-answer"))]
    assert "連絡窓口・担当者" in summary and "地域連携室 田中" in summary
    assert "ケアマネタイム" not in summary  # what she left as it was is not listed
    assert "よろしくお願いします" in html


def test_a_partly_approved_request_says_which_items_were_applied_and_why_not(client_for, clinic):
    link = UpdateLink.objects.create(facility=clinic)
    _send(client_for("anonymous"), link, clinic, contact_person="田中", direct_phone="093-111-2222")
    cr = ChangeRequest.objects.get()
    coordinator = client_for("coordinator")
    coordinator.post(
        f"/resources/changes/{cr.pk}/",
        {"approve_some": "1", "fields": ["contact_person"], "skip_reason": "直通電話は施設に確認中"},
    )
    cr.refresh_from_db()
    assert cr.status == "partly" and cr.reason == "直通電話は施設に確認中"
    page = coordinator.get(f"/resources/changes/{cr.pk}/").content.decode()
    applied = page[
        page.index('data-diff="contact_person"') : page.index(
            "</tr>", page.index('data-diff="contact_person"')
        )
    ]
    skipped = page[
        page.index('data-diff="direct_phone"') : page.index("</tr>", page.index('data-diff="direct_phone"'))
    ]
    assert 'data-applied="yes"' in applied and "反映した" in applied
    assert (
        'data-applied="no"' in skipped and "反映しなかった" in skipped and "直通電話は施設に確認中" in skipped
    )
    assert page.count("直通電話は施設に確認中") == 1  # beside the item it explains, not as a 却下の理由
    assert 'name="fields"' not in page  # decided: no more checkboxes
    # The same page stays closed to those who do not keep the directory.
    assert client_for("professional").get(f"/resources/changes/{cr.pk}/").status_code == 403
    assert client_for("anonymous").get(f"/resources/changes/{cr.pk}/").status_code == 302


def test_an_approval_of_every_item_keeps_no_reason_and_a_rejection_applies_none(client_for, clinic):
    link = UpdateLink.objects.create(facility=clinic, contact="A")
    _send(client_for("anonymous"), link, clinic, contact_person="田中")
    cr = ChangeRequest.objects.get()
    coordinator = client_for("coordinator")
    coordinator.post(f"/resources/changes/{cr.pk}/", {"approve_all": "1", "skip_reason": "無視される"})
    cr.refresh_from_db()
    assert cr.status == "approved" and cr.reason == ""
    assert 'data-applied="yes"' in coordinator.get(f"/resources/changes/{cr.pk}/").content.decode()
    other = UpdateLink.objects.create(facility=clinic, contact="B")
    clinic.refresh_from_db()
    _send(client_for("anonymous"), other, clinic, avoid_note="昼休み")
    rejected = ChangeRequest.objects.get(link=other)
    coordinator.post(
        f"/resources/changes/{rejected.pk}/", {"reject": "1", "reason": "施設に確認したところ誤り"}
    )
    page = coordinator.get(f"/resources/changes/{rejected.pk}/").content.decode()
    assert 'data-applied="yes"' not in page and 'data-applied="no"' in page
    assert page.count("施設に確認したところ誤り") >= 2  # the status and the item


def test_the_staff_home_counts_the_change_requests_waiting(client_for, cast, clinic):
    link = UpdateLink.objects.create(facility=clinic, contact="A")
    _send(client_for("anonymous"), link, clinic, contact_person="田中")
    other = make_facility("みどり医院", contact_person="受付")
    _send(client_for("anonymous"), UpdateLink.objects.create(facility=other), other, contact_person="鈴木")
    decided = UpdateLink.objects.create(facility=clinic, contact="B")
    client_for("anonymous").post(f"/resources/u/{decided.token}/", {"unchanged": "1"})
    for role in ("coordinator", "coordinator2", "admin"):
        home = client_for(role).get("/").content.decode()
        assert 'data-pending-changes="2"' in home and "変更申請が2件、承認を待っています" in home
        assert 'href="/resources/changes/"' in home
    for role in ("professional", "official", "anonymous"):
        assert "data-pending-changes" not in client_for(role).get("/").content.decode()


def test_the_home_panel_counts_in_one_query_each_whatever_the_number(cast, clinic, django_assert_num_queries):
    from django.test import RequestFactory

    for i in range(3):
        link = UpdateLink.objects.create(facility=clinic, contact=f"担当{i}")
        updates.submit(None, link, {**updates.snapshot(clinic), "avoid_note": f"昼{i}"})
    request = RequestFactory().get("/")
    request.user = cast.coordinator
    with django_assert_num_queries(3):  # the areas the center keeps, the re-check list, the change requests
        panel = updates.dashboard_rechecks(request)
    assert panel == {"open_rechecks": 0, "pending_changes": 3}
