import datetime

import pytest
from playwright.sync_api import expect

from resources import recurrence
from tests.conftest import ARTIFACTS, login
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
    expect(cards.nth(0)).to_contain_text("水曜の体操")
    expect(cards.nth(0)).to_contain_text("9月9日")
    assert "093-999-0001" not in page.content()
    page.locator(".leaflet-interactive").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "community-listing-phone.png"), full_page=True)

    page.get_by_role("link", name="ひだまりサロン").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ひだまりサロン")
    expect(page.locator("[data-next-date]")).to_have_attribute("data-next-date", "2026-10-13")
    expect(page.locator("[data-schedule]")).to_contain_text("第2・第4火曜 10:00〜12:00（祝日は休み）")
    page.screenshot(path=str(ARTIFACTS / "community-detail-phone.png"), full_page=True)
    assert page.js_errors == [] or all(
        "tile" in e or "cyberjapandata" in e or "ERR_" in e for e in page.js_errors
    )


def test_a_life_support_coordinator_types_a_full_width_postcode_and_2_4_and_sees_one_banner(page, cast):
    from resources.models import Facility
    from tests.resources.community_factories import make_life_support

    make_life_support(cast.daily1)
    login(page, "sc")
    page.goto(page.base_url + "/resources/community/new/")
    page.locator('[name="facility-kind"]').select_option(label="通いの場・サロン")
    page.locator('[name="facility-name"]').fill("港のサロン")
    page.locator('[name="facility-postal_code"]').fill("８０１－０８３３")
    page.locator('[name="facility-address"]').fill("北九州市門司区1-1 市民センター")
    page.locator('[name="facility-area"]').select_option(str(cast.daily1.pk))
    page.locator('[name="rules-0-pattern"]').select_option("monthly_nth")
    page.locator('[name="rules-0-weekday"]').select_option("1")
    page.locator('[name="rules-0-weeks"]').fill("2・4")
    page.locator('[name="rules-0-start_time"]').fill("10:00")
    page.locator('[name="rules-0-end_time"]').fill("09:00")  # wrong: the one banner and the field's message
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-form-errors]")).to_have_count(1)
    assert page.locator(".form-errors").count() == 0
    assert "終了時刻は開始時刻より後にしてください。" in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "community-form-one-banner.png"), full_page=True)
    page.locator('[name="rules-0-end_time"]').fill("12:00")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("港のサロン")
    facility = Facility.objects.get(name="港のサロン")
    assert facility.postal_code == "801-0833"
    expect(page.locator("[data-schedule]")).to_contain_text("第2・第4火曜")
    page.screenshot(path=str(ARTIFACTS / "community-saved-postcode.png"), full_page=True)
