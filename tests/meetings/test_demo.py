"""The demo's 課題: each raised once, at one center, so that the city's counts (the home panel,
the register, the 事業評価) are the sum of the centers' and not the same 課題 twice."""

import io
from collections import Counter

import pytest

from coordination import demo as coordination_demo
from meetings import demo
from meetings.models import Issue, Meeting
from resources import demo as resources_demo
from training import demo as training_demo


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    coordination_demo.seed(out)
    resources_demo.seed(out)
    training_demo.seed(out)
    demo.seed(out)
    return out


def test_each_demo_issue_is_raised_once_in_the_city(seeded):
    titles = Counter(Issue.objects.values_list("title", flat=True))
    assert titles and max(titles.values()) == 1, [t for t, n in titles.items() if n > 1]
    by_center = Counter(Issue.objects.values_list("center__code", flat=True))
    # the 薬剤師会 line at the first center, the 歯科 line at the second
    assert by_center == {"C01": 7, "C02": 1}
    assert set(Issue.objects.filter(center__code="C02").values_list("label", flat=True)) == {"歯-A"}


def test_the_city_wide_meeting_bodies_are_held_once(seeded):
    # one 推進協議会 for the city; each center keeps its own monthly 地域コア会議
    assert Meeting.objects.filter(kind__name="推進協議会").count() == 1
    cores = Counter(
        Meeting.objects.filter(series__name="地域コア会議").values_list("center__code", flat=True)
    )
    assert cores == {"C01": 3, "C02": 3}


def test_seeding_again_adds_nothing(seeded):
    counts = Issue.objects.count(), Meeting.objects.count()
    demo.seed(io.StringIO())
    assert (Issue.objects.count(), Meeting.objects.count()) == counts
