"""A facility's own update link: the form without an account, change requests a coordinator
approves field by field or rejects, 変更なし, ケアマネタイム rows, 空床, email, letters and the
management command."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import RequestFactory
from django.utils import timezone

from resources import updates
from resources.models import ChangeRequest, ContactWindow, Facility, FacilityChange, UpdateLink, Vacancy
from tests.resources.factories import capability, kind, make_facility


def _request(user):
    request = RequestFactory().post("/resources/")
    request.user = user
    return request


def _link(facility, **fields):
    return UpdateLink.objects.create(facility=facility, **fields)


def _answer(facility, **changes):
    """The update form as a facility submits it after changing `changes`."""
    data = {
        "postal_code": facility.postal_code,
        "address": facility.address,
        "phone": facility.phone,
        "fax": facility.fax,
        "accepting": facility.accepting,
        "contact_person": facility.contact_person,
        "direct_phone": facility.direct_phone,
        "contact_email": facility.contact_email,
        "contact_fax": facility.contact_fax,
        "avoid_note": facility.avoid_note,
        "capabilities": [str(link.capability_id) for link in facility.capability_links.all()],
        "areas_served": [str(a.pk) for a in facility.areas_served.all()],
        "message": "",
        "submitted_by": "",
        "windows-TOTAL_FORMS": "2",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(updates.window_rows.group_rows(facility.contact_windows.all())):
        data.update(
            _row(i, row["kind"], row["weekdays"], row["start"], row["end"], row["method"], row["note"])
        )
    data["windows-TOTAL_FORMS"] = str(max(2, len(facility.contact_windows.all()) + 1))
    data.update(changes)
    return data


def _row(i, kind, weekdays, start, end, method="phone", note=""):
    fmt = lambda t: t.strftime("%H:%M") if hasattr(t, "strftime") else t  # noqa: E731
    return {
        f"windows-{i}-kind": kind,
        f"windows-{i}-weekdays": [str(d) for d in weekdays],
        f"windows-{i}-start": fmt(start),
        f"windows-{i}-end": fmt(end),
        f"windows-{i}-method": method,
        f"windows-{i}-note": note,
    }


@pytest.fixture
def clinic(cast):
    return make_facility(
        "あおば内科", capabilities=["home-visit"], windows=[(0, (13, 0), (14, 0))], contact_person="受付 佐藤"
    )


def test_the_link_opens_the_form_without_an_account_and_shows_only_its_facility(client, clinic):
    make_facility("となりの医院", contact_person="となりの担当 山本", direct_phone="093-999-0000")
    link = _link(clinic)
    response = client.get(f"/resources/u/{link.token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "あおば内科" in html and "受付 佐藤" in html
    assert "となりの医院" not in html and "となりの担当" not in html and "093-999-0000" not in html
    for label in ("受入状況", "ケアマネタイム", "訪問できる地域", "センターへの連絡事項"):
        assert label in html
    assert "<script>" not in html
    link.refresh_from_db()
    assert link.opened_at is not None


def test_a_revoked_an_expired_or_an_unknown_link_answers_404(client, clinic):
    revoked = _link(clinic, contact="A", revoked_at=timezone.now())
    expired = _link(clinic, contact="B", expires_on=timezone.localdate() - datetime.timedelta(days=1))
    for token in (revoked.token, expired.token, "x" * 43):
        assert client.get(f"/resources/u/{token}/").status_code == 404
        assert client.post(f"/resources/u/{token}/", {"unchanged": "1"}).status_code == 404
    assert not ChangeRequest.objects.exists()


def test_tokens_are_long_and_random_and_one_active_link_per_contact(clinic):
    a, b = _link(clinic, contact="事務長"), _link(clinic, contact="看護師長")
    assert a.token != b.token and len(a.token) >= 43
    with pytest.raises(IntegrityError):
        _link(clinic, contact="事務長")


def test_a_submission_is_a_change_request_not_an_edit(client, clinic):
    link = _link(clinic)
    data = _answer(
        clinic, contact_person="地域連携室 田中", accepting="consult", message="4月から担当が替わります"
    )
    response = client.post(f"/resources/u/{link.token}/", data)
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.contact_person == "受付 佐藤"  # unchanged until approved
    cr = ChangeRequest.objects.get()
    assert cr.status == "pending" and set(cr.changed_keys) == {"contact_person", "accepting"}
    assert cr.message == "4月から担当が替わります"
    assert "受け付けました" in client.get(response["Location"]).content.decode()


def test_unchanged_confirms_the_entry_on_the_day_of_the_answer(client, clinic):
    clinic.confirmed_on = datetime.date(2024, 4, 1)
    clinic.save()
    link = _link(clinic)
    client.post(f"/resources/u/{link.token}/", {"unchanged": "1"})
    clinic.refresh_from_db()
    assert clinic.confirmed_on == timezone.localdate() and clinic.confirmed_by is None
    cr = ChangeRequest.objects.get()
    assert cr.status == "unchanged" and cr.changed_keys == []
    assert FacilityChange.objects.filter(facility=clinic, action="confirm").exists()
    # Submitting the form as it came, without the 変更なし button, is 変更なし too.
    client.post(f"/resources/u/{link.token}/", _answer(clinic))
    assert ChangeRequest.objects.filter(status="unchanged").count() == 2


def test_approving_some_fields_applies_only_those_and_stamps_the_submission_date(client_for, cast, clinic):
    link = _link(clinic)
    client_for("anonymous").post(
        f"/resources/u/{link.token}/",
        _answer(clinic, contact_person="田中", direct_phone="093-111-2222", avoid_note="昼休み"),
    )
    cr = ChangeRequest.objects.get()
    submitted = timezone.now() - datetime.timedelta(days=3)
    ChangeRequest.objects.filter(pk=cr.pk).update(submitted_at=submitted)
    page = client_for("coordinator").get(f"/resources/changes/{cr.pk}/").content.decode()
    assert "受付 佐藤" in page and "田中" in page and 'data-diff="direct_phone"' in page
    response = client_for("coordinator").post(
        f"/resources/changes/{cr.pk}/", {"approve_some": "1", "fields": ["contact_person", "avoid_note"]}
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.contact_person == "田中" and clinic.avoid_note == "昼休み"
    assert clinic.direct_phone == ""  # not approved
    assert clinic.confirmed_on == timezone.localdate(submitted)
    assert "contact_person" in clinic.manual_fields  # imports leave it alone now
    cr.refresh_from_db()
    assert cr.status == "partly" and cr.approved_fields == ["contact_person", "avoid_note"]
    assert cr.decided_by == cast.coordinator
    # A decided request cannot be decided again.
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    clinic.refresh_from_db()
    assert clinic.direct_phone == ""


def test_rejecting_needs_a_reason_and_changes_nothing(client_for, clinic):
    link = _link(clinic)
    client_for("anonymous").post(f"/resources/u/{link.token}/", _answer(clinic, contact_person="いたずら"))
    cr = ChangeRequest.objects.get()
    coordinator = client_for("coordinator")
    response = coordinator.post(f"/resources/changes/{cr.pk}/", {"reject": "1", "reason": ""})
    assert response.status_code == 200 and "この項目は必須です" in response.content.decode()
    cr.refresh_from_db()
    assert cr.status == "pending"
    coordinator.post(
        f"/resources/changes/{cr.pk}/", {"reject": "1", "reason": "施設に電話で確かめたところ誤り"}
    )
    cr.refresh_from_db()
    clinic.refresh_from_db()
    assert cr.status == "rejected" and cr.reason == "施設に電話で確かめたところ誤り"
    assert clinic.contact_person == "受付 佐藤" and clinic.confirmed_on is None


def test_one_carenet_time_row_takes_several_weekdays_and_blank_rows_are_not_required(client_for, clinic):
    link = _link(clinic)
    data = _answer(clinic, **{"windows-TOTAL_FORMS": "3"})
    data.update(_row(0, "call", [0, 1, 2, 3, 4], "13:00", "14:00"))
    data.update(_row(1, "avoid", [0, 1, 2, 3, 4], "09:00", "12:00", note="外来"))
    data.update(_row(2, "call", [], "", "", note=""))  # the blank extra row
    assert client_for("anonymous").post(f"/resources/u/{link.token}/", data).status_code == 302
    cr = ChangeRequest.objects.get()
    assert cr.changed_keys == ["windows"]
    assert (
        "月・火・水・木・金 13:00–14:00"
        in client_for("coordinator").get(f"/resources/changes/{cr.pk}/").content.decode()
    )
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    calls = ContactWindow.objects.filter(facility=clinic, kind="call")
    assert sorted(calls.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4]
    assert ContactWindow.objects.filter(facility=clinic, kind="avoid", note="外来").count() == 5


def test_a_row_with_a_time_but_no_weekday_is_an_error_naming_the_field(client, clinic):
    link = _link(clinic)
    data = _answer(clinic)
    data.update(_row(1, "call", [], "15:00", "14:00"))
    response = client.post(f"/resources/u/{link.token}/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "曜日を1つ以上選んでください" in html and "終了時刻は開始時刻より後" in html
    assert not ChangeRequest.objects.exists()


def test_staff_form_edits_carenet_time_rows_with_several_weekdays(client_for, clinic):
    page = client_for("coordinator").get(f"/resources/{clinic.pk}/edit/").content.decode()
    assert 'name="windows-0-weekdays" value="0"' in page and "checked" in page


def test_vacancies_per_service_with_their_date(client_for, cast):
    home = make_facility("みどり荘", kind_code="special-nursing-home")
    home.services.add(kind("short-stay"))
    link = _link(home)
    page = client_for("anonymous").get(f"/resources/u/{link.token}/").content.decode()
    assert "空床（介護老人福祉施設（特養））" in page and "空床（短期入所生活介護）" in page
    short = kind("short-stay")
    data = _answer(home, **{f"beds_{short.pk}": "2", f"beds_on_{short.pk}": "2026-11-20"})
    client_for("anonymous").post(f"/resources/u/{link.token}/", data)
    cr = ChangeRequest.objects.get()
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    vacancy = Vacancy.objects.get(facility=home)
    assert vacancy.service == short and vacancy.beds == 2 and vacancy.stated_on == datetime.date(2026, 11, 20)
    detail = client_for("professional").get(f"/resources/{home.pk}/").content.decode()
    assert 'data-vacancy="short-stay"' in detail
    assert "data-vacancy" not in client_for("anonymous").get(f"/resources/{home.pk}/").content.decode()


def test_bad_numbers_are_an_error_and_nothing_is_saved(client, cast):
    home = make_facility("みどり荘", kind_code="special-nursing-home")
    link = _link(home)
    data = _answer(home, **{f"beds_{home.kind_id}": "-1", "contact_email": "not-an-address"})
    response = client.post(f"/resources/u/{link.token}/", data)
    html = response.content.decode()
    assert response.status_code == 200 and "0以上の値" in html and "有効なメールアドレス" in html
    assert not ChangeRequest.objects.exists()


def test_capabilities_answered_by_the_facility_carry_their_date_and_source(client_for, clinic):
    link = _link(clinic)
    data = _answer(clinic, capabilities=[str(capability("home-visit").pk), str(capability("end-of-life").pk)])
    client_for("anonymous").post(f"/resources/u/{link.token}/", data)
    cr = ChangeRequest.objects.get()
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    links = {link.capability.code: link for link in clinic.capability_links.select_related("capability")}
    assert (
        links["end-of-life"].source == "facility" and links["end-of-life"].stated_on == timezone.localdate()
    )
    # the one the answer left as it was keeps its own (no) date and source
    assert links["home-visit"].stated_on is None and links["home-visit"].source == ""
    page = client_for("anonymous").get(f"/resources/{clinic.pk}/").content.decode()
    assert 'data-capability-answer="end-of-life"' in page and "施設の回答" in page


def test_an_answer_older_than_the_freshness_limit_is_marked(client, cast):
    f = make_facility("古い回答の医院", capabilities=["home-visit"])
    f.capability_links.update(stated_on=timezone.localdate() - datetime.timedelta(days=400), source="manual")
    page = client.get(f"/resources/{f.pk}/").content.decode()
    assert "data-old-answer" in page and "センター" in page


def test_the_change_request_list_query_count_does_not_grow(client_for, cast, django_assert_num_queries):
    coordinator = client_for("coordinator")
    for i in range(2):
        f = make_facility(f"申請医院{i}")
        ChangeRequest.objects.create(facility=f, link=_link(f), before={"a": ""}, proposed={"a": "x"})
    coordinator.get("/resources/changes/")
    with django_assert_num_queries(
        6
    ):  # session, user, the areas its center keeps, count, page, status counts
        html = coordinator.get("/resources/changes/").content.decode()
    assert html.count("data-change-request=") == 2
    for i in range(5):
        f = make_facility(f"追加医院{i}")
        ChangeRequest.objects.create(facility=f, link=_link(f), before={"a": ""}, proposed={"a": "x"})
    with django_assert_num_queries(6):
        assert coordinator.get("/resources/changes/").content.decode().count("data-change-request=") == 7


def test_the_link_is_emailed_and_counts_as_sent(client_for, clinic):
    link = _link(clinic, email="clinic@example.jp")
    client_for("coordinator").post(f"/resources/links/{link.pk}/send/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (
        message.to == ["clinic@example.jp"] and link.token in message.body and "あおば内科" in message.subject
    )
    link.refresh_from_db()
    assert link.sent_at is not None


def test_the_letter_carries_the_link_as_an_inline_qr_code_without_inline_script_or_style(client_for, clinic):
    link = _link(clinic, contact="院長")
    html = client_for("coordinator").get(f"/resources/links/{link.pk}/letter/").content.decode()
    assert "<svg" in html and link.token in html and "院長 様" in html
    assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_the_letter_counts_as_sent_only_when_its_button_is_pressed(client_for, clinic):
    link = _link(clinic, contact="院長")
    coordinator = client_for("coordinator")
    html = coordinator.get(f"/resources/links/{link.pk}/letter/").content.decode()
    link.refresh_from_db()
    assert link.sent_at is None  # a preview sends nothing
    assert "data-letter-unsent" in html and f'action="/resources/links/{link.pk}/letter/sent/"' in html
    response = coordinator.post(f"/resources/links/{link.pk}/letter/sent/", follow=True)
    assert response.redirect_chain == [(f"/resources/links/{link.pk}/letter/", 302)]
    html = response.content.decode()
    link.refresh_from_db()
    assert link.sent_at is not None and "この手紙を送付済みにしました。" in html
    sent_on = timezone.localdate(link.sent_at)
    assert f"送付済み（{sent_on.year}年{sent_on.month}月{sent_on.day}日）" in html
    assert "data-mark-sent" not in html
    again = coordinator.post(f"/resources/links/{link.pk}/letter/sent/", follow=True).content.decode()
    assert "この手紙はすでに送付済みです。" in again
    assert UpdateLink.objects.get(pk=link.pk).sent_at == link.sent_at


def test_who_may_record_a_letter_as_sent(client_for, clinic):
    link = _link(clinic, contact="院長")
    url = f"/resources/links/{link.pk}/letter/sent/"
    response = client_for("anonymous").post(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for("professional").post(url).status_code == 403
    assert client_for("official").post(url).status_code == 403
    assert client_for("coordinator").get(url).status_code == 405
    assert client_for("coordinator").post("/resources/links/999/letter/sent/").status_code == 404
    revoked = _link(clinic, contact="事務長", revoked_at=timezone.now())
    assert client_for("coordinator").post(f"/resources/links/{revoked.pk}/letter/sent/").status_code == 404
    assert not UpdateLink.objects.filter(sent_at__isnull=False).exists()


def test_letters_csv_lists_facility_contact_and_link_for_mail_merge(client_for, clinic):
    link = _link(clinic, contact="院長")
    _link(clinic, contact="古い", revoked_at=timezone.now())
    body = client_for("coordinator").get("/resources/links/letters.csv").content.decode("utf-8-sig")
    assert "施設名" in body and "あおば内科" in body and link.token in body and "古い" not in body


def test_a_revoked_link_stops_working(client_for, clinic):
    link = _link(clinic)
    client_for("coordinator").post(f"/resources/links/{link.pk}/revoke/")
    assert client_for("anonymous").get(f"/resources/u/{link.token}/").status_code == 404


def test_the_facility_page_offers_links_to_editors_only(client_for, clinic):
    assert (
        f"/resources/{clinic.pk}/links/"
        in client_for("coordinator").get(f"/resources/{clinic.pk}/").content.decode()
    )
    assert "/links/" not in client_for("professional").get(f"/resources/{clinic.pk}/").content.decode()


def test_facility_pages_carry_their_confirmed_on_date(client, clinic):
    clinic.confirmed_on = datetime.date(2026, 5, 1)
    clinic.save()
    assert 'data-confirmed-on="2026-05-01"' in client.get(f"/resources/{clinic.pk}/").content.decode()


def test_the_staff_menu_reaches_the_change_requests_and_the_rounds(client_for, cast):
    html = client_for("coordinator").get("/resources/").content.decode()
    assert 'href="/resources/changes/"' in html and 'href="/resources/rounds/"' in html
    assert 'href="/resources/changes/"' not in client_for("professional").get("/resources/").content.decode()


def test_the_command_prints_the_current_link_creating_one_once(cast):
    f = make_facility("コマンド医院", code="4012345678")
    out = io.StringIO()
    call_command("facility_update_link", "4012345678", stdout=out)
    first = out.getvalue().strip()
    assert first.endswith(f"/resources/u/{UpdateLink.objects.get(facility=f).token}/")
    out = io.StringIO()
    call_command("facility_update_link", "4012345678", stdout=out)
    assert out.getvalue().strip() == first and UpdateLink.objects.count() == 1
    with pytest.raises(CommandError, match="名簿にありません"):
        call_command("facility_update_link", "4099999999")


def test_an_expired_link_gives_way_to_a_new_one(cast):
    f = make_facility("期限切れ医院")
    old = _link(f, expires_on=timezone.localdate() - datetime.timedelta(days=1))
    new = updates.current_link(f)
    assert new.pk != old.pk and new.is_active
    old.refresh_from_db()
    assert old.revoked_at is not None


def test_approval_writes_the_audit_log(client_for, clinic):
    from coordination.models import AuditEvent

    link = _link(clinic)
    client_for("anonymous").post(f"/resources/u/{link.token}/", _answer(clinic, contact_person="新担当"))
    cr = ChangeRequest.objects.get()
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    details = list(
        AuditEvent.objects.filter(object_type="resources.ChangeRequest").values_list("detail", flat=True)
    )
    assert any("承認" in d and "連絡窓口・担当者" in d for d in details)
    assert Facility.objects.get(pk=clinic.pk).contact_person == "新担当"


def test_approving_with_no_field_checked_is_refused(client_for, clinic):
    link = _link(clinic)
    client_for("anonymous").post(f"/resources/u/{link.token}/", _answer(clinic, contact_person="新担当"))
    cr = ChangeRequest.objects.get()
    response = client_for("coordinator").post(
        f"/resources/changes/{cr.pk}/", {"approve_some": "1"}, follow=True
    )
    assert "チェックを入れてください" in response.content.decode()
    cr.refresh_from_db()
    assert cr.status == "pending"


def test_an_addressee_typed_with_its_honorific_is_not_addressed_twice():
    from resources.forms import UpdateLinkForm

    for typed in ("事務長 足立様", "事務長 足立 様", "事務長 足立さま", "事務長 足立"):
        form = UpdateLinkForm(data={"contact": typed})
        assert form.is_valid() and form.cleaned_data["contact"] == "事務長 足立", typed
