"""A facility answers its update link on a phone (390×844, no account), then a coordinator
approves part of it on the desktop."""

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, login
from tests.resources.factories import make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facility_answers_on_a_phone_and_a_coordinator_approves(browser, live_server, page, cast):
    from resources.models import ChangeRequest, ContactWindow, UpdateLink

    f = make_facility(
        "あおば訪問看護ステーション",
        kind_code="visiting-nursing",
        area=cast.ward1,
        contact_person="所長 佐藤",
        windows=[(0, (13, 0), (14, 0))],
    )
    link = UpdateLink.objects.create(facility=f, contact="所長")
    phone = browser.new_context(
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,  # the form needs no JavaScript
    )
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    mobile.goto(f"{live_server.url}/resources/u/{link.token}/")
    expect(mobile.get_by_role("heading", level=1)).to_have_text("あおば訪問看護ステーションの情報の確認")
    width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width  # nothing runs off a phone's screen
    mobile.get_by_label("要相談").check()
    mobile.get_by_label("連絡窓口・担当者").fill("管理者 中村")
    row = mobile.get_by_role("group", name="連絡時間 1")
    for day in ("火", "水", "木", "金"):
        row.get_by_label(day, exact=True).check()
    mobile.get_by_label("東区").check()
    mobile.get_by_label("センターへの連絡事項").fill("4月から管理者が替わりました。")
    ARTIFACTS.mkdir(exist_ok=True)
    mobile.screenshot(path=str(ARTIFACTS / "resources-update-link-phone.png"), full_page=True)
    mobile.get_by_role("button", name="この内容で送る").click()
    expect(mobile.locator("main")).to_contain_text("受け付けました")
    mobile.screenshot(path=str(ARTIFACTS / "resources-update-link-phone-done.png"), full_page=True)
    phone.close()

    cr = ChangeRequest.objects.get()
    assert set(cr.changed_keys) == {"accepting", "contact_person", "windows", "areas_served"}
    login(page, "coordinator")
    page.goto(page.base_url + "/resources/")
    page.get_by_role("link", name="変更申請").click()
    page.get_by_role("link", name=cr.submitted_at.astimezone().strftime("%Y/%-m/%-d %H:%M")).click()
    expect(page.locator("[data-diff]")).to_have_count(4)
    page.locator(
        '[data-diff="accepting"] input[type=checkbox]'
    ).uncheck()  # 受入状況 is checked by phone first
    page.screenshot(path=str(ARTIFACTS / "resources-change-request.png"), full_page=True)
    page.get_by_role("button", name="チェックした項目だけ承認する").click()
    expect(page.locator("main")).to_contain_text("承認し")
    f.refresh_from_db()
    assert f.contact_person == "管理者 中村" and f.accepting == ""
    assert sorted(ContactWindow.objects.filter(facility=f).values_list("weekday", flat=True)) == [
        0,
        1,
        2,
        3,
        4,
    ]
    assert list(f.areas_served.all()) == [cast.ward1]
    page.goto(page.base_url + f"/resources/{f.pk}/")
    assert (
        page.locator("[data-confirmed-on]").first.get_attribute("data-confirmed-on")
        == cr.submitted_at.astimezone().date().isoformat()
    )
    page.screenshot(path=str(ARTIFACTS / "resources-detail-after-approval.png"), full_page=True)
    # Map tiles come from another host, which the test machine cannot reach; nothing else may fail.
    assert not [e for e in page.js_errors if "Failed to load resource" not in e]
