"""The staff home panel marks today's event 「本日」 with a shortcut to its door list."""

import datetime

import pytest
from django.utils import timezone

from tests.training.factories import make_event

pytestmark = pytest.mark.django_db


def test_todays_event_is_marked_with_a_check_in_shortcut_and_later_ones_are_not(client_for, cast):
    now = timezone.localtime()
    later = now + datetime.timedelta(days=3)
    today = make_event(cast.center1, when=(now.year, now.month, now.day, 23, 59), title="本日の研修")
    soon = make_event(cast.center1, when=(later.year, later.month, later.day, 18, 0), title="三日後の研修")
    page = client_for("coordinator").get("/").content.decode()
    line = page[page.index(f'href="/training/{today.pk}/"') - 200 :]
    line = line[: line.index("</li>")]
    assert "data-today>本日</strong>" in line
    assert f'href="/training/{today.pk}/?pending=1#registrations" data-check-in-shortcut>当日受付へ' in line
    other = page[page.index(f'href="/training/{soon.pk}/"') :]
    assert "本日" not in other[: other.index("</li>")] and page.count("data-check-in-shortcut") == 1


def test_residents_and_professionals_get_no_check_in_shortcut(client_for, cast):
    now = timezone.localtime()
    make_event(cast.center1, when=(now.year, now.month, now.day, 23, 59), item="ki")
    for role in ("anonymous", "professional"):
        assert "data-check-in-shortcut" not in client_for(role).get("/").content.decode()
