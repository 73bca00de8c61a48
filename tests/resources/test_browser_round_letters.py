"""A coordinator prints a round's letters and then records them as sent: the page's button is
on the screen, never on the printed sheets, and the round page's 未送付 follows it."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login
from tests.resources.factories import make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_batchs_sent_button_is_not_printed_and_records_the_letters(page, cast):
    from resources.models import ConfirmationRound, UpdateLink

    round_ = ConfirmationRound.objects.create(name="2026年度", center=cast.center1)
    for name in ("あおば歯科", "みどり歯科"):
        UpdateLink.objects.create(facility=make_facility(name, area=cast.ward1), round=round_)
    login(page, "coordinator")
    page.goto(f"{page.base_url}/resources/rounds/{round_.pk}/")
    expect(page.locator('[data-count="unsent"]')).to_have_text("2")
    page.locator("[data-round-letters]").click()
    button = page.get_by_role("button", name="この2通を送付済みにする")
    expect(button).to_be_visible()
    expect(page.locator("[data-letter-state]").first).to_have_text("あおば歯科: 未送付")
    page.emulate_media(media="print")
    expect(page.locator("[data-letter]").first).to_be_visible()
    expect(button).to_be_hidden()
    expect(page.locator("[data-letter-state]").first).to_be_hidden()
    page.emulate_media(media="screen")
    # 印刷する still opens the print dialog (static/js/print.js; stubbed here).
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="印刷する").click()
    assert page.evaluate("() => window.printed") == 1
    assert not UpdateLink.objects.filter(sent_at__isnull=False).exists()  # printing sends nothing
    button.click()
    expect(page.locator(".messages")).to_contain_text("2通を送付済みにしました。")
    expect(page.locator("[data-letter-state]").first).to_contain_text("あおば歯科: 送付済み（")
    page.get_by_role("link", name="再調査の画面に戻る").click()
    expect(page.locator('[data-count="unsent"]')).to_have_text("0")
    assert UpdateLink.objects.filter(sent_at__isnull=False).count() == 2
    assert page.js_errors == []
