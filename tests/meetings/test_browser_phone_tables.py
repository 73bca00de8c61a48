"""The 連携の歩み and the 年度 tables read on a phone (390 px): each row a card of labelled lines
(.table--cards, as the consultation and backup-bed lists), nothing wider than the screen, the
計画値 and メモ inputs of the targets page within reach instead of scrolled out of sight."""

import datetime

import pytest

from meetings.models import IssueStatus, Solution, Tier
from tests.conftest import ARTIFACTS, login
from tests.meetings.factories import make_issue, make_meeting, org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _before(locator):
    return locator.evaluate("(el) => getComputedStyle(el, '::before').content")


@pytest.fixture
def story(cast):
    """FY2026 with 薬剤師会: a 一次連携 raises 薬-A, a 二次連携 discusses it and carries out a 解決策."""
    pharmacy = org("薬剤師会", "薬")
    first = make_meeting(
        cast.center1, organisations=[pharmacy], day=(2026, 6, 3), title="薬剤師会との打ち合わせ会"
    )
    issue = make_issue(cast.center1, "薬-A", organisation=pharmacy, raised_at_meeting=first, day=(2026, 6, 3))
    joint = make_meeting(
        cast.center1,
        Tier.SECONDARY,
        "合同研修会",
        (2026, 9, 10),
        [pharmacy, org("ケアマネ協議会", "ケ")],
        title="ケアマネ・薬科合同研修会",
    )
    joint.issues_discussed.set([issue])
    solution = Solution.objects.create(center=cast.center1, title="顔の見える名簿を作って配る")
    solution.issues.set([issue])
    solution.meetings.set([joint])
    issue.change_status(IssueStatus.SOLVED, datetime.date(2026, 12, 1))
    return pharmacy


def _fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_timeline_on_a_phone_is_a_card_per_line_saying_what_happened(page, cast, story):
    page.set_viewport_size(PHONE)
    login(page, "coordinator")
    page.goto(page.base_url + f"/meetings/organisations/{story.pk}/")
    _fits_the_phone(page)
    joint = page.locator('[data-timeline] tr[data-tier="二次連携"]')
    box = joint.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    cells = joint.locator("td")
    assert [_before(cells.nth(i)) for i in range(4)] == ['"日付"', '"段階"', '"内容"', '"課題について"']
    acts = joint.locator("[data-act]")
    assert acts.all_inner_texts() == ["協議 薬-A", "解決策を実施 「顔の見える名簿を作って配る」（薬-A）"]
    first = page.locator('[data-timeline] tr[data-tier="一次連携"] [data-act]')
    assert first.all_inner_texts() == ["提起 薬-A"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "meetings-timeline-390.png"), full_page=True)
    assert page.js_errors == []


def test_the_year_summarys_issue_lists_on_a_phone_are_cards(page, cast, story):
    page.set_viewport_size(PHONE)
    login(page, "official")
    page.goto(page.base_url + "/meetings/years/?fiscal_year=2026")
    _fits_the_phone(page)
    for row, labels in (
        ("tr[data-raised-issue]", ["センター", "ラベル", "課題", "提起した団体", "提起日", "状態"]),
        ("tr[data-solved-issue]", ["センター", "ラベル", "課題", "提起した団体", "解決日"]),
    ):
        cells = page.locator(row).first.locator("td")
        assert [_before(cells.nth(i)) for i in range(cells.count())] == [f'"{x}"' for x in labels], row
        box = page.locator(row).first.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "meetings-year-summary-390.png"), full_page=True)
    assert page.js_errors == []


def test_the_targets_form_on_a_phone_keeps_its_inputs_on_the_screen(page, cast):
    page.set_viewport_size(PHONE)
    login(page, "official")
    page.goto(page.base_url + "/meetings/evaluation/targets/?fiscal_year=2026")
    _fits_the_phone(page)
    row = page.locator("tr[data-target-row]").first
    for cell in ("計画値", "メモ"):
        field = row.locator(f'td[data-label="{cell}"] input')
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], cell
    field.fill("顔合わせを年2回")
    assert _before(row.locator('td[data-label="指標"]')) == '"指標"'
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "meetings-targets-390.png"), full_page=True)
    assert page.js_errors == []
