import datetime

import pytest
from playwright.sync_api import expect

from resources import recurrence
from tests.conftest import ARTIFACTS
from tests.resources.community_factories import EVERY_WEDNESDAY, SECOND_FOURTH_TUESDAY, make_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_finds_a_salon_on_the_listing_and_opens_it(page, cast, monkeypatch):
    # The live server runs in this process: the pages count from this fixed day.
    monkeypatch.setattr(recurrence, "today", lambda: datetime.date(2026, 9, 9))
    make_community("ひだまりサロン", cast.daily1, rules=[SECOND_FOURTH_TUESDAY], fee="100円")
    make_community("水曜の体操", cast.daily1, kind_code="exercise-class", rules=[EVERY_WEDNESDAY])
    make_community(
        "内緒の見守り", cast.daily1, kind_code="watching", contact_public=False, contact_phone="093-999-0001"
    )
    page.set_viewport_size({"width": 390, "height": 844})  # a resident's phone
    page.goto(page.base_url + "/resources/community/")
    page.get_by_label("地域", exact=True).select_option(label="東北圏域")
    page.get_by_role("button", name="表示する").click()
    cards = page.locator(".community-card")
    expect(cards).to_have_count(3)
    # Soonest first: the Wednesday 9/9 itself, then the 第2火曜 of October (9/22 is a holiday).
    assert "水曜の体操" in cards.nth(0).inner_text() and "9月9日" in cards.nth(0).inner_text()
    assert "093-999-0001" not in page.content()
    page.locator(".leaflet-interactive").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "community-listing-phone.png"), full_page=True)

    page.get_by_role("link", name="ひだまりサロン").click()
    assert page.get_by_role("heading", level=1).inner_text() == "ひだまりサロン"
    assert page.locator("[data-next-date]").get_attribute("data-next-date") == "2026-10-13"
    assert "第2・第4火曜 10:00〜12:00（祝日は休み）" in page.locator("[data-schedule]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "community-detail-phone.png"), full_page=True)
    assert page.js_errors == [] or all(
        "tile" in e or "cyberjapandata" in e or "ERR_" in e for e in page.js_errors
    )
