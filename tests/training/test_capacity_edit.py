"""Editing an event's 定員 below the confirmed sign-ups is refused, naming both numbers."""

import datetime

import pytest

from tests.training.factories import make_event
from training.forms import EventForm

pytestmark = pytest.mark.django_db


def form_data(event, user, **changes):
    form = EventForm(instance=event, user=user)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, datetime.datetime):
            data[name] = value.strftime("%Y-%m-%dT%H:%M")
        elif value is not None and value is not False:
            data[name] = str(value)
    return {**data, **changes}


def event_with(cast, confirmed, capacity=10):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0), capacity=capacity)
    for i in range(confirmed):
        event.register(name=f"P{i}", organisation="○○", profession=cast.nurse)
    return event


def test_a_capacity_below_the_confirmed_count_is_refused_with_both_numbers(client_for, cast):
    event = event_with(cast, confirmed=5)
    response = client_for("coordinator").post(
        f"/training/{event.pk}/edit/", form_data(event, cast.coordinator, capacity="3")
    )
    assert response.status_code == 200
    assert (
        "参加確定の方がすでに5名いるため、定員を3名にはできません。"
        "定員を5名以上にするか、先に参加申込の一覧で申込を取り消してください。"
    ) in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 10


@pytest.mark.parametrize("capacity", ["5", "8", ""])
def test_a_capacity_at_or_above_the_confirmed_count_or_none_is_saved(client_for, cast, capacity):
    event = event_with(cast, confirmed=5)
    response = client_for("coordinator").post(
        f"/training/{event.pk}/edit/", form_data(event, cast.coordinator, capacity=capacity)
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.capacity == (int(capacity) if capacity else None)


def test_the_waiting_list_does_not_count_against_a_lower_capacity(client_for, cast):
    event = event_with(cast, confirmed=2, capacity=2)
    event.register(name="待ち", organisation="○○", profession=cast.nurse)  # waitlisted
    response = client_for("coordinator").post(
        f"/training/{event.pk}/edit/", form_data(event, cast.coordinator, capacity="2")
    )
    assert response.status_code == 302
