"""The 見える化 page in Chromium: an official picks the chart's item, the chart is drawn with the
city's line, the 圏域 below the city are marked, and at phone width the page does not widen."""

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, login
from tests.resources.test_areas import YEAR, town  # noqa: F401 — the hand-counted fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_reads_the_area_page_with_its_chart_on_desktop_and_phone(page, cast, town):  # noqa: F811
    login(page, "official")
    page.goto(page.base_url + f"/resources/areas/?fiscal_year={YEAR}")
    page.get_by_label("グラフの項目").select_option(label="訪問看護ステーション")
    page.get_by_role("button", name="表示する").click()
    page.wait_for_load_state()
    assert "indicator=visiting-nursing" in page.url
    assert page.evaluate("Chart.getChart(document.getElementById('chart-areas')).data.labels") == [
        "東北圏域",
        "▼圏域A",
        "圏域B",
        "西区",  # a 区 without 圏域 stands as one, in the tree's order
    ]
    assert page.locator('tr[data-area-code="B002"]').get_attribute("class").endswith("is-below")
    expect(page.locator('tr[data-area-code="A001"] [data-per-1000="1.6"]')).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "areas-official-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "areas-official-phone.png"), full_page=True)
    assert page.js_errors == []
