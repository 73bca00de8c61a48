"""締め asks first: the 月報 links to a confirmation page (no form that closes at one press), which
says what closing does, what can be undone afterwards and by whom, and the figures it will
submit; only its button closes. What the page says about undoing is what the portal allows."""

import re

import pytest

from consultations.models import MonthClosing
from tests.consultations.factories import make_consultation

pytestmark = pytest.mark.django_db

CONFIRM = "/consultations/reports/close/?center=C01&year=2026&month=8"


@pytest.fixture
def august(cast):
    make_consultation(cast.center1, (2026, 8, 3, 10, 15), "ケアマネジャー", ["連絡調整"])
    make_consultation(cast.center1, (2026, 8, 20, 9, 0), "訪問看護", ["看取りに関する事"])
    return cast


def test_the_report_links_to_the_confirmation_instead_of_closing_at_once(client_for, august):
    html = client_for("coordinator").get("/consultations/reports/?year=2026&month=8").content.decode()
    assert 'action="/consultations/reports/close/"' not in html
    link = re.search(r'<a [^>]*href="([^"]*)"[^>]*data-close-month="C01"[^>]*>(.*?)</a>', html).groups()
    assert link[0].replace("&amp;", "&") == CONFIRM
    assert link[1] == "C01 東センターの2026年8月を締める（確認へ）"


def test_the_confirmation_says_what_closing_does_and_who_can_undo_it(client_for, august):
    response = client_for("coordinator").get(CONFIRM)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>C01 東センターの2026年8月を締めますか</h1>" in html
    assert "いまの値のまま「提出値」として保存します" in html
    assert "締めた後も追加・修正できます" in html and "「締め直す」" in html
    assert "締めを取り消す（解除する）ことは、管理者にしかできません。" in html
    assert "コーディネーターは自分では取り消せません" in html
    # The figures it will submit: 延べ件数 2.
    preview = re.search(r"<table[^>]*data-submitted-preview>.*?</table>", html, re.S).group(0)
    assert re.search(r"延べ件数</th><td class=\"num\">2</td>", preview)
    # Its button posts the closing; a way back closes nothing.
    form = re.search(r"<form[^>]*data-close-month-confirm>.*?</form>", html, re.S).group(0)
    assert 'method="post"' in form and 'name="month" value="8"' in form and "締めずに月報に戻る" in form
    assert MonthClosing.objects.count() == 0  # opening the page closes nothing


def test_the_confirmations_button_closes_the_month(client_for, august):
    client = client_for("coordinator")
    client.get(CONFIRM)
    response = client.post("/consultations/reports/close/", {"center": "C01", "year": 2026, "month": 8})
    assert response.status_code == 302
    assert MonthClosing.objects.active().filter(center=august.center1, year=2026, month=8).count() == 1


def test_what_the_page_says_of_undoing_is_true(client_for, august):
    coordinator = client_for("coordinator")
    coordinator.post("/consultations/reports/close/", {"center": "C01", "year": 2026, "month": 8})
    closing = MonthClosing.objects.get()
    # A coordinator cannot 解除: refused, the closing stays.
    assert (
        coordinator.post(
            f"/consultations/reports/closings/{closing.pk}/reopen/", {"reason": "誤り"}
        ).status_code
        == 403
    )
    assert MonthClosing.objects.active().count() == 1
    # An admin can, with a reason.
    client_for("admin").post(f"/consultations/reports/closings/{closing.pk}/reopen/", {"reason": "入力漏れ"})
    assert MonthClosing.objects.active().count() == 0
    closing.refresh_from_db()
    assert closing.reopen_reason == "入力漏れ" and closing.reopened_by == august.admin


def test_a_month_that_cannot_be_closed_gets_no_confirmation(client_for, august):
    client = client_for("coordinator")
    client.post("/consultations/reports/close/", {"center": "C01", "year": 2026, "month": 8})
    response = client.get(CONFIRM, follow=True)
    assert response.redirect_chain[-1][0] == "/consultations/reports/?year=2026&month=8&center=C01"
    assert "すでに締めています" in response.content.decode()
    response = client.get("/consultations/reports/close/?center=C01&year=2100&month=1", follow=True)
    assert "まだ終わっていないため、締められません" in response.content.decode()


def test_only_the_centers_coordinator_or_an_admin_sees_the_confirmation(client, client_for, august):
    assert client.get(CONFIRM).status_code == 302  # to the login
    assert client_for("admin").get(CONFIRM).status_code == 200
    assert client_for("coordinator2").get(CONFIRM).status_code == 404  # another center's
    assert client_for("official").get(CONFIRM).status_code == 403
    assert client_for("professional").get(CONFIRM).status_code == 403
    admin_page = client_for("admin").get(CONFIRM).content.decode()
    assert "コーディネーターは自分では取り消せません" not in admin_page
