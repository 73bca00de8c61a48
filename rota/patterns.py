"""The shifts a month needs, from the usual pattern of a 医師会 rota:

- weekdays and Saturdays (not 祝日): 夜間 18:00 → 翌9:00;
- Sundays and 祝日 (jpholiday, 振替休日 included): 休日 9:00 → 翌9:00, or 連休 when the day is part of a
  run of three or more days off (土日祝) such as a Monday 祝日 after a weekend;
- 12/29–1/3: 年末年始 9:00 → 翌9:00 every day.

Each shift ends when the next day's first shift starts (9:00), so the month is covered without
overlap from the first evening on. The pattern only says when; who is on duty is assigned by
rotating the list of clinics (services.generate_month)."""

import datetime
from dataclasses import dataclass

from coordination.dates import is_national_holiday, month_range
from rota.models import ShiftKind

NIGHT_START = datetime.time(18, 0)
DAY_START = datetime.time(9, 0)
HANDOVER = datetime.time(9, 0)


@dataclass(frozen=True)
class Slot:
    kind: str
    starts: datetime.datetime  # naive, local (Asia/Tokyo)
    ends: datetime.datetime

    @property
    def label(self):
        return f"{self.starts:%m/%d %H:%M}–{self.ends:%m/%d %H:%M} {ShiftKind(self.kind).label}"


def is_year_end(day):
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_day_off(day):
    """土日祝 and 年末年始: the days a 連休 is made of."""
    return day.weekday() >= 5 or is_national_holiday(day) or is_year_end(day)


def in_long_holiday(day):
    """Part of three or more days off in a row."""
    one = datetime.timedelta(days=1)
    start = end = day
    while is_day_off(start - one):
        start -= one
    while is_day_off(end + one):
        end += one
    return (end - start).days + 1 >= 3


def kind_of(day):
    if is_year_end(day):
        return ShiftKind.YEAR_END
    if day.weekday() == 6 or is_national_holiday(day):
        return ShiftKind.LONG_HOLIDAY if in_long_holiday(day) else ShiftKind.HOLIDAY
    return ShiftKind.NIGHT


def slots_for_day(day):
    kind = kind_of(day)
    start = NIGHT_START if kind == ShiftKind.NIGHT else DAY_START
    return Slot(
        kind,
        datetime.datetime.combine(day, start),
        datetime.datetime.combine(day + datetime.timedelta(days=1), HANDOVER),
    )


def month_slots(year, month):
    first, last = month_range(year, month)
    day, result = first, []
    while day <= last:
        result.append(slots_for_day(day))
        day += datetime.timedelta(days=1)
    return result
