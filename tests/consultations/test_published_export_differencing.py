"""The 月報 / 年度 export for publication: no count shown as 「－」 can be worked out from the
numbers shown beside it (a line's 合計, a 区分's 合計 line, 最少/最大), by a reader who knows the rule."""

import csv
import io
import itertools

import pytest
from openpyxl import load_workbook

from consultations import published
from consultations.reports import Line
from coordination.publishing import SUPPRESSED_IN_SHEETS as MARK
from coordination.publishing import suppress
from tests.consultations.factories import make_consultation

pytestmark = pytest.mark.django_db


def section(items):
    """A 区分 of item lines (each the centers' counts) and its 合計 line, as the report builds it."""
    lines = [Line("相談者", f"item{i}", sum(c), list(c), min(c), max(c), "item") for i, c in enumerate(items)]
    totals = [sum(col) for col in zip(*items, strict=True)]
    lines.append(Line("相談者", "合計", sum(totals), totals, min(totals), max(totals), "total"))
    return lines


def possible(cells, width, rule, cap):
    """Every table of item counts a reader could find behind `cells` (the printed 合計, centers,
    最少, 最大 of each line, the 合計 line last): each line adds up to its 合計, the items to the
    合計 line, all counts 0–cap, and `rule` would print exactly these cells from them."""
    items = cells[:-1]

    def row_options(row):
        centers = row[1 : width + 1]
        choices = [range(cap + 1) if c == MARK else [c] for c in centers]
        for combo in itertools.product(*choices):
            if row[0] == MARK or row[0] == sum(combo):
                yield list(combo)

    found = []
    for table in itertools.product(*(list(row_options(r)) for r in items)):
        if rule([list(t) for t in table]) == cells:
            found.append(table)
    return found


def recovered(cells, width, rule, cap=12):
    """The hidden item cells (line, center) that hold the same value in every possible table."""
    tables = possible(cells, width, rule, cap)
    assert tables  # the true table is always among them
    hidden = [(i, c) for i, row in enumerate(cells[:-1]) for c in range(width) if row[c + 1] == MARK]
    return {cell for cell in hidden if len({t[cell[0]][cell[1]] for t in tables}) == 1}


def portal_rule(items):
    return published.Published(section(items)).lines()


def main_rule(items):
    """The rule before: each small count hidden on its own, 合計 and 最少/最大 left as they were."""
    return [
        [suppress(n, mark=MARK) for n in [ln.total, *ln.per_center, ln.low, ln.high]] for ln in section(items)
    ]


def test_a_center_hidden_beside_a_shown_total_was_found_by_subtraction_and_is_not_any_more(settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    items = [[3, 10], [6, 7]]
    before = main_rule(items)
    # 合計 13 beside the 10 gave the hidden count (13 − 10), and so did 最少 (3).
    assert before[0] == [13, MARK, 10, MARK, 10]
    assert recovered(before, 2, main_rule) == {(0, 0)}
    after = portal_rule(items)
    assert after[0][1:] == [MARK, MARK, MARK, MARK]  # the 10 goes too, with 最少 and 最大
    assert recovered(after, 2, portal_rule) == set()


@pytest.mark.parametrize(
    "items",
    [
        [[3, 10], [6, 7]],
        [[2, 0], [9, 8]],
        [[1, 5], [0, 6], [7, 7]],
        [[4, 4], [6, 9]],
        [[0, 3], [8, 0]],
        [[5, 6], [2, 2]],
    ],
)
def test_no_hidden_count_of_a_two_way_table_can_be_worked_out(settings, items):
    # Down a column the items add up to the 合計 line, so subtraction works there too.
    settings.PUBLISH_SUPPRESS_BELOW = 5
    cells = portal_rule(items)
    assert any(MARK in row for row in cells)
    assert recovered(cells, 2, portal_rule) == set()


@pytest.fixture
def leak(cast):
    """相談者 ケアマネジャー: 3 at 東 (C01), 10 at 西 (C02); 合計 13."""
    for day in (3, 4, 5):
        make_consultation(cast.center1, (2026, 8, day, 10, 0), "ケアマネジャー", ["その他"])
    for day in range(3, 13):
        make_consultation(cast.center2, (2026, 8, day, 10, 0), "ケアマネジャー", ["その他"])
    return cast


def _csv(client, query):
    body = client.get(f"/consultations/reports/?{query}&format=csv").content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_published_csv_of_a_case_that_leaked_shows_nothing_to_subtract(client_for, leak, settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    table = _csv(client_for("admin"), "year=2026&month=8&publish=1")
    # The month's columns (合計, C01, C02, 最少, 最大); the 年度累計 ones follow, hidden alike.
    rows = {(r[0], r[1]): r[2:7] for r in table}
    # On main: ['13', '－', '10', '－', '10'] — 13 − 10 (or 最少) gave the 3.
    assert rows[("相談者", "ケアマネジャー")] == ["13", MARK, MARK, MARK, MARK]
    line = next(r for r in table if r[:2] == ["相談者", "ケアマネジャー"])
    assert line[7:] == ["13", MARK, MARK, MARK, MARK]  # as the XLSX (below)
    for key in (("相談件数", "延べ件数"), ("相談者", "合計"), ("相談内容", "その他")):
        assert rows[key][1:] == [MARK, MARK, MARK, MARK], key
    # No line of the export shows one hidden center beside its shown 合計 and the other center.
    for key, (total, c1, c2, low, high) in rows.items():
        if MARK in (c1, c2) and total != MARK:
            assert c1 == c2 == low == high == MARK, key


def test_the_unpublished_csv_is_unchanged(client_for, leak):
    rows = {(r[0], r[1]): r[2:] for r in _csv(client_for("admin"), "year=2026&month=8")}
    # The month, then its 年度累計 (April–August is August here), as in the XLSX.
    assert rows[("相談者", "ケアマネジャー")] == ["13", "3", "10", "3", "10"] * 2
    rows = {key: cells[:5] for key, cells in rows.items()}
    assert rows[("相談者", "合計")] == ["13", "3", "10", "3", "10"]
    assert all(MARK not in r for r in rows.values())


def _sheet(client, query):
    response = client.get(f"/consultations/reports/?{query}&format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    return list(book["相談実績"].iter_rows(values_only=True)), list(
        book["月別推移"].iter_rows(values_only=True)
    )


def test_the_published_xlsx_hides_the_month_and_the_cumulative_columns_alike(client_for, leak, settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    rows, months = _sheet(client_for("admin"), "year=2026&month=8&publish=1")
    line = next(r for r in rows if r[:2] == ("相談者", "ケアマネジャー"))
    # 区分, 項目, 合計, C01, C02, 最少, 最大, then 年度累計, 累計 C01, 累計 C02, 累計 最少, 累計 最大.
    assert list(line[2:]) == [13, MARK, MARK, MARK, MARK, 13, MARK, MARK, MARK, MARK]
    subtotal = next(r for r in rows if r[1] == "医療/小計")
    assert list(subtotal[2:7]) == [0, 0, 0, 0, 0]  # nothing hidden: shown as it was
    assert any("引き算で分からないよう" in str(r[0]) for r in rows[:5])
    august = next(r for r in months if r[0] == "2026年8月")
    # The month sheet's line (C01, C02, 合計): the 3 beside 13 would be given by the 10.
    assert list(august[1:4]) == [MARK, MARK, 13]


def test_the_unpublished_xlsx_is_unchanged(client_for, leak):
    rows, months = _sheet(client_for("admin"), "year=2026&month=8")
    line = next(r for r in rows if r[:2] == ("相談者", "ケアマネジャー"))
    assert list(line[2:]) == [13, 3, 10, 3, 10, 13, 3, 10, 3, 10]
    august = next(r for r in months if r[0] == "2026年8月")
    assert list(august[1:4]) == [3, 10, 13]
    assert not any("引き算" in str(r[0]) for r in rows[:5])


def test_a_month_hidden_in_the_month_sheet_is_not_given_by_the_years_cases(client_for, cast, settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    for day in (3, 4, 5):
        make_consultation(cast.center1, (2026, 7, day, 10, 0), "ケアマネジャー", ["その他"])
    for day in range(3, 13):
        make_consultation(cast.center1, (2026, 8, day, 10, 0), "ケアマネジャー", ["その他"])
    rows, months = _sheet(client_for("admin"), "fiscal_year=2026&publish=1")
    cases = next(r for r in rows if r[1] == "延べ件数")
    assert cases[2:4] == (13, 13)  # 東 13 in the 年度, nothing hidden on that line
    by_month = {r[0]: r[1:4] for r in months}
    # Before, 月別推移 showed July 「－」 and August 10 under 東: 13 − 10 gave July's 3.
    assert by_month["2026年7月"][0] == MARK
    assert by_month["2026年8月"][0] == MARK
    assert all(MARK not in r for r in _csv(client_for("admin"), "fiscal_year=2026") if r[1] == "延べ件数")


def test_a_cell_hidden_in_a_total_line_is_hidden_on_the_cases_line_too(settings):
    # 相談者's 合計 line repeats 延べ件数 center by center: hiding one but showing the other gives it.
    settings.PUBLISH_SUPPRESS_BELOW = 5
    cases = Line("相談件数", "延べ件数", 21, [8, 13], 8, 13, "item")
    lines = [cases, *section([[4, 6], [4, 7]])]
    assert published.Published([cases]).lines()[0] == [21, 8, 13, 8, 13]  # on its own: shown
    shown = published.Published(lines).lines()
    # 東's items 4 and 4 add up to 8, the one split two hidden small counts could be: the 合計
    # line's 8 goes, and with it the 8 of 延べ件数, which would give it back.
    assert shown[-1][1] == MARK
    assert shown[0][1] == MARK
