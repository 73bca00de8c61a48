"""The consultation window keeps the directory honest: a 連絡調整 result of 連絡不通, 情報誤り or
受入停止 puts the facility on the re-check list with its consultation, never editing it."""

import datetime

from django.test import RequestFactory
from django.utils import timezone

from consultations import services
from resources.models import Facility, Recheck
from tests.consultations.factories import make_consultation
from tests.consultations.test_services import coordination_form
from tests.resources.factories import make_facility

# The edit form posted without ケアマネタイム rows (the facilities here have none).
NO_WINDOWS = {"windows-TOTAL_FORMS": "0"}


def _request(user):
    request = RequestFactory().post("/consultations/")
    request.user = user
    return request


def test_no_answer_puts_the_facility_on_the_list_with_its_consultation(cast):
    f = make_facility("出ない医院", phone="093-000-0000")
    c = make_consultation(cast.center1)
    services.add_coordination(
        _request(cast.coordinator), c, coordination_form(f, **{"co-result": "no_answer"})
    )
    recheck = Recheck.objects.get()
    assert recheck.facility == f and recheck.reason == "unreachable" and recheck.center == cast.center1
    assert recheck.origin_url == f"/consultations/{c.pk}/" and f"相談 #{c.pk}" in recheck.origin
    f.refresh_from_db()
    assert f.phone == "093-000-0000"  # the entry itself is untouched
    # The same consultation calling again does not add a second row.
    services.add_coordination(
        _request(cast.coordinator), c, coordination_form(f, **{"co-result": "no_answer"})
    )
    assert Recheck.objects.count() == 1


def test_a_refusal_saying_it_stopped_or_the_data_is_wrong_is_a_recheck(cast):
    stopped, wrong, full = (
        make_facility("停止中の医院"),
        make_facility("番号違いの医院"),
        make_facility("満床の医院"),
    )
    c = make_consultation(cast.center1)
    request = _request(cast.coordinator)
    for facility, reason in ((stopped, "新規の受入停止中"), (wrong, "電話番号が違う"), (full, "満床")):
        services.add_coordination(
            request, c, coordination_form(facility, **{"co-result": "declined", "co-reason": reason})
        )
    assert dict(Recheck.objects.values_list("facility__name", "reason")) == {
        "停止中の医院": "stopped",
        "番号違いの医院": "wrong",
    }


def test_the_results_stopped_and_wrong_info_put_the_facility_on_the_list(cast):
    stopped, wrong = make_facility("休止の医院"), make_facility("移転した医院")
    c = make_consultation(cast.center1)
    request = _request(cast.coordinator)
    for facility, result in ((stopped, "stopped"), (wrong, "wrong_info")):
        services.add_coordination(request, c, coordination_form(facility, **{"co-result": result}))
    assert dict(Recheck.objects.values_list("facility__name", "reason")) == {
        "休止の医院": "stopped",
        "移転した医院": "wrong",
    }


def test_an_accepted_contact_adds_nothing(cast):
    services.add_coordination(
        _request(cast.coordinator),
        make_consultation(cast.center1),
        coordination_form(make_facility("受けた医院"), **{"co-result": "accepted"}),
    )
    assert not Recheck.objects.exists()


def test_the_facility_page_shows_an_open_recheck_to_staff_only(client_for, cast):
    f = make_facility("再確認の医院")
    Recheck.objects.create(
        facility=f, reason="unreachable", origin="相談 #1（応答なし）", center=cast.center1
    )
    assert "data-open-recheck" in client_for("coordinator").get(f"/resources/{f.pk}/").content.decode()
    for role in ("anonymous", "professional", "official"):
        assert "data-open-recheck" not in client_for(role).get(f"/resources/{f.pk}/").content.decode(), role


def test_the_list_links_the_consultation_for_its_own_center_only_and_closes_with_a_note(client_for, cast):
    f = make_facility("再確認の医院")
    r = Recheck.objects.create(
        facility=f,
        reason="wrong",
        origin="相談 #7（受入不可）",
        origin_url="/consultations/7/",
        center=cast.center1,
    )
    assert (
        'href="/consultations/7/"' in client_for("coordinator").get("/resources/rechecks/").content.decode()
    )
    other = client_for("coordinator2").get("/resources/rechecks/").content.decode()
    assert "再確認の医院" in other and 'href="/consultations/7/"' not in other
    response = client_for("coordinator").post(f"/resources/rechecks/{r.pk}/close/", {"note": ""})
    r.refresh_from_db()
    assert response.status_code == 302 and r.closed_at is None
    client_for("coordinator").post(f"/resources/rechecks/{r.pk}/close/", {"note": "電話番号を直した"})
    r.refresh_from_db()
    assert r.closed_at is not None and r.closing_note == "電話番号を直した"
    assert "data-open-recheck" not in client_for("coordinator").get(f"/resources/{f.pk}/").content.decode()


def test_the_recheck_list_query_count_does_not_grow(client_for, cast, django_assert_num_queries):
    coordinator = client_for("coordinator")
    for i in range(2):
        Recheck.objects.create(facility=make_facility(f"医院{i}"), reason="unreachable", center=cast.center1)
    coordinator.get("/resources/rechecks/")
    with django_assert_num_queries(5):  # session, user, the areas its center keeps, count, page
        coordinator.get("/resources/rechecks/")
    for i in range(5):
        Recheck.objects.create(facility=make_facility(f"追加{i}"), reason="wrong")
    with django_assert_num_queries(5):
        assert coordinator.get("/resources/rechecks/").content.decode().count("data-recheck=") == 7


def test_the_directory_never_imports_the_consultation_log():
    import pathlib

    for path in pathlib.Path("resources").rglob("*.py"):
        assert "consultations" not in "\n".join(
            line for line in path.read_text().splitlines() if line.lstrip().startswith(("import", "from"))
        ), path


def test_the_facilitys_answer_through_its_link_closes_the_loop(client_for, cast):
    from resources.models import UpdateLink

    f = make_facility("返事をくれた医院")
    r = Recheck.objects.create(facility=f, reason="unreachable", center=cast.center1)
    link = UpdateLink.objects.create(facility=f)
    client_for("anonymous").post(f"/resources/u/{link.token}/", {"unchanged": "1"})
    r.refresh_from_db()
    assert r.closed_at is not None and "施設の回答" in r.closing_note


def test_the_recheck_list_reads_as_cards_on_a_phone(client_for, cast):
    # Five columns with a form in the last were unreadable at 390 px: each row is a card whose
    # cells are labelled, as 変更申請 and 相談一覧 are.
    Recheck.objects.create(facility=make_facility("医院"), reason="unreachable", center=cast.center1)
    html = client_for("coordinator").get("/resources/rechecks/").content.decode()
    assert 'class="table--cards"' in html
    row = html.split("data-recheck=")[1].split("</tr>")[0]
    assert [
        label for label in ("登録日", "施設", "理由", "きっかけ", "対応") if f'data-label="{label}"' in row
    ] == [
        "登録日",
        "施設",
        "理由",
        "きっかけ",
        "対応",
    ]


def test_a_stop_heard_on_a_call_becomes_the_entrys_status_in_one_click(client_for, cast):
    f = make_facility("停止を聞いた訪問看護", accepting="yes")
    c = make_consultation(cast.center1)
    services.add_coordination(_request(cast.coordinator), c, coordination_form(f, **{"co-result": "stopped"}))
    recheck = Recheck.objects.get()
    # A second call that heard the same is answered by the same change.
    also = Recheck.objects.create(facility=f, reason="stopped", origin="相談 #9（受入停止中）")
    listing = client_for("coordinator").get("/resources/rechecks/").content.decode()
    assert "data-recheck-stopped" in listing and "data-recheck-edit" in listing
    assert f.pk in Facility.objects.accepting().values_list("pk", flat=True)
    # Only the directory's staff, and only for a 受入停止 that is still open.
    assert client_for("professional").post(f"/resources/rechecks/{recheck.pk}/stopped/").status_code == 403
    assert client_for("anonymous").post(f"/resources/rechecks/{recheck.pk}/stopped/").status_code == 302
    response = client_for("coordinator").post(f"/resources/rechecks/{recheck.pk}/stopped/")
    assert response.status_code == 302
    f.refresh_from_db()
    recheck.refresh_from_db()
    # Dated by the call (the form's 連絡日時), not by the day it was listed.
    assert f.accepting == "no" and f.accepting_stated_on == recheck.heard_on == datetime.date(2026, 8, 3)
    assert "accepting" in f.manual_fields
    assert recheck.closed_at is not None and "受入停止中にした" in recheck.closing_note
    also.refresh_from_db()
    assert also.closed_at is not None
    change = f.changes.get()
    # Professionals read the history: it names the center, the consultation stays in the audit log.
    assert (
        change.fields == ["新規受入状況"]
        and "相談 #" not in change.actor
        and "連携支援センター" in change.actor
    )
    assert f.pk not in Facility.objects.accepting().values_list("pk", flat=True)
    # Once closed (or for another reason) there is nothing to answer.
    assert client_for("coordinator").post(f"/resources/rechecks/{recheck.pk}/stopped/").status_code == 404
    wrong = Recheck.objects.create(facility=f, reason="wrong", center=cast.center1)
    assert client_for("coordinator").post(f"/resources/rechecks/{wrong.pk}/stopped/").status_code == 404


def test_correcting_the_entry_closes_the_rechecks_ticked_on_its_edit_form(client_for, cast):
    from tests.resources.test_facility_pages import _form

    f = make_facility("番号が変わった医院", phone="093-000-0000")
    answered = Recheck.objects.create(
        facility=f, reason="wrong", origin="相談 #3（情報誤り）", detail="番号違い"
    )
    left = Recheck.objects.create(facility=f, reason="unreachable", origin="相談 #4（応答なし）")
    coordinator = client_for("coordinator")
    form_page = coordinator.get(f"/resources/{f.pk}/edit/").content.decode()
    assert "data-open-rechecks" in form_page and f'data-close-recheck="{answered.pk}"' in form_page
    response = coordinator.post(
        f"/resources/{f.pk}/edit/",
        {**_form(f, phone="093-111-2222", **NO_WINDOWS), "close_recheck": [str(answered.pk)]},
    )
    assert response.status_code == 302
    answered.refresh_from_db()
    left.refresh_from_db()
    assert answered.closed_at is not None and answered.closing_note == "名簿を修正した（電話番号）"
    assert left.closed_at is None
    assert "再確認リストの1件を確認済みにしました。" in coordinator.get(response.url).content.decode()
    # A facility with nothing open shows no such box.
    assert (
        "data-open-rechecks"
        not in coordinator.get(f"/resources/{make_facility('何もない医院').pk}/edit/").content.decode()
    )


def test_a_second_click_or_a_newer_statement_leaves_the_entry_as_it_is(client_for, cast):
    from resources import updates

    f = make_facility("後から届いた訪問看護", accepting="yes")
    heard = Recheck.objects.create(facility=f, reason="stopped", origin="相談 #5（受入停止中）")
    # The facility stated 受入可 through its link after the call: its newer word stands.
    Facility.objects.filter(pk=f.pk).update(
        accepting_stated_on=timezone.localdate(heard.created_at) + timezone.timedelta(days=3)
    )
    response = client_for("coordinator").post(f"/resources/rechecks/{heard.pk}/stopped/", follow=True)
    assert "新規受入状況を届けています（連絡調整より後）" in response.content.decode()
    f.refresh_from_db()
    heard.refresh_from_db()
    assert f.accepting == "yes" and heard.closed_at is None and not f.changes.exists()
    # A re-check closed meanwhile (the first of two clicks) is not written again.
    Facility.objects.filter(pk=f.pk).update(accepting_stated_on=None)
    stale = Recheck.objects.get(pk=heard.pk)
    assert updates.record_stopped(_request(cast.coordinator), stale) == updates.STOPPED_RECORDED
    assert updates.record_stopped(_request(cast.coordinator), stale) == updates.ALREADY_CLOSED
    assert f.changes.count() == 1


def test_an_edit_that_changes_nothing_or_a_bad_id_closes_nothing(client_for, cast):
    from tests.resources.test_facility_pages import _form

    f = make_facility("何も直さない医院")
    recheck = Recheck.objects.create(facility=f, reason="unreachable", origin="相談 #4（応答なし）")
    coordinator = client_for("coordinator")
    form_page = coordinator.get(f"/resources/{f.pk}/edit/").content.decode()
    # Nothing is ticked until the user says so.
    assert (
        f'data-close-recheck="{recheck.pk}"' in form_page and " checked data-close-recheck" not in form_page
    )
    response = coordinator.post(
        f"/resources/{f.pk}/edit/", {**_form(f, **NO_WINDOWS), "close_recheck": [str(recheck.pk)]}
    )
    assert (
        "変更がなかったため、再確認リストは確認済みにしていません。"
        in coordinator.get(response.url).content.decode()
    )
    recheck.refresh_from_db()
    assert recheck.closed_at is None
    response = coordinator.post(
        f"/resources/{f.pk}/edit/",
        {**_form(f, phone="093-111-0000", **NO_WINDOWS), "close_recheck": ["abc", str(recheck.pk)]},
    )
    assert response.status_code == 302
    recheck.refresh_from_db()
    assert recheck.closing_note == "名簿を修正した（電話番号）"
