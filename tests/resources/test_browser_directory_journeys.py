"""The directory search as people use it (issue 20), in Chromium: one page load per case where the
case allows, on the live server every browser test shares; screenshots in test-artifacts/."""

import re
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from resources.models import Capability, FacilityKind
from tests.conftest import ARTIFACTS, login
from tests.resources.factories import make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def town(cast):
    """A few facilities of 北九州市 as the national files write them."""
    cast.city.name = "北九州市"
    cast.city.save()
    return {
        "katano": make_facility(
            "片野在宅クリニック",
            address="福岡県北九州市小倉北区片野3-18-7",
            phone="093-582-1111",
            capabilities=["home-visit", "end-of-life"],
            area=cast.ward1,
            latitude=33.870,
            longitude=130.890,
        ),
        "nursing": make_facility(
            "ひかり訪問看護ステーション",
            kind_code="visiting-nursing",
            address="北九州市小倉北区浅野2-1-1",
            area=cast.ward1,
            latitude=33.886,
            longitude=130.887,
        ),
        "care": make_facility(
            "さくら居宅介護支援事業所",
            kind_code="care-management",
            address="北九州市小倉北区浅野3-8-1",
            area=cast.ward1,
            latitude=33.888,
            longitude=130.889,
        ),
        "pharmacy": make_facility(
            "みなみ薬局",
            kind_code="pharmacy",
            address="北九州市小倉南区志井5-1",
            capabilities=["narcotics"],
            area=cast.ward2,
            latitude=33.842,
            longitude=130.928,
        ),
    }


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def results(page):
    # A search from the results page: the old page has [data-result-count] too, so wait for the
    # new one to have loaded, not just for the element.
    page.wait_for_load_state()
    page.locator("[data-result-count]").wait_for()
    return page.locator(".result-list h3").all_inner_texts()


def no_page_errors(page):
    """Map tiles come from another host and may not load here; nothing else may fail."""
    return all("tile" in e or "cyberjapandata" in e or "ERR_" in e for e in page.js_errors)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_facets_are_collapsed_groups_and_a_search_lands_on_the_results(page, town, viewport):
    page.set_viewport_size(viewport)
    page.goto(page.base_url + "/resources/")
    groups = page.locator("details.facet-group")
    assert groups.count() >= 5
    expect(page.locator("details.facet-group[open] > summary")).to_have_text(["診療"])
    if viewport is DESKTOP:  # results first: the whole form fits the screen above them
        assert page.locator("form.search-form").bounding_box()["height"] < 600
    medical = page.locator("details.facet-group", has=page.locator("summary", has_text="医療処置"))
    expect(medical.get_by_label("人工呼吸器", exact=False).first).to_be_hidden()
    medical.locator("summary").click()
    expect(medical.get_by_label("人工呼吸器", exact=False).first).to_be_visible()
    page.get_by_label("在宅看取り").check()
    page.get_by_role("button", name="検索", exact=True).click()
    page.wait_for_url(re.compile(r"#results-heading$"))
    assert results(page) == ["片野在宅クリニック"]
    heading = page.locator("#results-heading").bounding_box()
    assert page.evaluate("scrollY") > 0 and 0 <= heading["y"] < viewport["height"] / 3
    shot(page, f"directory-landed-on-results-{viewport['width']}")
    assert no_page_errors(page)


def test_an_empty_result_names_the_condition_to_drop_and_its_link_finds_them(page, town):
    pharmacy = FacilityKind.objects.get(code="pharmacy")
    page.goto(f"{page.base_url}/resources/?kind={pharmacy.pk}&area={town['katano'].area_id}")
    expect(page.locator("[data-result-count]")).to_have_attribute("data-result-count", "0")
    hints = page.locator("[data-relax-hints] li")
    area = town["katano"].area.name
    expect(hints).to_have_text(["「種別: 薬局」を外す（3件）", f"「地域: {area}」を外す（1件）"])
    shot(page, "directory-empty-result-hints")
    hints.get_by_role("link", name=f"「地域: {area}」を外す（1件）").click()
    assert results(page) == ["みなみ薬局"]
    expect(page.get_by_label("種別").locator("option:checked")).to_have_text("薬局")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("訪看", ["ひかり訪問看護ステーション"]),
        ("ケアマネ", ["さくら居宅介護支援事業所"]),
        ("麻薬", ["みなみ薬局"]),
        ("093-582-1111", ["片野在宅クリニック"]),
        ("0935821111", ["片野在宅クリニック"]),
        ("０９３－５８２－１１１１", ["片野在宅クリニック"]),
        ("片野3-18-7", ["片野在宅クリニック"]),
        ("片野3‐18‐7", ["片野在宅クリニック"]),  # U+2010
        ("片野3－18－7", ["片野在宅クリニック"]),  # full width
        ("片野3ー18ー7", ["片野在宅クリニック"]),  # the long-vowel mark people type for a dash
        ("片野３−１８−７", ["片野在宅クリニック"]),  # U+2212 and full-width digits
    ],
)
def test_words_phone_numbers_and_addresses_as_people_type_them(page, town, typed, found):
    page.goto(f"{page.base_url}/resources/?q={quote(typed)}#results-heading")
    assert results(page) == found, typed
    expect(page.get_by_label("キーワード")).to_have_value(typed)
    named = {"訪看": "synonym", "片野3ー18ー7": "address-dash"}
    if typed in named:
        shot(page, f"directory-typed-{named[typed]}")


def test_the_same_address_with_or_without_the_prefecture_and_city_is_the_same_origin(page, town):
    origins = []
    for typed in ("小倉北区片野3-18-7", "福岡県北九州市小倉北区片野3-18-7"):
        page.goto(f"{page.base_url}/resources/?near={quote(typed)}#results-heading")
        origin = page.locator("[data-origin]")
        origins.append((origin.get_attribute("data-lat"), origin.get_attribute("data-lng")))
        assert results(page)[0] == "片野在宅クリニック"
        page.locator('.leaflet-interactive[aria-label^="検索の起点"]').wait_for()
    assert origins[0] == origins[1] == ("33.87", "130.89")
    shot(page, "directory-same-origin")


def test_a_postcode_typed_in_full_width_is_the_origin_on_the_map(page, town):
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/resources/")
    page.get_by_label("近くの場所", exact=False).fill("８０２－０００１")
    page.get_by_label("範囲").select_option(label="1km以内")
    page.get_by_role("button", name="検索", exact=True).click()
    assert sorted(results(page)) == ["さくら居宅介護支援事業所", "ひかり訪問看護ステーション"]
    summary = page.locator("[data-origin-summary]").inner_text()
    assert summary.startswith("「〒802-0001（北九州市小倉北区浅野）」から近い順")
    page.locator(
        '.leaflet-interactive[aria-label="検索の起点: 〒802-0001（北九州市小倉北区浅野）"]'
    ).wait_for()
    shot(page, "directory-postcode-origin-phone")
    assert no_page_errors(page)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "100-0001",
            "郵便番号「〒100-0001」は東京都千代田区千代田の番号で、この名簿の地域（北九州市）の外です。",
        ),
        ("802-9999", "郵便番号「〒802-9999」は見つかりませんでした。"),
    ],
)
def test_a_postcode_outside_the_area_or_unknown_is_said_plainly(page, town, typed, message):
    page.goto(f"{page.base_url}/resources/?near={quote(typed)}#results-heading")
    problem = page.locator("[data-near-problem]")
    assert problem.inner_text().startswith(message)
    assert len(results(page)) == 4  # the list is still there, only not ordered by distance
    if typed == "100-0001":
        shot(page, "directory-postcode-outside")


@pytest.mark.parametrize(
    ("role", "label", "not_label"),
    [
        ("anonymous", "近くの場所（お住まいの住所・郵便番号・施設名）", "利用者"),
        ("professional", "近くの場所（利用者の住所・郵便番号・施設名）", "お住まい"),
    ],
)
def test_residents_read_their_own_wording_and_professionals_theirs(page, town, role, label, not_label):
    if role != "anonymous":
        login(page, role)
    page.goto(page.base_url + "/resources/")
    assert page.locator("label[for=id_near]").inner_text() == label
    form = page.locator("form.search-form").inner_text()
    assert not_label not in form
    assert ("ケアマネタイム" in form) is (role != "anonymous")
    # Jargon has a plain explanation next to it.
    assert page.locator("label[for^=id_capabilities_]", has_text="在宅看取り").get_attribute("title")
    if role == "anonymous":
        expect(page.locator(".lead")).to_contain_text("ログインすると表示されます")
    shot(page, f"directory-wording-{role}")


def test_the_devices_location_is_asked_for_only_on_request_and_sent_only_to_us(browser, live_server, town):
    context = browser.new_context(
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport=PHONE,
        geolocation={"latitude": 33.8431, "longitude": 130.9287},
        permissions=["geolocation"],
    )
    own = urlsplit(live_server.url).netloc
    elsewhere = []

    def only_ours(route):
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_ours)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/resources/")
        button = page.get_by_role("button", name="現在地から探す")
        assert "lat=" not in page.url
        button.click()
        page.wait_for_url(re.compile(r"lat=33\.843&lng=130\.929"))
        assert results(page)[0] == "みなみ薬局"
        assert page.locator("[data-origin-summary]").inner_text().startswith("「現在地」から近い順")
        page.locator('.leaflet-interactive[aria-label="検索の起点: 現在地"]').wait_for()
        shot(page, "directory-near-me-phone")
        # Nothing but map tiles (images, which carry no position) went to another host.
        assert all("lat=" not in url and re.search(r"/\d+/\d+/\d+\.png$", url) for url in elsewhere)
    finally:
        context.close()


def test_without_javascript_the_location_button_is_hidden_and_a_postcode_still_works(
    browser, live_server, town
):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/resources/")
        expect(page.locator("[data-near-me]")).to_be_hidden()
        page.get_by_label("近くの場所", exact=False).fill("8020001")
        page.get_by_role("button", name="検索", exact=True).click()
        expect(page.locator("[data-origin-summary]")).to_have_text(re.compile(r"^「〒802-0001"))
        assert results(page)[0] in ("ひかり訪問看護ステーション", "さくら居宅介護支援事業所")
        shot(page, "directory-postcode-without-javascript")
    finally:
        context.close()


def test_capability_groups_keep_the_chosen_one_open_after_the_search(page, town):
    narcotics = Capability.objects.get(code="narcotics")
    page.goto(f"{page.base_url}/resources/?capabilities={narcotics.pk}#results-heading")
    assert results(page) == ["みなみ薬局"]
    opened = page.locator("details.facet-group[open] > summary").all_inner_texts()
    assert opened == ["診療", "薬局"]
    expect(page.get_by_label("麻薬調剤")).to_be_checked()
