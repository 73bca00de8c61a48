"""When a community activity meets: the recurrence rules of resources.MeetingRule, in Python.

A rule is one of three patterns, each with an optional "skips 祝日":

- every week on a weekday (毎週水曜);
- the nth weekdays of each month (第2・第4火曜; 月1回 is one n, 第1土曜);
- a day of each month (毎月15日).

Dates are computed rather than stored, so that "this week" and "next date" follow a change of the
rule at once and Japanese holidays come from jpholiday (coordination.dates). The functions take any
object with the rule's fields (pattern, weekday, weeks, day, skips_holidays), which keeps them
testable without a database."""

import calendar
import datetime

from django.utils import timezone

from coordination.dates import is_national_holiday

WEEKLY = "weekly"
MONTHLY_NTH = "monthly_nth"
MONTHLY_DAY = "monthly_day"

WEEKDAY_NAMES = ["月", "火", "水", "木", "金", "土", "日"]
# A rule that never meets again (a day 31 in a month without one still meets in other months) is
# given up after this many days, so a search for the next date always ends.
HORIZON_DAYS = 400


def today():
    """Today in Asia/Tokyo, which the pages count "next date" and 「今週」 from (a function of this
    module, so a test fixes the day without freezing clocks)."""
    return timezone.localdate()


def week_numbers(rule):
    """The n of 第n as ints (weeks "24" → [2, 4]), in order, without repeats."""
    return sorted({int(c) for c in str(rule.weeks or "") if c in "12345"})


def nth_of_month(day):
    """第n: the 1st–7th of a month is its first such weekday, the 8th–14th its second …"""
    return (day.day - 1) // 7 + 1


def matches_pattern(rule, day):
    """The rule's pattern falls on `day` (holidays not considered)."""
    if rule.pattern == WEEKLY:
        return day.weekday() == rule.weekday
    if rule.pattern == MONTHLY_NTH:
        return day.weekday() == rule.weekday and nth_of_month(day) in week_numbers(rule)
    if rule.pattern == MONTHLY_DAY:
        return day.day == rule.day
    return False


def occurs_on(rule, day):
    """The group meets on `day`: the pattern falls on it and it is not a 祝日 the group skips."""
    if not matches_pattern(rule, day):
        return False
    return not (rule.skips_holidays and is_national_holiday(day))


def dates_between(rule, start, end):
    """Every meeting date from start to end, both included, in order."""
    if rule.pattern == MONTHLY_DAY:
        candidates = _month_days(rule, start, end)
    else:
        candidates = _days(start, end)
    return [day for day in candidates if occurs_on(rule, day)]


def next_date(rule, today):
    """The first meeting date on or after `today` (a group that meets today meets "next" today),
    or None when the rule gives none within HORIZON_DAYS."""
    found = dates_between(rule, today, today + datetime.timedelta(days=HORIZON_DAYS))
    return found[0] if found else None


def next_of_rules(rules, today):
    """The first date on or after `today` of any of `rules` (an activity with several)."""
    return next_meeting(rules, today)[0]


def next_meeting(rules, today):
    """(date, rule) of the first meeting on or after `today` among `rules`, or (None, None); of
    two rules on that day, the earlier start."""
    found = [(d, rule) for rule in rules if (d := next_date(rule, today)) is not None]
    if not found:
        return None, None
    return min(found, key=lambda pair: (pair[0], pair[1].start_time or datetime.time.max))


def dates_of_rules(rules, start, end):
    """The meeting dates of any of `rules` from start to end, in order, each once."""
    return sorted({day for rule in rules for day in dates_between(rule, start, end)})


def week_of(today):
    """The Monday–Sunday week holding `today` (「今週」)."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def rest_of_week(today):
    """Today to this week's Sunday: what 「今週ひらかれる」 means to someone who wants to go
    (a day of this week already past is no use to them)."""
    return today, week_of(today)[1]


def describe(rule):
    """The rule in words: 「第2・第4火曜 10:00〜12:00（祝日は休み）」."""
    if rule.pattern == WEEKLY:
        text = f"毎週{WEEKDAY_NAMES[rule.weekday]}曜"
    elif rule.pattern == MONTHLY_NTH:
        weeks = "・".join(f"第{n}" for n in week_numbers(rule))
        text = f"{weeks}{WEEKDAY_NAMES[rule.weekday]}曜"
    elif rule.pattern == MONTHLY_DAY:
        text = f"毎月{rule.day}日"
    else:
        text = ""
    if rule.start_time:
        text += f" {rule.start_time:%H:%M}"
        text += f"〜{rule.end_time:%H:%M}" if rule.end_time else "〜"
    if rule.skips_holidays:
        text += "（祝日は休み）"
    return text


def _days(start, end):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def _month_days(rule, start, end):
    """The rule's day in each month from start to end (a month without that day has none)."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if rule.day and rule.day <= calendar.monthrange(year, month)[1]:
            day = datetime.date(year, month, rule.day)
            if start <= day <= end:
                yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
