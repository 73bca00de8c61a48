"""In a real browser: a coordinator closes a month and sees the mark and a later edit's difference;
a resident on a phone reads a center's public page."""

import re

import pytest
from playwright.sync_api import expect

from coordination.models import CenterClosure
from tests.conftest import ARTIFACTS, login
from tests.consultations.factories import make_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_closes_a_month_and_sees_the_mark_and_a_later_edit(page, cast):
    make_consultation(cast.center1, (2026, 8, 3, 10, 15), "ケアマネジャー", ["連絡調整"])
    login(page, "coordinator")
    page.goto(page.base_url + "/consultations/reports/?year=2026&month=8")
    # The 月報 asks first: the link opens the confirmation, whose button closes.
    page.get_by_role("link", name="C01 東センターの2026年8月を締める（確認へ）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("C01 東センターの2026年8月を締めますか")
    expect(page.locator("[data-after-closing]")).to_contain_text("管理者にしかできません")
    page.get_by_role("button", name="C01 東センターの2026年8月を締める").click()
    expect(page.locator(".messages")).to_contain_text("を締めました")
    mark = page.locator('[data-closed-month="2026-08"]')
    expect(mark).to_have_count(1)
    expect(mark).to_contain_text("締め済み")
    expect(page.locator("[data-changed-after-submission]")).to_have_count(0)
    # A consultation of August logged after the month was submitted.
    make_consultation(cast.center1, (2026, 8, 24, 15, 0), "訪問看護", ["看取りに関する事"])
    page.reload()
    changed = page.locator("tr[data-changed-after-submission]")
    assert changed.count() >= 3
    row = page.locator('tr[data-item="看取りに関する事"][data-changed-after-submission]')
    expect(row).to_contain_text("提出後の修正 +1")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "month-closing-report.png"), full_page=True)
    page.locator("#chart-topics").scroll_into_view_if_needed()
    page.locator(".two-col").last.screenshot(path=str(ARTIFACTS / "report-charts.png"))
    assert page.js_errors == []


def test_a_resident_on_a_phone_reads_a_centers_public_page(browser, live_server, cast):
    c = cast.center1
    c.address, c.phone, c.fax = "テスト市東区本町1-1", "093-000-0001", "093-000-0002"
    c.location_note, c.opening_hours = "東区医師会内", "月曜日〜金曜日 9:00〜17:00（祝日・休業日を除く）"
    c.latitude, c.longitude = 33.9436, 130.9622
    c.save()
    CenterClosure.objects.filter(center=c, start_month=8).update(label="お盆休み")
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_server.url + "/centers/")
        page.get_by_role("link", name="東センター").first.click()
        expect(page).to_have_url(re.compile(r"/centers/C01/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("東センター")
        expect(page.get_by_role("link", name="093-000-0001")).to_have_attribute("href", "tel:093-000-0001")
        body = page.locator("main").inner_text()
        for text in ("東区医師会内", "お盆休み", "無料", "打診", "訪問診療や往診を行う医師等の確保"):
            assert text in body, text
        # Nothing wider than the phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "center-public-phone.png"), full_page=True)
        page.goto(live_server.url + "/centers/find/?q=テスト市西区栄町")
        expect(page.locator('[data-find-answer] [data-center-code="C02"]')).to_have_count(1)
        page.screenshot(path=str(ARTIFACTS / "center-find-phone.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
