"""The consultation list reads on a phone (each row a card of labelled lines) and on a desktop
(short headers and states on one line)."""

import pytest

from coordination.models import User
from tests.conftest import ARTIFACTS, login
from tests.consultations.factories import make_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_LINE = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  return tops.size;
}"""


def some_consultations(cast):
    coordinator = User.objects.get(username="coordinator")
    for day, status in ((3, "done"), (4, "open"), (5, "continuing")):
        make_consultation(
            cast.center1,
            when=(2026, 8, day, 10, 15),
            topics=("医療/訪問診療できる医療機関に関する事", "介護/ケアマネに関する事", "連絡調整"),
            status=status,
            consultant_affiliation="△△ケアプランセンター",
            summary="退院後に自宅で療養したいという相談。訪問診療医と訪問看護を探している。",
            handled_by=coordinator,
            follow_up_on=None if status == "done" else f"2026-08-{day + 7:02d}",
        )


def test_on_a_phone_each_consultation_is_a_card_of_labelled_lines(page, cast):
    some_consultations(cast)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "coordinator")
    page.goto(page.base_url + "/consultations/")
    row = page.locator("table.table--consultations tbody tr").first
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    cells = row.locator("td")
    labels = [cells.nth(i).evaluate("(td) => getComputedStyle(td, '::before').content") for i in range(7)]
    assert labels == ['"受付日時"', '"相談者"', '"相談内容"', '"概要"', '"状態"', '"フォロー"', '"対応者"']
    done = page.locator("td[data-label=状態]", has_text="完了")
    assert done.evaluate(ONE_LINE) == 1
    handler = row.locator("td[data-label=対応者]")
    handler_box = handler.bounding_box()
    assert handler_box["x"] + handler_box["width"] <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "consultation-list-390.png"), full_page=True)
    row.screenshot(path=str(ARTIFACTS / "consultation-list-390-card.png"))
    assert page.js_errors == []


def test_on_a_desktop_the_short_headers_stay_on_one_line(page, cast):
    some_consultations(cast)
    login(page, "coordinator")
    page.goto(page.base_url + "/consultations/")
    for name in ("受付日時", "相談者", "状態", "フォロー", "対応者"):
        header = page.locator("table.table--consultations thead th", has_text=name).first
        assert header.evaluate(ONE_LINE) == 1, name
    assert page.locator("td[data-label=状態]", has_text="完了").evaluate(ONE_LINE) == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "consultation-list-1280.png"), full_page=True)
    assert page.js_errors == []
