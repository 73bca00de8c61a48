"""The staff's list of events (研修・イベント一覧) reads on a phone: each event a card of labelled
lines, a cell with nothing in it left out, the state badge whole; on a desktop it stays a table."""

import pytest

from coordination.models import Organisation
from tests.conftest import ARTIFACTS, login
from tests.training.factories import make_event
from training.models import EventFormat, EventOrganisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def some_events(cast):
    joint = make_event(
        cast.center1,
        when=(2099, 1, 10, 18, 30),
        title="多職種連携研修会「在宅での看取りを支える連携」",
        capacity=1,
    )
    joint.co_host_centers.add(cast.center2)
    joint.formats.add(EventFormat.objects.get_or_create(name="グループワーク")[0])
    EventOrganisation.objects.create(
        event=joint,
        organisation=Organisation.objects.create(name="訪問看護ステーション連絡協議会"),
        role="host",
    )
    joint.register(name="A", organisation="○○病院", profession=cast.nurse)
    make_event(cast.center1, when=(2099, 2, 1, 13, 30), title="勉強会")  # no 形式, no 主催
    return joint


def test_on_a_phone_each_event_is_a_card_of_labelled_lines(page, cast):
    some_events(cast)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "coordinator")
    page.goto(page.base_url + "/training/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    rows = page.locator("table.table--events tbody tr")
    joint, plain = rows.nth(1), rows.nth(0)  # newest first
    box = joint.bounding_box()
    # A card: the row's width is the page's less its margins (not seven narrow columns).
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["width"] > 300
    cells = joint.locator("td")
    labels = [cells.nth(i).evaluate("(td) => getComputedStyle(td, '::before').content") for i in range(6)]
    assert labels == ['"日時"', '"名称"', '"事業項目"', '"形式"', '"主催・共催"', '"定員・申込"']
    badge = joint.locator("[data-event-state]")
    assert badge.inner_text() == "満席（キャンセル待ち可）"
    assert badge.bounding_box()["height"] < 40  # one line
    # The plain event's empty 形式 and 主催・共催 are left out, not bare labels.
    assert plain.locator("td[data-label=形式]").is_hidden()
    assert plain.locator("td[data-label=主催・共催]").is_hidden()
    assert plain.locator("td[data-label=名称]").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "training-list-390.png"), full_page=True)
    joint.screenshot(path=str(ARTIFACTS / "training-list-390-card.png"))
    assert page.js_errors == []


def test_on_a_desktop_the_list_stays_a_table(page, cast):
    some_events(cast)
    login(page, "coordinator")
    page.goto(page.base_url + "/training/")
    assert page.locator("table.table--events thead").is_visible()
    row = page.locator("table.table--events tbody tr").nth(1)
    assert row.evaluate("(tr) => getComputedStyle(tr).display") == "table-row"
    # Every column side by side on one row: the cells share their top.
    tops = {round(row.locator("td").nth(i).bounding_box()["y"]) for i in range(6)}
    assert len(tops) == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "training-list-1280.png"), full_page=True)
    assert page.js_errors == []
