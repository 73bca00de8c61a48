"""The demo's past events: the city's 多職種連携研修会 and public lectures held once, by the first
center and co-hosted by the other, so that the city's 研修の実績 and 事業評価 count each once; the
other center holds one training of its own."""

import io
from collections import Counter

import pytest
from django.utils import timezone

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
    own = past.filter(center__code="C02")
    assert own.count() == 1 and not own.first().co_host_centers.exists()


def test_seeding_again_adds_no_event(seeded):
    count = Event.objects.count()
    demo.seed(io.StringIO())
    assert Event.objects.count() == count
