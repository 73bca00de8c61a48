"""What is typed on a long call is not lost to the idle limit of the login (static/js/
session-keeper.js): typing keeps the session alive, an idle browser still times out, a form is
never sent once the login has ended (it stays on the screen until the user has logged in again
in another tab), and an htmx row form sent without a login gets a message in place.

The idle limit is shortened to seconds; the script scales its intervals to it."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from consultations.models import Consultation, Coordination
from tests.conftest import ARTIFACTS, login
from tests.consultations.factories import make_consultation
from tests.resources.factories import make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_idle(settings):
    def shorten(seconds):
        settings.SESSION_COOKIE_AGE = seconds
        settings.SESSION_REFRESH_SECONDS = 1

    return shorten


def status_requests(page):
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/accounts/session/" in r.url else None)
    return asked


def start_a_consultation(page):
    page.goto(page.base_url + "/consultations/new/")
    page.get_by_role("radio", name="ケアマネジャー").check()
    page.get_by_role("group", name="その他の分類").get_by_label("連絡調整").check()


def test_typing_keeps_the_login_and_the_consultation_is_saved(page, cast, short_idle):
    short_idle(6)
    login(page, "coordinator")
    asked = status_requests(page)
    start_a_consultation(page)
    summary = page.get_by_label("相談概要")
    started = time.monotonic()
    while time.monotonic() - started < 10:  # longer than the idle limit, typing all along
        summary.press_sequentially("あ")
        page.wait_for_timeout(700)
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("を登録しました")
    assert Consultation.objects.get().summary.startswith("ああ")
    # A light request now and then, not one a keystroke (6 s limit: every 2 s at most).
    assert 3 <= len(asked) <= 8, asked
    assert page.js_errors == []


def test_an_idle_browser_with_nobody_typing_still_times_out(page, cast, short_idle):
    short_idle(3)
    login(page, "coordinator")
    asked = status_requests(page)
    page.goto(page.base_url + "/consultations/new/")
    page.wait_for_timeout(4500)
    assert asked == []  # nothing keeps it alive
    page.reload()
    assert "/accounts/login/" in page.url


def test_a_login_that_ended_keeps_the_form_on_the_screen_until_logged_in_again(page, cast, short_idle):
    short_idle(5)
    login(page, "coordinator")
    start_a_consultation(page)
    page.get_by_label("相談概要").fill("長い電話の途中で席を外した")
    dialog = page.locator("dialog[data-session-dialog]")
    # Warned before the end, with one button to go on…
    expect(dialog).to_have_attribute("data-state", "warn", timeout=6000)
    expect(dialog).to_contain_text("まもなくログインの有効期限が切れます")
    expect(dialog.get_by_role("button", name="ログインを続ける")).to_be_focused()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "session-warning.png"))
    # …but nobody is there: the limit passes.
    page.wait_for_timeout(6000)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="保存する").first.click()
    expect(dialog).to_have_attribute("data-state", "out")
    expect(dialog).to_contain_text("入力した内容はまだ保存されていませんが、この画面に残っています")
    page.screenshot(path=str(ARTIFACTS / "session-ended.png"))
    assert "/consultations/new/" in page.url and not Consultation.objects.exists()
    expect(page.get_by_label("相談概要")).to_have_value("長い電話の途中で席を外した")
    # Logging in again in another tab (the dialog's link opens one), then back to this one.
    with page.context.expect_page() as opened:
        dialog.get_by_role("link", name="ログイン画面を開く（新しいタブ）").click()
    other = opened.value
    other.get_by_label("ユーザー名").fill("coordinator")
    other.get_by_label("パスワード").fill("test-pass-2026")
    other.get_by_role("button", name="ログイン").click()
    other.wait_for_load_state()
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(dialog).to_have_attribute("data-state", "back")
    page.keyboard.press("Escape")
    # The form still carries what was typed and now the new CSRF token: it saves.
    page.get_by_role("button", name="保存する").first.click()
    expect(page.locator(".messages")).to_contain_text("を登録しました")
    assert Consultation.objects.get().summary == "長い電話の途中で席を外した"
    assert page.js_errors == []


def test_an_htmx_row_sent_without_a_login_shows_a_message_and_keeps_the_row(page, cast):
    c = make_consultation(cast.center1)
    make_facility("ひまわり在宅クリニック")
    # htmx alone (the keeper script held back): the server's own answer to a signed-out request.
    page.route(re.compile(r".*/session-keeper.*\.js$"), lambda route: route.abort())
    login(page, "coordinator")
    page.goto(f"{page.base_url}/consultations/{c.pk}/")
    page.get_by_label("連絡先施設").fill("ひまわり")
    page.get_by_role("radio", name="受入可").check()
    Session.objects.all().delete()  # the login ended meanwhile
    page.get_by_role("button", name="連絡調整を記録").click()
    note = page.locator("[data-signed-out]")
    expect(note).to_contain_text("記録していません。入力した内容はこの画面に残っています。")
    # In place: no login page inside the consultation page, the row form as it was.
    assert page.locator("#coordinations input[name=password]").count() == 0
    assert page.locator("h1").count() == 1
    expect(page.get_by_label("連絡先施設")).to_have_value("ひまわり")
    expect(page.get_by_role("radio", name="受入可")).to_be_checked()
    assert not Coordination.objects.exists()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "coordination-signed-out.png"), full_page=True)


def test_an_htmx_row_after_the_login_ended_is_held_and_recorded_after_logging_in_again(page, cast):
    c = make_consultation(cast.center1)
    make_facility("ひまわり在宅クリニック")
    login(page, "coordinator")
    page.goto(f"{page.base_url}/consultations/{c.pk}/")
    # The first keystroke asks whether the login is alive; its answer comes before the login ends,
    # or the keeper would already show the ended login before the row is sent.
    with page.expect_response(lambda r: "/accounts/session/" in r.url):
        page.get_by_label("連絡先施設").fill("ひまわり")
    page.get_by_role("radio", name="受入可").check()
    Session.objects.all().delete()
    page.get_by_role("button", name="連絡調整を記録").click()
    dialog = page.locator("dialog[data-session-dialog]")
    expect(dialog).to_have_attribute("data-state", "out")
    assert not Coordination.objects.exists()
    other = page.context.new_page()
    other.base_url = page.base_url
    login(other, "coordinator")
    page.bring_to_front()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="連絡調整を記録").click()
    expect(page.locator("ol.timeline")).to_contain_text("ひまわり在宅クリニック")
    assert Coordination.objects.get().result == "accepted"
    assert page.js_errors == []


def test_the_warning_goes_on_with_one_press(page, cast, short_idle):
    short_idle(8)  # warned 2 s before the end (a quarter of the limit)
    login(page, "coordinator")
    start_a_consultation(page)
    page.get_by_label("相談概要").fill("席に戻って続ける")
    dialog = page.locator("dialog[data-session-dialog]")
    expect(dialog).to_have_attribute("data-state", "warn", timeout=8000)
    page.keyboard.press("Enter")  # 「ログインを続ける」 has the focus
    expect(dialog).not_to_be_visible()
    page.wait_for_timeout(3500)  # past the end the warning announced
    page.get_by_role("button", name="保存する").first.click()
    expect(page.locator(".messages")).to_contain_text("を登録しました")
    assert Consultation.objects.get().summary == "席に戻って続ける"
