import datetime

import pytest

from coordination import dates
from coordination.models import Center


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (datetime.date(2026, 4, 1), 2026),
        (datetime.date(2027, 3, 31), 2026),
        (datetime.date(2026, 3, 31), 2025),
    ],
)
def test_fiscal_year_runs_april_to_march(day, fy):
    assert dates.fiscal_year(day) == fy


def test_wareki_formats_eras_and_gannen():
    assert dates.wareki(datetime.date(2026, 11, 25)) == "令和8年11月25日"
    assert dates.wareki(datetime.date(2019, 5, 1)) == "令和元年5月1日"
    assert dates.wareki(datetime.date(2019, 4, 30)) == "平成31年4月30日"
    assert dates.fiscal_year_label(2026) == "令和8年度（2026年度）"


def test_parse_wareki_accepts_spaces_and_full_width_digits():
    assert dates.parse_wareki("令和 4年10月 1日") == datetime.date(2022, 10, 1)
    assert dates.parse_wareki("平成３０年４月１日") == datetime.date(2018, 4, 1)
    assert dates.parse_wareki("令和 4年 2月30日") is None


def test_open_days_skip_weekends_holidays_and_center_closures(cast):
    # August 2026: 21 weekdays; 山の日 8/11 (Tue) is a holiday; C01 closes 8/13 (Thu), 8/14 (Fri).
    first, last = dates.month_range(2026, 8)
    c1 = Center.objects.get(code="C01")
    c2 = Center.objects.get(code="C02")
    assert c2.open_days(first, last) == 20
    assert c1.open_days(first, last) == 18


def test_year_end_closure_wraps_into_january(cast):
    c2 = Center.objects.get(code="C02")
    # January 2027: 1/1 holiday, 1/11 成人の日; 1/2, 1/3 weekend; no extra weekday closure besides none.
    first, last = dates.month_range(2027, 1)
    closed = c2.closed_dates(first, last)
    assert closed == {datetime.date(2027, 1, 1), datetime.date(2027, 1, 2), datetime.date(2027, 1, 3)}
