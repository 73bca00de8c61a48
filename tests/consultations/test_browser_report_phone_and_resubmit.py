"""In a real browser: the 月報 on a phone keeps its item column readable and scrolls its numbers
inside the table's box, its header row staying at the top of the box; a coordinator moves to the
previous month and resubmits a changed one."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, login
from tests.consultations.factories import make_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_on_a_phone_keeps_items_readable_and_scrolls_inside_its_box(page, cast):
    make_consultation(
        cast.center1, (2026, 8, 3, 10, 15), "ケアマネジャー", ["医療/訪問診療できる医療機関に関する事"]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "official")
    page.goto(page.base_url + "/consultations/reports/?year=2026&month=8")
    item = page.locator('tr[data-item="医療/訪問診療できる医療機関に関する事"] th').nth(1)
    expect(item).to_be_visible()
    # At least ten characters a line (the walk found 1–2), and the page itself no wider than the phone.
    assert item.bounding_box()["width"] >= 150
    section = page.locator('tr[data-item="医療/訪問診療できる医療機関に関する事"] th').first
    assert section.bounding_box()["width"] >= 80
    wrap = page.locator("[data-report-table]").locator("xpath=..")
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Scrolled sideways, the item stays at the left edge beside its numbers.
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert 0 <= item.bounding_box()["x"] - wrap.bounding_box()["x"] < 5
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-phone.png"))
    assert page.js_errors == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_reports_header_row_stays_at_the_top_of_its_box_as_the_lines_scroll(page, cast, width):
    make_consultation(cast.center1, (2026, 8, 3, 10, 15), "ケアマネジャー", ["連絡調整"])
    make_consultation(cast.center2, (2026, 8, 4, 10, 15), "訪問看護", ["その他"])
    page.set_viewport_size({"width": width, "height": 844})
    login(page, "official")
    page.goto(page.base_url + "/consultations/reports/?year=2026&month=8")
    wrap = page.locator("[data-report-table]").locator("xpath=..")
    heading = page.locator("[data-report-table] thead th").nth(2)  # 合計
    item = page.locator("[data-report-table] thead th").nth(1)  # 項目
    wrap.scroll_into_view_if_needed()
    # The lines scroll inside the box (no taller than the window), not the page past the header.
    assert wrap.evaluate("el => el.scrollHeight > el.clientHeight && el.clientHeight <= window.innerHeight")
    wrap.evaluate("el => { el.scrollTop = 600; }")
    top = wrap.bounding_box()["y"]
    assert abs(heading.bounding_box()["y"] - top) < 2
    cases = page.locator('tr[data-item="延べ件数"] td[data-total]')
    assert cases.bounding_box()["y"] < top  # that line has gone up under the header
    if width == 390:
        # Scrolled sideways too, the 項目 heading keeps the corner above the 項目 column.
        wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        assert abs(item.bounding_box()["x"] - wrap.bounding_box()["x"]) < 2
        assert abs(item.bounding_box()["y"] - top) < 2
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-sticky-header-{width}.png"))
    assert page.js_errors == []


def test_a_coordinator_goes_to_the_previous_month_and_resubmits_it(page, cast):
    make_consultation(cast.center1, (2026, 8, 3, 10, 15), "ケアマネジャー", ["連絡調整"])
    login(page, "coordinator")
    page.goto(page.base_url + "/consultations/reports/?year=2026&month=9")
    page.get_by_role("link", name=re.compile("前月（2026年8月）")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026年8月")
    page.get_by_role("link", name="C01 東センターの2026年8月を締める（確認へ）").click()
    page.get_by_role("button", name="C01 東センターの2026年8月を締める").click()
    expect(page.locator(".messages")).to_contain_text("を締めました")
    make_consultation(cast.center1, (2026, 8, 24, 15, 0), "訪問看護", ["看取りに関する事"])
    page.reload()
    expect(page.locator('tr[data-item="延べ件数"]')).to_contain_text("提出後の修正 +1")
    page.get_by_role("button", name=re.compile("2026年8月を締め直す")).click()
    expect(page.locator(".messages")).to_contain_text("締め直しました")
    expect(page.locator("tr[data-changed-after-submission]")).to_have_count(0)
    expect(page.locator("[data-earlier-submissions] summary")).to_contain_text("これまでの提出（1件）")
    assert page.js_errors == []
