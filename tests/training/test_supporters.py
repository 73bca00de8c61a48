"""Supporters trained (認知症サポーター …): per 年度, the attendees of events of a supporter course plus
the numbers entered by hand, with the running count, on the yearly history."""

import re

from django.utils import timezone

from tests.training.factories import make_event
from training.models import (
    AttendanceCount,
    Event,
    Registration,
    SupporterCount,
    SupporterCourse,
    supporters_by_year,
)


def course(name="認知症サポーター"):
    return SupporterCourse.objects.get_or_create(name=name)[0]


def test_the_running_count_adds_events_and_hand_entered_numbers_year_by_year(cast):
    dementia, walking = course(), course("健脚推進ボランティア")
    # 年度2025 (an event in June 2025 and one in March 2026) and 年度2026.
    june = make_event(cast.center1, when=(2025, 6, 1, 10, 0), supporter_course=dementia)
    AttendanceCount.objects.create(event=june, profession=cast.nurse, count=20)
    march = make_event(cast.center1, when=(2026, 3, 20, 10, 0), supporter_course=dementia)
    Registration.objects.create(
        event=march, name="山田 花子", profession=cast.nurse, checked_in_at=timezone.now()
    )
    Registration.objects.create(event=march, name="来なかった 人", profession=cast.nurse)  # not counted
    later = make_event(cast.center1, when=(2026, 10, 1, 10, 0), supporter_course=walking)
    AttendanceCount.objects.create(event=later, profession=cast.care_manager, count=7)
    ordinary = make_event(cast.center1, when=(2026, 10, 2, 10, 0))  # not a supporter course
    AttendanceCount.objects.create(event=ordinary, profession=cast.nurse, count=99)
    SupporterCount.objects.create(course=dementia, fiscal_year=2026, count=30, note="小学校での講座")

    courses, rows = supporters_by_year(Event.objects.all(), SupporterCount.objects.all())
    assert [c.name for c in courses] == ["認知症サポーター", "健脚推進ボランティア"]
    assert [(r["year"], r["cells"]) for r in rows] == [
        (2025, [(21, 21), (0, 0)]),
        (2026, [(30, 51), (7, 7)]),
    ]


def test_the_yearly_history_shows_the_supporters_table(client_for, cast):
    dementia = course()
    event = make_event(cast.center1, when=(2025, 6, 1, 10, 0), supporter_course=dementia)
    AttendanceCount.objects.create(event=event, profession=cast.nurse, count=12)
    SupporterCount.objects.create(course=dementia, center=cast.center1, fiscal_year=2026, count=5)
    SupporterCount.objects.create(course=dementia, center=cast.center2, fiscal_year=2026, count=100)
    SupporterCount.objects.create(course=dementia, center=None, fiscal_year=2026, count=1000)
    # The coordinator reads its own center's numbers; the admin the whole city's.
    html = client_for("coordinator").get("/training/history/").content.decode()
    assert re.findall(r'data-running-total="(\d+)"', html) == ["12", "17"]
    html = client_for("admin").get("/training/history/?center=total").content.decode()
    assert re.findall(r'data-running-total="(\d+)"', html) == ["12", "1117"]
    html = client_for("admin").get("/training/history/?center=C02").content.decode()
    assert re.findall(r'data-running-total="(\d+)"', html) == ["100"]
