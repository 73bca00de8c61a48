"""締め: closing a month stores the submitted figures; later edits show as 「提出後の修正」."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from consultations.models import MonthClosing
from coordination.models import AuditEvent
from tests.consultations.factories import make_consultation


@pytest.fixture
def august(cast):
    make_consultation(cast.center1, (2026, 8, 3, 10, 15), "ケアマネジャー", ["連絡調整"])
    make_consultation(cast.center1, (2026, 8, 20, 9, 0), "訪問看護", ["看取りに関する事"])
    make_consultation(cast.center2, (2026, 8, 4, 9, 0), "ケアマネジャー", ["その他"])
    return cast


def close(client, center="C01", year=2026, month=8):
    return client.post("/consultations/reports/close/", {"center": center, "year": year, "month": month})


def report(client, query="year=2026&month=8&center=C01"):
    return client.get("/consultations/reports/?" + query).content.decode()


def test_a_coordinator_closes_the_month_and_the_submitted_figures_are_kept_with_an_audit_entry(
    client_for, august
):
    response = close(client_for("coordinator"))
    assert response.status_code == 302
    closing = MonthClosing.objects.get()
    assert (closing.center, closing.year, closing.month, closing.closed_by) == (
        august.center1,
        2026,
        8,
        august.coordinator,
    )
    values = closing.submitted_values()
    assert values[("相談者", "合計")] == 2
    assert values[("相談件数", "延べ件数")] == 2
    assert AuditEvent.objects.filter(object_type="consultations.MonthClosing", action="create").count() == 1
    html = report(client_for("coordinator"))
    assert 'data-closed-month="2026-08"' in html
    assert "data-changed-after-submission" not in html


def test_closing_twice_or_a_month_not_ended_is_refused_in_japanese(client_for, august):
    coordinator = client_for("coordinator")
    close(coordinator)
    response = coordinator.post(
        "/consultations/reports/close/", {"center": "C01", "year": 2026, "month": 8}, follow=True
    )
    assert "すでに締めています" in response.content.decode()
    assert MonthClosing.objects.count() == 1
    from consultations import services

    request = type("R", (), {"user": august.coordinator})()
    with pytest.raises(services.ClosingError, match="まだ終わっていない"):
        services.close_month(request, august.center1, 2026, 8, today=datetime.date(2026, 8, 31))


def test_another_centers_coordinator_cannot_close_it_and_officials_cannot_close_at_all(client_for, august):
    assert close(client_for("coordinator2")).status_code == 404
    assert close(client_for("official")).status_code == 403
    assert close(client_for("anonymous")).status_code == 302
    assert not MonthClosing.objects.exists()


def test_an_edit_after_closing_shows_the_difference_per_line(client_for, august):
    close(client_for("coordinator"))
    # A consultation of August logged after the month was submitted.
    make_consultation(august.center1, (2026, 8, 25, 14, 0), "ケアマネジャー", ["看取りに関する事"])
    html = report(client_for("official"))
    changed = re.findall(r'<tr [^>]*data-item="([^"]+)"[^>]*data-changed-after-submission', html)
    assert "ケアマネジャー" in changed and "看取りに関する事" in changed and "延べ件数" in changed
    assert "訪問看護" not in changed  # the line did not change
    row = re.search(
        r'data-item="看取りに関する事"[^>]*data-changed-after-submission.*?</tr>', html, re.S
    ).group(0)
    assert re.search(r"data-submitted>1<", row) and "提出後の修正 +1" in row


def test_officials_see_submitted_and_current_side_by_side(client_for, august):
    close(client_for("coordinator"))
    make_consultation(august.center1, (2026, 8, 25, 14, 0), "ケアマネジャー", ["その他"])
    html = report(client_for("official"), "year=2026&month=8")
    assert "提出値" in html and "現在値" in html and "提出後の修正" in html
    assert 'data-closed-month="2026-08" data-center="C01"' in html
    assert 'data-center="C02"' not in html  # C02 has not closed


def test_an_admin_reopens_with_a_reason_audited_and_a_reason_is_required(client_for, august):
    close(client_for("coordinator"))
    closing = MonthClosing.objects.get()
    url = f"/consultations/reports/closings/{closing.pk}/reopen/"
    assert client_for("coordinator").post(url, {"reason": "x"}).status_code == 403
    admin = client_for("admin")
    response = admin.post(url, {"reason": "  "}, follow=True)
    assert "理由を入力してください" in response.content.decode()
    assert MonthClosing.objects.active().count() == 1
    admin.post(url, {"reason": "相談1件の計上漏れ"})
    closing.refresh_from_db()
    assert closing.reopened_by == august.admin and closing.reopen_reason == "相談1件の計上漏れ"
    event = AuditEvent.objects.get(object_type="consultations.MonthClosing", action="update")
    assert "相談1件の計上漏れ" in event.detail
    assert 'data-closed-month="2026-08"' not in report(client_for("coordinator"))
    # Closed again: a new submission, the first one kept.
    close(client_for("coordinator"))
    assert MonthClosing.objects.count() == 2 and MonthClosing.objects.active().count() == 1


def test_fiscal_year_page_and_xlsx_say_which_months_are_closed(client_for, august):
    close(client_for("coordinator"))
    html = report(client_for("admin"), "fiscal_year=2026")
    assert 'data-closed-month="2026-08" data-center="C01"' in html
    response = client_for("admin").get("/consultations/reports/?fiscal_year=2026&format=xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    monthly = {row[0]: row for row in wb["月別推移"].iter_rows(values_only=True)}
    assert monthly["2026年8月"][-1] == "締め済み（C01）"
    assert monthly["2026年7月"][-1] == "未締め"
    titles = [row[0] for row in wb["相談実績"].iter_rows(max_row=4, values_only=True)]
    assert "締め済みの月: 2026年8月（C01）" in titles


def test_the_close_button_is_offered_only_for_an_ended_month_not_yet_closed(client_for, august):
    from coordination import dates

    coordinator = client_for("coordinator")
    assert "この月を締める" in report(coordinator)  # August 2026 has ended (today is later)
    today = dates.today()
    assert "この月を締める" not in report(coordinator, f"year={today.year}&month={today.month}&center=C01")
    close(coordinator)
    assert "この月を締める" not in report(coordinator)  # its only center is closed now
