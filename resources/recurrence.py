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


def now():
    """This moment in Asia/Tokyo: the pages count "next date" and 「今週」 from it, and a session of
    today that has ended by it no longer counts (a function of this module, so a test fixes the
    moment without freezing clocks)."""
    return timezone.localtime()


def today():
    """Today in Asia/Tokyo (the day of now())."""
    return now().date()


def has_ended_today(rule, day, moment):
    """`day` is the day of `moment` and the rule's session that day is over: its end time, or its
    start time when it has no end, is past. A rule without hours meets all day, so its session
    lasts until the day ends. Earlier days are not this function's business: every caller asks
    for dates from today on."""
    if day != moment.date():
        return False
    limit = rule.end_time or rule.start_time
    return limit is not None and moment.time() > limit


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


def coming_between(rule, start, end, moment=None):
    """The meeting dates from start to end still to come at `moment` (default now): as
    dates_between, without today's session once it has ended (at 16:30 the 10:00〜11:00 group
    of today has met; whoever reads "next" or 「今週」 wants a session they can still go to)."""
    moment = moment or now()
    return [day for day in dates_between(rule, start, end) if not has_ended_today(rule, day, moment)]


def next_date(rule, today, moment=None):
    """The first meeting date on or after `today` still to come (a group that meets today meets
    "next" today until its session ends), or None when the rule gives none within HORIZON_DAYS."""
    found = coming_between(rule, today, today + datetime.timedelta(days=HORIZON_DAYS), moment)
    return found[0] if found else None


def next_of_rules(rules, today, moment=None):
    """The first date on or after `today` of any of `rules` (an activity with several)."""
    return next_meeting(rules, today, moment)[0]


def next_meeting(rules, today, moment=None):
    """(date, rule) of the first meeting on or after `today` still to come among `rules`, or
    (None, None); of two rules on that day, the earlier start (of those not yet ended)."""
    moment = moment or now()
    found = [(d, rule) for rule in rules if (d := next_date(rule, today, moment)) is not None]
    if not found:
        return None, None
    return min(found, key=lambda pair: (pair[0], pair[1].start_time or datetime.time.max))


def dates_of_rules(rules, start, end, moment=None):
    """The meeting dates of any of `rules` from start to end still to come (coming_between), in
    order, each once: 「今週ひらかれる」 and the A4 list's coming dates."""
    moment = moment or now()
    return sorted({day for rule in rules for day in coming_between(rule, start, end, moment)})


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
