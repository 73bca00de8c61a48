"""The month pattern (rota.patterns) against hand-checked lists, and its assignment to clinics."""

import datetime

import pytest

from rota import patterns, services
from rota.models import Shift
from tests.rota.factories import make_clinic, make_rota

N, H, Y, L = "night", "holiday", "year_end", "long_holiday"

# January 2027, checked by hand against a calendar: 1/1 (金, 元日)–1/3 年末年始; 1/9 土 is a
# night; 1/10 日 and 1/11 月 (成人の日) make a 3-day weekend (連休); other Sundays 休日.
JANUARY_2027 = [
    (1, Y), (2, Y), (3, Y),
    (4, N), (5, N), (6, N), (7, N), (8, N), (9, N),
    (10, L), (11, L),
    (12, N), (13, N), (14, N), (15, N), (16, N),
    (17, H),
    (18, N), (19, N), (20, N), (21, N), (22, N), (23, N),
    (24, H),
    (25, N), (26, N), (27, N), (28, N), (29, N), (30, N),
    (31, H),
]  # fmt: skip


def test_january_2027_with_a_holiday_a_long_weekend_and_the_new_year_matches_the_hand_checked_list():
    slots = patterns.month_slots(2027, 1)
    assert [(s.starts.day, s.kind) for s in slots] == JANUARY_2027
    hours = {(s.kind, s.starts.hour) for s in slots}
    assert hours == {(N, 18), (H, 9), (L, 9), (Y, 9)}
    # Every shift ends at 9:00 the next morning: across midnight, no overlap, no hole at night.
    for slot in slots:
        assert slot.ends == datetime.datetime.combine(
            slot.starts.date() + datetime.timedelta(days=1), datetime.time(9)
        )
    for earlier, later in zip(slots, slots[1:], strict=False):
        assert earlier.ends <= later.starts


def test_december_2026_ends_with_the_year_end_from_the_29th():
    slots = {s.starts.day: s for s in patterns.month_slots(2026, 12)}
    assert len(slots) == 31
    assert slots[27].kind == H  # 日: 26 土 + 27 日 + 28 月 (working) is two days off, not a 連休
    assert (slots[28].kind, slots[28].starts.hour) == (N, 18)
    assert slots[28].ends == datetime.datetime(2026, 12, 29, 9)  # hands over to the 年末年始
    assert [slots[d].kind for d in (29, 30, 31)] == [Y, Y, Y]
    assert slots[23].kind == N  # 12/23 is no holiday since 2019


def test_silver_week_2026_is_a_long_holiday_including_the_citizens_holiday():
    slots = {s.starts.day: s.kind for s in patterns.month_slots(2026, 9)}
    # 9/19 土, 20 日, 21 敬老の日, 22 国民の休日, 23 秋分の日
    assert [slots[d] for d in (19, 20, 21, 22, 23, 24)] == [N, L, L, L, L, N]


@pytest.mark.django_db
def test_generation_rotates_the_clinics_and_keeps_existing_shifts(cast):
    rota = make_rota(cast.center1)
    a, b, c = make_clinic("Aクリニック"), make_clinic("B医院"), make_clinic("C内科")
    created, kept = services.generate_month(None, rota, 2027, 1, [a, b, c])
    assert (created, kept) == (31, 0)
    shifts = list(Shift.objects.filter(rota=rota).order_by("starts_at"))
    assert [s.facility.name for s in shifts[:5]] == ["Aクリニック", "B医院", "C内科", "Aクリニック", "B医院"]
    assert [s.kind for s in shifts] == [k for _, k in JANUARY_2027]
    first = shifts[0]
    assert (first.local_start.hour, first.local_end.day, first.local_end.hour) == (9, 2, 9)
    shifts[3].facility = c
    shifts[3].save()
    created, kept = services.generate_month(None, rota, 2027, 1, [b])
    assert (created, kept) == (0, 31)
    assert Shift.objects.get(pk=shifts[3].pk).facility == c


@pytest.mark.django_db
def test_generation_starts_from_the_given_turn(cast):
    rota = make_rota(cast.center1)
    a, b, c = make_clinic("Aクリニック"), make_clinic("B医院"), make_clinic("C内科")
    services.generate_month(None, rota, 2027, 2, [a, b, c], first=2)
    assert Shift.objects.filter(rota=rota).order_by("starts_at").first().facility == c
