"""A facility's clerk reopens her update link on a phone the day after she answered: she sees
that her answer waits for the center and corrects it; the coordinator finds one request from the
home page and sees after a partial approval what was applied."""

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, login
from tests.resources.factories import make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_corrects_her_waiting_answer_and_the_coordinator_sees_what_was_applied(
    browser, live_server, page, cast
):
    from resources.models import ChangeRequest, UpdateLink

    f = make_facility("あおば訪問看護ステーション", kind_code="visiting-nursing", contact_person="所長 佐藤")
    link = UpdateLink.objects.create(facility=f)
    phone = browser.new_context(
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    url = f"{live_server.url}/resources/u/{link.token}/"
    mobile.goto(url)
    mobile.get_by_label("連絡窓口・担当者").fill("管理者 中村")
    mobile.get_by_label("直通電話").fill("093-111-2222")
    mobile.get_by_role("button", name="この内容で送る").click()
    expect(mobile.locator("[data-sent-answer]")).to_contain_text("管理者 中村")

    mobile.goto(url)  # the next day
    notice = mobile.locator("[data-pending-answer]")
    expect(notice).to_contain_text("送信した内容をセンターが確認しています")
    assert notice.bounding_box()["y"] < 844  # on the first screen of the phone
    expect(mobile.locator("[data-unchanged]")).to_have_count(0)
    expect(mobile.get_by_label("連絡窓口・担当者")).to_have_value("管理者 中村")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    ARTIFACTS.mkdir(exist_ok=True)
    mobile.screenshot(path=str(ARTIFACTS / "resources-update-link-pending.png"))
    mobile.get_by_label("直通電話").fill("093-111-3333")
    mobile.get_by_role("button", name="この内容で送り直す").click()
    expect(mobile.locator("[data-sent-answer]")).to_contain_text("093-111-3333")
    phone.close()

    cr = ChangeRequest.objects.get()
    assert cr.changed_keys == ["contact_person", "direct_phone"]
    login(page, "coordinator")
    page.goto(page.base_url + "/")
    expect(page.locator("[data-pending-changes]")).to_contain_text("1件")
    page.locator("[data-pending-changes]").get_by_role("link", name="変更申請").click()
    page.get_by_role("link", name=cr.submitted_at.astimezone().strftime("%Y/%-m/%-d %H:%M")).click()
    page.locator('[data-diff="direct_phone"] input[type=checkbox]').uncheck()
    page.get_by_label("反映しない項目がある場合の理由（任意）").fill("直通電話は電話で確かめてから")
    page.get_by_role("button", name="チェックした項目だけ承認する").click()
    expect(page.locator('[data-diff="contact_person"] [data-applied]')).to_have_text("反映した")
    skipped = page.locator('[data-diff="direct_phone"] [data-applied]')
    expect(skipped).to_contain_text("反映しなかった")
    expect(skipped).to_contain_text("直通電話は電話で確かめてから")
    page.screenshot(path=str(ARTIFACTS / "resources-change-request-partly.png"), full_page=True)
    assert not [e for e in page.js_errors if "Failed to load resource" not in e]
