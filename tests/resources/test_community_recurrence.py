"""The meeting days of community activities (resources/recurrence.py): every week, the nth
weekdays of the month (第2・第4火曜), a day of the month, 祝日 skipped or not, and the next date
from a fixed `today`."""

import datetime
from types import SimpleNamespace

from resources import recurrence

D = datetime.date


def rule(pattern, weekday=None, weeks="", day=None, skips_holidays=True, start=None, end=None):
    return SimpleNamespace(
        pattern=pattern,
        weekday=weekday,
        weeks=weeks,
        day=day,
        skips_holidays=skips_holidays,
        start_time=start,
        end_time=end,
    )


TUE = 1
SECOND_FOURTH_TUESDAY = rule(recurrence.MONTHLY_NTH, weekday=TUE, weeks="24")


def test_second_and_fourth_tuesdays_of_a_month():
    # November 2026: Tuesdays 3, 10, 17, 24 → 第2 10th, 第4 24th (no holiday on those).
    assert recurrence.dates_between(SECOND_FOURTH_TUESDAY, D(2026, 11, 1), D(2026, 11, 30)) == [
        D(2026, 11, 10),
        D(2026, 11, 24),
    ]


def test_a_group_that_skips_holidays_does_not_meet_on_a_holiday_tuesday():
    # September 2026: 9/22 is 国民の休日 (between 敬老の日 9/21 and 秋分の日 9/23) and the 第4火曜.
    assert recurrence.dates_between(SECOND_FOURTH_TUESDAY, D(2026, 9, 1), D(2026, 9, 30)) == [D(2026, 9, 8)]
    meets_anyway = rule(recurrence.MONTHLY_NTH, weekday=TUE, weeks="24", skips_holidays=False)
    assert recurrence.dates_between(meets_anyway, D(2026, 9, 1), D(2026, 9, 30)) == [
        D(2026, 9, 8),
        D(2026, 9, 22),
    ]


def test_next_date_steps_over_the_skipped_holiday():
    # From 9/9 the next is not the holiday 9/22 but 第2火曜 of October (10/13).
    assert recurrence.next_date(SECOND_FOURTH_TUESDAY, D(2026, 9, 9)) == D(2026, 10, 13)


def test_next_date_is_today_when_the_group_meets_today():
    assert recurrence.next_date(SECOND_FOURTH_TUESDAY, D(2026, 11, 10)) == D(2026, 11, 10)
    assert recurrence.next_date(SECOND_FOURTH_TUESDAY, D(2026, 11, 11)) == D(2026, 11, 24)


def test_next_date_crosses_the_year_end():
    # 第2・第4火曜 after 12/22/2026 (第4火曜): January 2027 Tuesdays 5, 12, 19, 26 → 12th.
    assert recurrence.next_date(SECOND_FOURTH_TUESDAY, D(2026, 12, 23)) == D(2027, 1, 12)


def test_monthly_on_the_first_saturday():
    first_saturday = rule(recurrence.MONTHLY_NTH, weekday=5, weeks="1")
    assert recurrence.dates_between(first_saturday, D(2026, 10, 1), D(2026, 12, 31)) == [
        D(2026, 10, 3),
        D(2026, 11, 7),
        D(2026, 12, 5),
    ]


def test_a_fifth_weekday_only_in_months_that_have_one():
    fifth_thursday = rule(recurrence.MONTHLY_NTH, weekday=3, weeks="5")
    # 2026: October has 5 Thursdays (29th), November does not, December has (31st).
    assert recurrence.dates_between(fifth_thursday, D(2026, 10, 1), D(2026, 12, 31)) == [
        D(2026, 10, 29),
        D(2026, 12, 31),
    ]


def test_a_day_of_the_month_skips_months_without_it_and_holidays_when_asked():
    fifteenth = rule(recurrence.MONTHLY_DAY, day=15, skips_holidays=False)
    assert recurrence.dates_between(fifteenth, D(2026, 1, 1), D(2026, 3, 31)) == [
        D(2026, 1, 15),
        D(2026, 2, 15),
        D(2026, 3, 15),
    ]
    thirty_first = rule(recurrence.MONTHLY_DAY, day=31, skips_holidays=False)
    assert recurrence.dates_between(thirty_first, D(2026, 1, 1), D(2026, 4, 30)) == [
        D(2026, 1, 31),
        D(2026, 3, 31),
    ]
    # 2/11 (建国記念の日) is a holiday: a group on the 11th that skips holidays meets in March next.
    eleventh = rule(recurrence.MONTHLY_DAY, day=11)
    assert recurrence.next_date(eleventh, D(2026, 2, 1)) == D(2026, 3, 11)


def test_every_week_on_wednesday_skips_holidays():
    wednesdays = rule(recurrence.WEEKLY, weekday=2)
    # April 29 2026 (昭和の日) and May 6 (振替休日 of 憲法記念日 on Sunday 5/3) are Wednesdays.
    assert recurrence.dates_between(wednesdays, D(2026, 4, 20), D(2026, 5, 14)) == [
        D(2026, 4, 22),
        D(2026, 5, 13),
    ]


def test_several_rules_give_one_sorted_list_and_the_soonest_next_date():
    mondays = rule(recurrence.WEEKLY, weekday=0)
    first_saturday = rule(recurrence.MONTHLY_NTH, weekday=5, weeks="1")
    rules = [mondays, first_saturday]
    assert recurrence.dates_of_rules(rules, D(2026, 11, 1), D(2026, 11, 10)) == [
        D(2026, 11, 2),
        D(2026, 11, 7),
        D(2026, 11, 9),
    ]
    assert recurrence.next_of_rules(rules, D(2026, 11, 3)) == D(2026, 11, 7)
    assert recurrence.next_of_rules([], D(2026, 11, 3)) is None


def test_the_week_runs_monday_to_sunday():
    assert recurrence.week_of(D(2026, 12, 1)) == (D(2026, 11, 30), D(2026, 12, 6))
    assert recurrence.week_of(D(2026, 12, 6)) == (D(2026, 11, 30), D(2026, 12, 6))


def test_the_schedule_in_words():
    timed = rule(
        recurrence.MONTHLY_NTH, weekday=TUE, weeks="42", start=datetime.time(10), end=datetime.time(12)
    )
    assert recurrence.describe(timed) == "第2・第4火曜 10:00〜12:00（祝日は休み）"
    assert recurrence.describe(rule(recurrence.WEEKLY, weekday=2, skips_holidays=False)) == "毎週水曜"
    assert recurrence.describe(rule(recurrence.MONTHLY_DAY, day=15, skips_holidays=False)) == "毎月15日"


def test_the_next_meeting_names_the_rule_it_comes_from():
    mornings = rule(recurrence.WEEKLY, weekday=0, start=datetime.time(10), end=datetime.time(11))
    saturdays = rule(
        recurrence.MONTHLY_NTH, weekday=5, weeks="1", start=datetime.time(14), end=datetime.time(16)
    )
    assert recurrence.next_meeting([mornings, saturdays], D(2026, 11, 3)) == (D(2026, 11, 7), saturdays)
    assert recurrence.next_meeting([mornings, saturdays], D(2026, 11, 8)) == (D(2026, 11, 9), mornings)
    assert recurrence.next_meeting([], D(2026, 11, 8)) == (None, None)


TOKYO = datetime.timezone(datetime.timedelta(hours=9))
WED = 2


def at(*args):
    return datetime.datetime(*args, tzinfo=TOKYO)


def test_a_session_that_ended_today_is_not_the_next_one():
    # 2026-12-02 is a Wednesday: the 10:00〜11:00 group has met by 16:30; the next is next week.
    mornings = rule(recurrence.WEEKLY, weekday=WED, start=datetime.time(10), end=datetime.time(11))
    day = D(2026, 12, 2)
    assert recurrence.next_date(mornings, day, at(2026, 12, 2, 9, 0)) == day
    assert recurrence.next_date(mornings, day, at(2026, 12, 2, 10, 30)) == day  # still on
    assert recurrence.next_date(mornings, day, at(2026, 12, 2, 16, 30)) == D(2026, 12, 9)


def test_without_an_end_time_the_start_time_ends_the_day_and_without_hours_the_day_does():
    starts = rule(recurrence.WEEKLY, weekday=WED, start=datetime.time(10))
    all_day = rule(recurrence.WEEKLY, weekday=WED)
    day = D(2026, 12, 2)
    assert recurrence.next_date(starts, day, at(2026, 12, 2, 9, 59)) == day
    assert recurrence.next_date(starts, day, at(2026, 12, 2, 10, 1)) == D(2026, 12, 9)
    assert recurrence.next_date(all_day, day, at(2026, 12, 2, 23, 59)) == day


def test_the_next_meeting_of_today_is_the_rule_not_yet_ended():
    mornings = rule(recurrence.WEEKLY, weekday=WED, start=datetime.time(10), end=datetime.time(11))
    evenings = rule(recurrence.WEEKLY, weekday=WED, start=datetime.time(18), end=datetime.time(19))
    day = D(2026, 12, 2)
    assert recurrence.next_meeting([mornings, evenings], day, at(2026, 12, 2, 9)) == (day, mornings)
    assert recurrence.next_meeting([mornings, evenings], day, at(2026, 12, 2, 16, 30)) == (day, evenings)


def test_the_coming_dates_leave_out_todays_ended_session_only():
    mornings = rule(recurrence.WEEKLY, weekday=WED, start=datetime.time(10), end=datetime.time(11))
    fridays = rule(recurrence.WEEKLY, weekday=4, start=datetime.time(10), end=datetime.time(11))
    week = (D(2026, 12, 2), D(2026, 12, 6))
    assert recurrence.dates_of_rules([mornings], *week, at(2026, 12, 2, 16, 30)) == []
    assert recurrence.dates_of_rules([mornings, fridays], *week, at(2026, 12, 2, 16, 30)) == [D(2026, 12, 4)]
    # Another day's moment leaves the range as it is (the pattern's dates, past ones included).
    assert recurrence.dates_of_rules([mornings], *week, at(2026, 12, 3, 16, 30)) == [D(2026, 12, 2)]
