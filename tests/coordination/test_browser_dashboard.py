import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("admin", "管理者のホーム"),
        ("coordinator", "コーディネーターのホーム"),
        ("professional", "専門職のホーム"),
        ("official", "市職員のホーム"),
    ],
)
def test_each_role_logs_in_and_sees_its_dashboard(page, cast, username, heading):
    page.goto(page.base_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("在宅医療・介護連携支援ポータル")
    login(page, username)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{username}.png"), full_page=True)
    assert page.js_errors == []
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("link", name="職員・専門職ログイン")).to_be_visible()
