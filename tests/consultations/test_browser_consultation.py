import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, login
from tests.resources.factories import make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_logs_a_call_with_two_topics_and_a_coordination_then_sees_it_in_the_report(page, cast):
    make_facility("ひまわり在宅クリニック", capabilities=["home-visit"])
    login(page, "coordinator")
    page.get_by_role("link", name="相談を記録する").click()
    page.get_by_role("radio", name="電話").check()
    page.get_by_role("radio", name="ケアマネジャー").check()
    page.get_by_label("相談者所属").fill("△△ケアプランセンター")
    page.get_by_label("対象者の年齢").fill("84")
    page.get_by_role("group", name="医療").get_by_label("訪問診療できる医療機関に関する事").check()
    page.get_by_role("group", name="その他の分類").get_by_label("連絡調整").check()
    page.get_by_label("相談概要").fill("寝たきりで褥瘡のある方。訪問診療医を探したい。")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("を登録しました")

    page.get_by_label("連絡先施設").fill("ひまわり")
    page.get_by_role("radio", name="受入可").check()
    page.get_by_role("button", name="連絡調整を記録").click()
    # The row is swapped in by htmx: wait for it rather than read the timeline at once.
    expect(page.locator("ol.timeline")).to_contain_text("ひまわり在宅クリニック")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "consultation-detail.png"), full_page=True)

    page.get_by_role("link", name="相談実績（月報・年度累計）").first.click()
    row = page.locator(
        'tr[data-section="相談内容"][data-item="医療/訪問診療できる医療機関に関する事"] [data-total]'
    )
    expect(row).to_have_text("1")
    expect(page.locator('tr[data-section="連絡調整"][data-item="受入可"] [data-total]')).to_have_text("1")
    page.screenshot(path=str(ARTIFACTS / "consultation-report.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="Excelでダウンロード").click()
    data = open(info.value.path(), "rb").read()
    ws = load_workbook(io.BytesIO(data))["相談実績"]
    values = {(r[0], r[1]): r[2] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert values[("相談者", "ケアマネジャー")] == 1
    assert values[("相談内容", "連絡調整")] == 1
    assert page.js_errors == []


def test_coordination_rows_are_added_without_a_reload_and_a_shared_name_offers_candidates(page, cast):
    from tests.consultations.factories import make_consultation

    c = make_consultation(cast.center1)
    make_facility("みどりクリニック", address="北九州市小倉北区片野3-18-7", phone="093-111-2222")
    make_facility("みどりクリニック", kind_code="hospital", address="北九州市八幡西区黒崎1-1")
    login(page, "coordinator")
    page.goto(f"{page.base_url}/consultations/{c.pk}/")
    page.evaluate("window.stillTheSamePage = true")
    # Keyboard first: the facility field, then the method and the result.
    page.get_by_label("連絡先施設").fill("みどりクリニック")
    page.get_by_role("radio", name="受入不可").check()
    page.get_by_label("受入不可の理由").fill("満床")
    page.get_by_role("button", name="連絡調整を記録").click()
    candidate = page.get_by_role(
        "radio", name="みどりクリニック（診療所・北九州市小倉北区片野3-18-7・電話 093-111-2222）"
    )
    candidate.check()
    expect(page.get_by_label("受入不可の理由")).to_have_value("満床")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "coordination-candidates.png"), full_page=True)
    page.get_by_role("button", name="連絡調整を記録").click()
    page.locator("ol.timeline li").first.wait_for()
    expect(page.locator("ol.timeline")).to_contain_text("みどりクリニック")
    assert page.evaluate("window.stillTheSamePage === true")  # swapped in place, no reload
    # htmx focuses the new row form's autofocus field when the swap settles, a moment after the
    # timeline shows: wait for it rather than read it at once.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'co-facility_query'")
    page.keyboard.type("ひかり訪問看護（新規）")
    page.get_by_label("名簿にない施設として、入力した名前のまま記録する").check()
    page.get_by_role("radio", name="検討中").check()
    page.get_by_role("button", name="連絡調整を記録").click()
    page.locator("ol.timeline li").nth(1).wait_for()
    expect(page.locator("ol.timeline")).to_contain_text("名簿にない施設")
    page.screenshot(path=str(ARTIFACTS / "coordination-rows.png"), full_page=True)
    assert page.js_errors == []


def test_the_save_button_is_a_few_tabs_from_the_start_of_the_page(page, cast):
    login(page, "coordinator")
    page.goto(page.base_url + "/consultations/new/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    presses = 0
    while presses < 8:
        presses += 1
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-save-top')"):
            break
    assert page.evaluate("document.activeElement.hasAttribute('data-save-top')")
    assert presses <= 5
    page.keyboard.press("Tab")  # then straight into 相談者区分
    assert page.evaluate("document.activeElement.name") == "consultant_type"
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "consultation-form-phone.png"), full_page=False)
    assert page.js_errors == []
