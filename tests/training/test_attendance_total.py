"""The event page's 職種別参加人数 ends with its 合計 (checked-in sign-ups and the counts by hand)."""

import re

import pytest

from tests.training.factories import make_event
from training.models import AttendanceCount

pytestmark = pytest.mark.django_db


def test_the_attendance_by_profession_has_a_total_row(client_for, cast):
    event = make_event(cast.center1, when=(2020, 5, 10, 18, 0))
    for name in ("A", "B"):
        event.register(name=name, organisation="○○", profession=cast.nurse).toggle_check_in()
    AttendanceCount.objects.create(event=event, profession=cast.care_manager, count=7)
    page = client_for("coordinator").get(event.get_absolute_url()).content.decode()
    assert re.search(r'data-attendance-total="9"><th scope="row">合計</th><td class="num">9</td>', page)
