import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, login
from tests.resources.factories import make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_professional_finds_home_visit_doctor_opens_it_and_prints_the_list(page, cast):
    from resources.models import ContactWindow

    make_facility(
        "ひまわり在宅クリニック",
        area=cast.ward1,
        capabilities=["home-visit", "end-of-life"],
        latitude=33.88,
        longitude=130.87,
        direct_phone="093-555-0001",
        windows=[(1, (13, 0), (14, 0)), (0, (9, 0), (12, 0), ContactWindow.Kind.AVOID)],
    )
    make_facility(
        "看取りなし医院", area=cast.ward1, capabilities=["home-visit"], latitude=33.881, longitude=130.871
    )
    make_facility("西区の在宅医院", area=cast.ward2, capabilities=["home-visit", "end-of-life"])
    login(page, "professional")
    page.goto(page.base_url + "/resources/")
    page.get_by_label("地域", exact=True).select_option(label="東区")
    page.get_by_label("訪問診療").check()
    page.get_by_label("在宅看取り").check()
    page.get_by_role("button", name="検索", exact=True).click()
    expect(page.locator("[data-result-count]")).to_have_attribute("data-result-count", "1")
    page.locator(".leaflet-interactive").first.wait_for()  # the marker is drawn even without tiles
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "resources-search.png"), full_page=True)

    page.get_by_role("link", name="ひまわり在宅クリニック").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ひまわり在宅クリニック")
    table = page.locator("table.windows").first
    assert "13:00–14:00" in table.inner_text() and "093-555-0001" in page.content()
    page.screenshot(path=str(ARTIFACTS / "resources-detail.png"), full_page=True)

    page.go_back()
    page.get_by_role("link", name="この一覧を印刷（A4）").click()
    rows = page.locator("table.print-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ひまわり在宅クリニック")
    expect(rows.first).to_contain_text("093-555-0001")
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "resources-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert page.js_errors == [] or all(
        "tile" in e or "cyberjapandata" in e or "ERR_" in e for e in page.js_errors
    )


def test_map_markers_are_reachable_by_keyboard_and_the_origin_is_shown(page, cast):
    make_facility(
        "地図の医院", area=cast.ward1, latitude=33.88, longitude=130.87, address="テスト市東区本町1-1"
    )
    make_facility(
        "隣の医院", area=cast.ward1, latitude=33.881, longitude=130.871, address="テスト市東区本町1-2"
    )
    page.goto(page.base_url + "/resources/?near=東区本町1-1")
    markers = page.locator(".leaflet-interactive")
    markers.first.wait_for()
    expect(markers).to_have_count(3)  # the two facilities and the origin
    expect(page.locator('[aria-label^="検索の起点"]')).to_have_count(1)
    marker = page.locator('.leaflet-interactive[aria-label="地図の医院"]')
    expect(marker).to_have_attribute("tabindex", "0")
    marker.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup a", has_text="地図の医院").wait_for()
    page.screenshot(path=str(ARTIFACTS / "resources-map-keyboard.png"), full_page=True)


def test_on_a_phone_a_care_manager_goes_back_to_the_results_and_prints_the_familys_version(page, cast):
    """390 px wide: a hiragana reading finds the clinic; 検索結果に戻る comes back to the same search
    and page of results; the family's print has no professionals-only contact, on screen or on paper."""
    make_facility(
        "呼吸器の医院",
        area=cast.ward1,
        capabilities=["ventilator"],
        name_kana="ン",  # last in the directory's order: on the second page; not the reading
        direct_phone="093-555-0009",
        contact_person="地域連携室",
    )
    for i in range(21):  # a second page of results
        make_facility(f"呼吸器の診療所{i:02d}", capabilities=["ventilator"], name_kana=f"ア{i:02d}")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "professional")
    page.goto(page.base_url + "/resources/?q=じんこうこきゅうき&page=2")
    expect(page.locator("[data-result-count]")).to_have_attribute("data-result-count", "22")
    page.get_by_role("link", name="呼吸器の医院").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("呼吸器の医院")
    page.get_by_role("link", name="ご家族・ご本人に渡す（公開情報のみ）").click()
    expect(page.locator("[data-public-notice]")).to_contain_text("一般公開している情報のみを載せています。")
    assert "093-555-0009" not in page.content() and "地域連携室" not in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "resources-detail-public-390.png"), full_page=True)
    page.get_by_role("link", name="検索結果に戻る").click()
    page.wait_for_url("**/resources/?q=*page=2#results-heading")
    expect(page.get_by_role("link", name="呼吸器の医院")).to_be_visible()

    page.get_by_role("link", name="この一覧を印刷（A4）").click()
    expect(page.locator("table.print-table")).to_contain_text("093-555-0009")
    page.get_by_role("link", name="ご家族・ご本人に渡す（公開情報のみ）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("医療・介護資源 一覧（公開情報のみ）")
    page.emulate_media(media="print")
    expect(page.locator("[data-public-notice]")).to_be_visible()
    expect(page.locator("[data-public-explained]")).to_be_hidden()
    assert "093-555-0009" not in page.locator("table.print-table").inner_text()
    page.screenshot(path=str(ARTIFACTS / "resources-print-public-390.png"), full_page=True)
    assert page.pdf(format="A4").startswith(b"%PDF")
