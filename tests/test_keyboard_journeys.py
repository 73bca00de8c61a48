"""The three main journeys done with the keyboard alone (Tab, Shift+Tab, arrows, Space, Enter) in
headless Chromium, with screenshots of their key pages as test artefacts; a print preview of the
result list and of the 月報; skip link and visible focus; 200% zoom and 360 px width."""

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, PASSWORD
from tests.resources.factories import make_facility
from tests.resources.samples import as_csv, kaigo_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def is_focused(page, locator):
    return locator.evaluate("el => document.activeElement === el")


def tab_to(page, locator, limit=400):
    """Press Tab until `locator` has the focus; fails when it cannot be reached by keyboard."""
    locator.wait_for(state="attached")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(page, locator):
            outline = locator.evaluate("el => getComputedStyle(el).outlineStyle")
            assert outline != "none", "focus must be visible"
            return
    raise AssertionError(f"not reachable with the keyboard: {locator}")


def choose_radio(page, group, label):
    """Tab into a radio group, then arrow to `label` (Tab only stops once in a group)."""
    radios = group.get_by_role("radio")
    target = group.get_by_role("radio", name=label, exact=True)
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "radio" and any(
            is_focused(page, radios.nth(i)) for i in range(radios.count())
        ):
            break
    for _ in range(radios.count() + 1):
        if is_focused(page, target):
            page.keyboard.press("Space")
            break
        page.keyboard.press("ArrowDown")
    assert target.is_checked(), label


def type_into(page, locator, text):
    tab_to(page, locator)
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def press_on(page, locator, key="Enter", navigates=True):
    tab_to(page, locator)
    submit(page, key, navigates)


def submit(page, key="Enter", navigates=True):
    if navigates:
        with page.expect_navigation():
            page.keyboard.press(key)
    else:
        page.keyboard.press(key)


def keyboard_login(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.locator("body").focus()
    type_into(page, page.get_by_label("ユーザー名"), username)
    type_into(page, page.get_by_label("パスワード"), PASSWORD)
    submit(page)


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"keyboard-{name}.png"), full_page=True)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(page, cast):
    page.goto(page.base_url + "/resources/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    assert is_focused(page, skip) and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_professional_finds_a_home_visit_clinic_near_a_client_and_prints_the_list(page, cast):

    make_facility(
        "ひまわり在宅クリニック",
        area=cast.ward1,
        address="福岡県北九州市小倉北区大手町3-1",
        capabilities=["home-visit", "end-of-life"],
        latitude=33.880,
        longitude=130.870,
        direct_phone="093-555-0001",
        windows=[(1, (13, 0), (14, 0))],
    )
    make_facility(
        "遠くの在宅診療所",
        area=cast.ward1,
        address="福岡県北九州市門司区港町1-1",
        capabilities=["home-visit", "end-of-life"],
        latitude=33.950,
        longitude=130.960,
    )
    make_facility("看取りなし医院", capabilities=["home-visit"], latitude=33.881, longitude=130.871)
    keyboard_login(page, "professional")
    press_on(
        page, page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="医療・介護資源")
    )
    tab_to(page, page.get_by_label("訪問診療", exact=True))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("在宅看取り", exact=True))
    page.keyboard.press("Space")
    type_into(page, page.get_by_label("近くの場所（利用者の住所・郵便番号・施設名）"), "小倉北区大手町2-5")
    submit(page)
    assert page.locator("[data-result-count]").get_attribute("data-result-count") == "2"
    names = page.locator(".result-list h3, .result-list h2").all_inner_texts()
    assert names and "ひまわり在宅クリニック" in names[0]  # nearest first
    shot(page, "1-search")
    press_on(page, page.get_by_role("link", name="ひまわり在宅クリニック"))
    assert page.get_by_role("heading", level=1).inner_text() == "ひまわり在宅クリニック"
    assert "13:00–14:00" in page.locator("table.windows").first.inner_text()
    shot(page, "1-facility")
    page.go_back()  # the browser's Back (Alt+←)
    press_on(page, page.get_by_role("link", name="この一覧を印刷（A4）"))
    rows = page.locator("table.print-table tbody tr")
    assert rows.count() == 2 and "093-555-0001" in rows.first.inner_text()
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    shot(page, "1-print-preview")
    assert page.pdf(format="A4").startswith(b"%PDF")


def test_coordinator_logs_a_phone_call_with_two_topics_and_two_coordinations_and_closes_it(page, cast):
    make_facility("ひまわり在宅クリニック", capabilities=["home-visit"])
    make_facility("あおぞら診療所", capabilities=["home-visit"])
    keyboard_login(page, "coordinator")
    press_on(page, page.get_by_role("link", name="相談を記録する"))
    choose_radio(page, page.get_by_role("group", name="受付方法"), "電話")
    choose_radio(page, page.get_by_role("group", name="相談者区分"), "ケアマネジャー")
    type_into(page, page.get_by_label("相談者所属"), "△△ケアプランセンター")
    type_into(page, page.get_by_label("対象者の年齢"), "84")
    tab_to(page, page.get_by_role("group", name="医療").get_by_label("訪問診療できる医療機関に関する事"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("group", name="その他の分類").get_by_label("連絡調整"))
    page.keyboard.press("Space")
    type_into(page, page.get_by_label("相談概要"), "寝たきりで褥瘡のある方。訪問診療医を探したい。")
    press_on(page, page.get_by_role("button", name="保存する"))
    assert "を登録しました" in page.locator(".messages").inner_text()

    for facility, result, reason in [("あおぞら", "受入不可", "新規受入停止中"), ("ひまわり", "受入可", "")]:
        summary = page.get_by_text("連絡調整を記録する", exact=True)
        if page.locator("#coordinations details").get_attribute("open") is None:
            press_on(page, summary, navigates=False)
        type_into(page, page.get_by_label("連絡先施設（施設名または #ID）"), facility)
        choose_radio(page, page.get_by_role("group", name="結果"), result)
        if reason:
            type_into(page, page.get_by_label("受入不可の理由"), reason)
        # The row is added in place (htmx): no page load, the list says so itself.
        press_on(page, page.get_by_role("button", name="連絡調整を記録"), navigates=False)
        expect(page.locator("#coordinations [role=status]")).to_contain_text("を記録しました")
        expect(page.locator("ol.timeline")).to_contain_text(facility)
    timeline = page.locator("ol.timeline").inner_text()
    assert "あおぞら診療所" in timeline and "ひまわり在宅クリニック" in timeline
    shot(page, "2-consultation")

    press_on(page, page.get_by_role("link", name="編集する"))
    choose_radio(page, page.get_by_role("group", name="状態"), "完了")
    press_on(page, page.get_by_role("button", name="保存する"))
    assert "を更新しました" in page.locator(".messages").inner_text()
    assert "完了" in page.locator(".meta").inner_text()

    press_on(
        page,
        page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="相談実績（月報）"),
    )
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    shot(page, "2-report-print-preview")


def test_admin_imports_a_national_csv_confirms_and_finds_the_new_offices(page, cast, tmp_path):
    path = tmp_path / "jigyosho_430.csv"
    path.write_bytes(as_csv(kaigo_rows(), "cp932"))
    keyboard_login(page, "admin")
    page.goto(page.base_url + "/resources/import/")
    file_input = page.get_by_label("ファイル")
    tab_to(page, file_input)
    # The operating system's file dialog is outside the page: Playwright answers it.
    file_input.set_input_files(str(path))
    press_on(page, page.get_by_role("button", name="内容を確認する"))
    assert page.locator("[data-import-new]").get_attribute("data-import-new") == "2"
    shot(page, "3-import-preview")
    press_on(page, page.get_by_role("button", name="取り込む（新規 2件・更新 0件）"))
    assert page.locator("[data-import-created]").get_attribute("data-import-created") == "2"
    shot(page, "3-import-summary")
    press_on(
        page, page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="医療・介護資源")
    )
    type_into(page, page.get_by_label("キーワード"), "ひまわり")
    submit(page)
    assert page.locator("[data-result-count]").get_attribute("data-result-count") == "1"
    shot(page, "3-found")


PAGES = ["/", "/resources/", "/training/public/", "/accounts/login/"]
STAFF_PAGES = [
    "/consultations/",
    "/consultations/new/",
    "/consultations/reports/",
    "/meetings/",
    "/training/",
]


@pytest.mark.parametrize("width,scale", [(360, 1), (640, 2)], ids=["360px", "200%zoom"])
def test_pages_fit_a_narrow_screen_and_200_percent_zoom_without_sideways_scrolling(page, cast, width, scale):
    """At 200% zoom a 1280 px window is 640 CSS px wide; a phone is 360. Wide tables scroll
    inside their own box (.table-wrap), never the page."""
    context = page.context.browser.new_context(
        viewport={"width": width, "height": 800}, device_scale_factor=scale, locale="ja-JP"
    )
    narrow = context.new_page()
    narrow.base_url = page.base_url
    for url in PAGES:
        narrow.goto(page.base_url + url)
        overflow = narrow.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (url, overflow)
    keyboard_login(narrow, "coordinator")
    for url in STAFF_PAGES:
        narrow.goto(page.base_url + url)
        overflow = narrow.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (url, overflow)
    narrow.goto(page.base_url + "/consultations/new/")
    narrow.screenshot(path=str(ARTIFACTS / f"narrow-{width}-consultation-form.png"), full_page=True)
    context.close()
