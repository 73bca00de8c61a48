"""The demo's past events: the city's 多職種連携研修会 and public lectures held once, by the first
center and co-hosted by the other, so that the city's 研修の実績 and 事業評価 count each once; the
other center holds one training of its own a year. This 年度 has its held events too."""

import io
from collections import Counter

import pytest
from django.utils import timezone

from coordination import dates
from coordination import demo as coordination_demo
from training import demo
from training.models import Event, Item


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    coordination_demo.seed(out)
    demo.seed(out)
    return out


def test_each_past_event_is_held_once_in_the_city(seeded):
    past = Event.objects.filter(starts_at__lt=timezone.now())
    held = Counter((e.title, e.starts_at) for e in past)
    assert held and max(held.values()) == 1, [t for t, n in held.items() if n > 1]
    # the 多職種 trainings and the public lecture of the demo's past (not the 養成講座, the city's own)
    joint = past.filter(
        title__in=[t for _, _, _, t, item, *_ in demo.PAST if item == Item.PUBLIC or "多職種" in t]
    )
    assert joint.count() == 3
    assert joint.exists()
    for event in joint:
        assert event.center.code == "C01" and [c.code for c in event.co_host_centers.all()] == ["C02"]
    own = past.filter(center__code="C02")  # one of the years before, one of this 年度
    assert own.count() == 2 and not own.filter(co_host_centers__isnull=False).exists()


def test_seeding_again_adds_no_event(seeded):
    count = Event.objects.count()
    demo.seed(io.StringIO())
    assert Event.objects.count() == count


def test_this_year_has_held_training_and_a_public_lecture_before_today(seeded):
    # A year-end review (研修の実績, 事業評価 カ・キ) finds the 年度's work, not only what is to come.
    start, _ = dates.fiscal_year_range(dates.fiscal_year(dates.today()))
    first, _ = dates.day_bounds(start, start)
    held = Event.objects.filter(starts_at__gte=first).held()
    trainings = held.filter(item=Item.TRAINING)
    assert trainings.count() >= 2 and held.filter(item=Item.PUBLIC).exists()
    for event in held:
        assert event.attendance_counts.exists(), event.title
    # the 多職種 training and the lecture are the city's, held once and co-hosted
    for event in held.filter(
        title__in=[t for *_, t, item, _f, _h, _c, _e in demo.THIS_YEAR if demo._joint(t, item)]
    ):
        assert event.center.code == "C01" and [c.code for c in event.co_host_centers.all()] == ["C02"]
    assert held.filter(center__code="C02", co_host_centers=None).exists()
