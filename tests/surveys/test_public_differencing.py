"""Public survey results: no count shown as 「-」 can be worked out from the numbers shown beside it
(the 回答数, the other counts of the group, a mean), even by a reader who knows the hiding rule."""

import itertools
import re

import pytest
from django.test import Client

from coordination.publishing import suppress
from surveys import results
from surveys.models import Question
from surveys.results import HIDDEN, Rate, group_shown, protect_hospitals
from tests.surveys.factories import answered, make_survey, question
from tests.surveys.test_admission import DYES, YES, admission_survey, row

pytestmark = pytest.mark.django_db


def possible_values(cells, total, rule):
    """For each hidden cell of a group whose counts add up to `total`: every value it could hold,
    given the shown cells and that `rule` (counts → cells as printed) made exactly these cells."""
    hidden = [i for i, c in enumerate(cells) if c == HIDDEN]
    left = total - sum(c for c in cells if c != HIDDEN)
    found = {i: set() for i in hidden}
    for values in itertools.product(range(left + 1), repeat=len(hidden)):
        if sum(values) != left:
            continue
        counts = list(cells)
        for i, v in zip(hidden, values, strict=True):
            counts[i] = v
        if rule(counts) == list(cells):
            for i, v in zip(hidden, values, strict=True):
                found[i].add(v)
    return found


def recovered(cells, total, rule):
    return {i: v for i, v in possible_values(cells, total, rule).items() if len(v) == 1}


def portal_rule(counts):
    return group_shown(counts, True)[0]


def only_small_ones(counts):
    """The rule before: each small count hidden on its own."""
    return [suppress(n) for n in counts]


def test_a_lone_hidden_count_was_found_by_subtraction_and_is_not_any_more(settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    counts, total = [12, 7, 2, 0], 21
    before = only_small_ones(counts)
    assert before == [12, 7, HIDDEN, 0]
    assert recovered(before, total, only_small_ones) == {2: {2}}  # 21 − 12 − 7 − 0
    after = portal_rule(counts)
    assert after == [12, HIDDEN, HIDDEN, 0]  # the smallest other count (the 7) goes too
    assert recovered(after, total, portal_rule) == {}


@pytest.mark.parametrize(
    "counts",
    [
        [6, 2],
        [6, 1],
        [12, 7, 2, 0],
        [30, 4, 4, 9],
        [1, 1, 10, 20],
        [4, 4, 0],
        [3, 3],
        [20, 1, 0, 0, 9, 9],
        [2, 2, 2],
        [0, 0, 2, 8, 10],  # a rating's points: the zeros' order gave the 2 away with a zero as complement
        [1, 0, 0, 0],
        [7, 3, 7, 0, 12],  # the complement 7 twice: both hidden
    ],
)
def test_no_hidden_count_of_a_group_can_be_worked_out(settings, counts):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    cells, _hidden, total_hidden = group_shown(counts, True)
    assert HIDDEN in cells
    if total_hidden:
        return  # nothing to subtract from
    assert recovered(cells, sum(counts), portal_rule) == {}


def test_when_every_count_is_small_and_forced_the_total_goes_instead(settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    # 4 + 4 = 8: two hidden counts with the 8 shown could only be 4 and 4.
    assert group_shown([4, 4], True) == ([HIDDEN, HIDDEN], {0, 1}, True)
    assert group_shown([3, 4], True)[2] is False  # 7 could be 3+4, 4+3


def _page(survey):
    return Client().get(f"/surveys/{survey.pk}/public/").content.decode()


def _section(body, text):
    return body.split(f'data-question="{text}"', 1)[1].split("</section>", 1)[0]


def _cells(html, attribute):
    return [int(v) if v.isdigit() else v for v in re.findall(rf"{attribute}[^>]*>([^<]*)<", html)]


def test_the_public_page_of_a_case_that_leaked_shows_nothing_a_reader_can_subtract(cast, settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    s = make_survey(cast.center1, title="連携の実態調査", results_public=True)
    question(s, "way", choices=["電話", "FAX", "メール", "訪問"], text="主な連絡手段")
    for choice, n in (("電話", 12), ("FAX", 7), ("メール", 2)):
        for i in range(n):
            answered(s, {"way": choice}, label=f"{choice}{i}")
    body = _page(s)
    section = _section(body, "主な連絡手段")
    cells = _cells(section, "data-count")
    total = int(re.search(r"<span data-n>(\d+)</span>", section).group(1))
    assert cells == [12, HIDDEN, HIDDEN, 0] and total == 21
    assert recovered(cells, total, portal_rule) == {}
    # The shares of the hidden rows are hidden with them (a share and the 21 give the count).
    shares = re.findall(r'<td class="num">([^<]*)</td>', section)
    assert shares == ["57.1%", HIDDEN, HIDDEN, "0.0%"]
    assert "<span data-public-answers>21</span>件" in body
    note = body.split("data-suppression-note>", 1)[1].split("</p>", 1)[0]
    assert "引き算などで分からないよう" in note


def test_a_rating_hides_its_mean_and_its_groups_sizes_with_their_complement(cast, settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    s = make_survey(cast.center1, title="研修の満足度", results_public=True)
    question(s, "sat", kind=Question.Kind.RATING, text="満足度")
    # 5: 10, 4: 8, 3: 2 (hidden); by group 17 and 3 (hidden).
    values = [5] * 10 + [4] * 8 + [3] * 2
    for i, v in enumerate(values):
        answered(s, {"sat": v}, label=f"r{i}", group="病院" if i < 17 else "薬局")
    section = _section(_page(s), "満足度")
    points = _cells(section, "data-rating-count")
    # Points 1–5: the 2 of point 3 hidden and the smallest other count (point 4's 8) with it.
    assert points == [0, 0, HIDDEN, HIDDEN, 10]
    total = int(re.search(r"<span data-n>(\d+)</span>", section).group(1))
    assert total == 20
    # The mean is not shown: with it, two hidden points would be two equations in two unknowns.
    assert "data-mean>" not in section.split("</caption>", 1)[0]
    assert recovered(points, total, portal_rule) == {}
    size_cells = re.findall(
        r'data-profession="[^"]*"><th[^>]*>[^<]*</th><td class="num" data-n>([^<]*)<', section
    )
    sizes = [int(v) if v.isdigit() else v for v in size_cells]
    assert sizes == [HIDDEN, HIDDEN]  # 病院 17 and 薬局 3 add up to the 20 shown
    assert recovered(sizes, total, portal_rule) == {}
    assert "4.40" not in section and "4.4" not in section


def test_a_hospitals_hidden_rate_cannot_be_found_from_the_whole_and_the_others(settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    x, y, z = Rate("入院時連絡率", 20, 30), Rate("入院時連絡率", 2, 25), Rate("入院時連絡率", 15, 20)
    whole = Rate("入院時連絡率", 37, 75)
    assert y.shown(True) == HIDDEN and z.shown(True) == "75.0"
    # Before: 37 − 20 (66.7% of 30) − 15 (75.0% of 20) gave Y's 2.
    protect_hospitals(whole, [x, y, z])
    assert [r.shown(True) for r in (x, y, z)] == ["66.7", HIDDEN, HIDDEN]
    assert [r.total_shown(True) for r in (x, y, z)] == [30, 25, 20]
    left = whole.yes - 20
    candidates = {(a, left - a) for a in range(0, 26) if 0 <= left - a <= 20}
    assert len({a for a, _ in candidates}) > 1 and len({b for _, b in candidates}) > 1
    assert results.shown_rate(whole.yes, whole.total, True) == "49.3"


def test_the_public_page_of_a_rates_survey_has_no_empty_chart(cast):
    this = admission_survey(cast, 2026)
    answered(this, {"had_clients": "いた", "clients": [row("X病院", YES, DYES)] * 6})
    this.results_public = True
    this.save()
    body = _page(this)
    # The chart's data is never sent to the public page, so its box would stay empty.
    assert "data-trend" in body and "chart-trend" not in body
