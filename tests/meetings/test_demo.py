"""The demo's 課題: each raised once, at one center, so that the city's counts (the home panel,
the register, the 事業評価) are the sum of the centers' and not the same 課題 twice."""

import datetime
import io
from collections import Counter

import pytest

from coordination import dates
from coordination import demo as coordination_demo
from meetings import demo
from meetings.models import Issue, Meeting
from resources import demo as resources_demo
from training import demo as training_demo


def core_months(today=None):
    """The months of this 年度 whose 15th has come, and April to June (planned ahead) in any case."""
    today = today or dates.today()
    return [
        (y, m)
        for y, m in dates.fiscal_months(dates.fiscal_year(today))
        if m in (4, 5, 6) or datetime.date(y, m, 15) <= today
    ]


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
    assert cores == {"C01": len(core_months()), "C02": len(core_months())}


def test_seeding_again_adds_nothing(seeded):
    counts = Issue.objects.count(), Meeting.objects.count()
    demo.seed(io.StringIO())
    assert (Issue.objects.count(), Meeting.objects.count()) == counts


def test_the_year_goes_on_after_july_up_to_today(db, monkeypatch):
    # At year-end (2026-12-04) the 地域コア会議 has met every month since April and a few other
    # meetings were held between August and November, none after today.
    today = datetime.date(2026, 12, 4)
    monkeypatch.setattr(dates, "today", lambda: today)
    out = io.StringIO()
    coordination_demo.seed(out)
    resources_demo.seed(out)
    training_demo.seed(out)
    demo.seed(out)
    for code in ("C01", "C02"):
        days = Meeting.objects.filter(center__code=code, series__name="地域コア会議").values_list(
            "held_on", flat=True
        )
        assert sorted((d.year, d.month) for d in days) == [(2026, m) for m in range(4, 12)]
    recent = Meeting.objects.filter(held_on__gt=datetime.date(2026, 7, 10)).exclude(
        series__name="地域コア会議"
    )
    assert recent.count() == len(demo.RECENT)
    assert {d.month for d in recent.values_list("held_on", flat=True)} == {8, 9, 10, 11}
    assert all(d < today and d.weekday() < 5 for d in recent.values_list("held_on", flat=True))
    assert set(recent.values_list("center__code", flat=True)) == {"C01", "C02"}
    # loaded again a month later, the series has its December meeting and nothing else is added
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2027, 1, 6))
    count = Meeting.objects.count()
    demo.seed(out)
    assert Meeting.objects.count() == count + 2
