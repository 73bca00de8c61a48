"""The admin as an admin uses it: second-factor devices without their secrets, a user who cannot be
deleted, and the login refusal in plain Japanese."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from coordination.security import audit
from tests.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_removes_a_second_factor_and_is_told_to_deactivate_a_user_in_the_logs(page, cast):
    device = TOTPDevice.objects.create(user=cast.coordinator, name="認証アプリ", confirmed=True)
    audit(None, "login", user=cast.coordinator)
    page.missing = []
    page.on("response", lambda r: page.missing.append(r.url) if r.status == 404 else None)
    login(page, "admin", "wrong-password")
    expect(page.locator("main")).to_contain_text("ユーザー名またはパスワードが違います。")
    login(page, "admin")
    page.goto(page.base_url + "/admin/")
    page.get_by_role("link", name="二要素認証（認証アプリ）").first.click()
    expect(page.locator("#result_list")).to_be_visible()
    assert device.key not in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-second-factor-list.png"), full_page=True)
    page.get_by_role("link", name="coordinator（coordinator）").click()
    expect(page).to_have_url(re.compile(rf"/{device.pk}/change/$"))
    page.wait_for_load_state()
    assert "The user" not in page.locator("#content").inner_text()
    page.screenshot(path=str(ARTIFACTS / "admin-second-factor-device.png"), full_page=True)
    page.goto(f"{page.base_url}/admin/coordination/authenticatordevice/{device.pk}/delete/")
    page.get_by_role("button", name="はい").click()
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()

    page.goto(f"{page.base_url}/admin/coordination/user/{cast.coordinator.pk}/delete/")
    text = page.locator("#content").inner_text()
    assert "監査ログ 1件に記録があるため削除できません" in text
    page.screenshot(path=str(ARTIFACTS / "admin-user-cannot-be-deleted.png"), full_page=True)
    # Django's admin pages name no icon, so Chromium asks for /favicon.ico (404, outside any page's
    # resources): every resource the pages load is there, and no script fails.
    assert page.missing == []
    assert [e for e in page.js_errors if "status of 404" not in e] == []
