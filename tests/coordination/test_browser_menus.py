"""On a phone the site's menus are one row each that scrolls sideways, with the current page's
item brought into view: wrapped, they filled the first screen above every heading."""

import pytest

from tests.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_menus_are_one_row_and_show_where_the_reader_is(page, cast):
    login(page, "coordinator")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(page.base_url + "/training/")
    page.wait_for_load_state()

    main_row = page.locator(".site-nav ul")
    items = page.locator(".site-nav li")
    tops = {round(box["y"]) for box in (items.nth(i).bounding_box() for i in range(items.count()))}
    assert len(tops) == 1, "the main menu wraps to more than one row"
    current = page.locator(".site-nav [aria-current=page]")
    row_box, item_box = main_row.bounding_box(), current.bounding_box()
    assert (
        row_box["x"] <= item_box["x"] and item_box["x"] + item_box["width"] <= row_box["x"] + row_box["width"]
    )
    assert page.locator("h1").bounding_box()["y"] < 400
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "menus-phone.png"))
    assert page.js_errors == []
