"""Check-in at the door on a phone: the registrations as cards, a large 受付 button, the cancel link
apart, and a jump to the list from the top of the page on the event's day."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, login
from tests.training.factories import make_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _event(cast, day, **fields):
    event = make_event(
        cast.center1,
        when=(day.year, day.month, day.day, 0, 0),
        capacity=3,
        title="退院前カンファレンス研修",
        speakers="小倉記念病院 地域連携室 MSW 山田花子",
        audience_note="多職種",
        description="退院前カンファレンスの進め方を事例で学びます。\n" * 8,
        **fields,
    )
    for name, org in [
        ("介護 真理", "居宅介護支援事業所さくら"),
        ("看護 花子", "○○訪問看護ステーション"),
        ("薬剤 一郎", "△△薬局"),
        ("待機 次郎", "□□病院"),
    ]:
        event.register(name=name, organisation=org, profession=cast.nurse)
    return event


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_staff_check_people_in_at_the_door_from_cards_on_the_events_day(browser, live_server, cast, width):
    event = _event(cast, timezone.localdate())
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": width, "height": 844}
    )
    page = context.new_page()
    page.base_url = live_server.url
    login(page, "coordinator")
    page.goto(f"{live_server.url}/training/{event.pk}/")
    expect(page.locator("[data-event-state]")).to_have_text("開催中")
    jump = page.get_by_role("link", name="当日受付へ（参加申込の一覧）")
    assert jump.bounding_box()["y"] < 844  # in the first screen, above the event's description
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"training-check-in-top-{width}.png"))
    jump.click()
    expect(page.locator("#registrations")).to_be_in_viewport()
    # Nothing scrolls sideways: the list fits the screen.
    wrap = page.locator("#registrations .table-wrap")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    row = page.locator('[data-registration="介護 真理"]')
    button = row.get_by_role("button", name="介護 真理さんを受付")
    cancel = row.get_by_role("link", name="介護 真理さんの申込を取り消す…")
    b, c = button.bounding_box(), cancel.bounding_box()
    if width == 390:
        card = row.bounding_box()
        assert b["width"] >= card["width"] * 0.8 and b["height"] >= 44  # one line, full width, tall
        assert c["y"] >= b["y"] + b["height"] + 16  # the cancel link well below it
        page.locator("#registrations").scroll_into_view_if_needed()
    else:
        assert b["height"] < 50  # one line beside the cancel link, not a character a line
    page.screenshot(path=str(ARTIFACTS / f"training-check-in-list-{width}.png"), full_page=width == 1280)
    button.click()
    expect(page.locator(".messages")).to_contain_text("介護 真理さんを受け付けました。")
    # Back at the same card, the message in it and on screen (not at the top of a long page).
    expect(page.locator("[data-registration-notice]")).to_contain_text("介護 真理さんを受け付けました。")
    expect(page.locator("[data-registration-notice]")).to_be_in_viewport()
    expect(page.get_by_role("button", name="介護 真理さんを未受付に戻す")).to_be_in_viewport()
    expect(page.locator('[data-registration="介護 真理"]')).to_contain_text("受付済み")
    expect(page.locator("[data-checked-in]")).to_have_text("1")
    if width == 390:
        page.screenshot(path=str(ARTIFACTS / f"training-check-in-after-{width}.png"))
    context.close()


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_before_the_events_day_the_list_says_once_when_check_in_opens(browser, live_server, cast, width):
    day = timezone.localdate() + datetime.timedelta(days=8)
    event = _event(cast, day)
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": width, "height": 844}
    )
    page = context.new_page()
    page.base_url = live_server.url
    login(page, "coordinator")
    page.goto(f"{live_server.url}/training/{event.pk}/")
    expect(page.locator("[data-event-state]")).to_have_text("満席（キャンセル待ち可）")
    expect(page.get_by_role("link", name="当日受付へ（参加申込の一覧）")).to_have_count(0)
    note = page.locator("[data-check-in-note]")
    expect(note).to_have_text(f"当日受付は開催日（{day.month}月{day.day}日）から行えます。")
    expect(page.get_by_role("button", name="さんを受付")).to_have_count(0)
    expect(page.locator("[data-cancel-link]")).to_have_count(4)
    note.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"training-check-in-before-day-{width}.png"), full_page=width == 1280
    )
    context.close()
