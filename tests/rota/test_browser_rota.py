import pytest
from playwright.sync_api import expect

from rota.models import Rota, Shift
from tests.conftest import ARTIFACTS, login
from tests.rota.factories import make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_creates_a_rota_generates_january_and_sees_the_month(page, cast):
    make_clinic("あおば内科クリニック", code="4011000001")
    make_clinic("みなと在宅クリニック", code="4011000002")
    make_clinic("やまて医院", code="4011000003")
    login(page, "coordinator")

    page.goto(page.base_url + "/rota/new/")
    page.get_by_label("当番表の名称").fill("東区 夜間休日当番")
    page.get_by_label("医師会の地区").fill("東区医師会")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("当番表「東区 夜間休日当番」を登録しました")

    # The generator form: a month and the clinics in turn, one a line (a code or a name).
    page.get_by_label("対象の月").fill("2027-01")
    page.get_by_label("当番の医療機関（当番の順に1行に1つ）").fill(
        "4011000001\nみなと在宅クリニック\nやまて医院"
    )
    page.get_by_role("button", name="当番を作成する").click()
    expect(page.locator(".messages")).to_contain_text("2027年1月の当番を31件作成しました")
    rota = Rota.objects.get(name="東区 夜間休日当番")
    assert Shift.objects.filter(rota=rota).count() == 31

    grid = page.locator("table.rota-month")
    expect(grid.locator(".rota-shift")).to_have_count(31)
    # 1/1 is 年末年始 from 9:00 to the next morning; 1/11 (成人の日) is part of a 連休.
    first = grid.locator(".rota-shift").first
    expect(first).to_contain_text("年末年始 9:00〜翌9:00")
    expect(first).to_contain_text("あおば内科クリニック")
    expect(grid.locator(".rota-shift--long_holiday")).to_have_count(2)

    # Clearing one shift's clinic makes a gap, shown in red.
    first.get_by_role("link", name="編集").click()
    page.get_by_label("当番の医療機関").select_option(label="（当番なし・空き）")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".rota-shift--gap")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("空き 1件")
    assert page.js_errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "rota-month-coordinator.png"), full_page=True)
