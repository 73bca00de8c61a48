"""申込を代理入力 at the door: on the event's day the walk-in is checked in with it (ticked by
default), and the message says exactly whether they were."""

import datetime

import pytest
from django.utils import timezone

from coordination.models import AuditEvent
from tests.training.factories import make_event

pytestmark = pytest.mark.django_db


def event_on(cast, day, **fields):
    return make_event(cast.center1, when=(day.year, day.month, day.day, 0, 0), **fields)


def data(cast, **more):
    return {"name": "木村 拓", "organisation": "□□病院", "profession": cast.nurse.pk, **more}


def test_on_the_events_day_the_form_offers_check_in_ticked(client_for, cast):
    event = event_on(cast, timezone.localdate())
    page = client_for("coordinator").get(f"/training/{event.pk}/register/").content.decode()
    field = page[page.index('name="check_in"') - 100 : page.index('name="check_in"') + 100]
    assert "当日受付も済ませる" in page and "checked" in field


def test_a_walk_in_ticked_is_checked_in_and_told_so_in_its_card(client_for, cast):
    event = event_on(cast, timezone.localdate())
    client = client_for("coordinator")
    response = client.post(f"/training/{event.pk}/register/", data(cast, check_in="on"))
    walk_in = event.registrations.get()
    assert walk_in.checked_in_at is not None and walk_in.status == "confirmed"
    assert response.url == f"{event.get_absolute_url()}?at={walk_in.pk}#reg-{walk_in.pk}"
    page = client.get(response.url).content.decode()
    card = page[page.index(f'id="reg-{walk_in.pk}"') : page.index('data-registration="木村 拓"')]
    assert "木村 拓さんの申込を登録し、当日受付を済ませました。" in card
    notes = AuditEvent.objects.filter(object_id=str(walk_in.pk)).values_list("detail", flat=True)
    assert "当日受付（申込と同時）" in list(notes)


def test_a_walk_in_unticked_is_registered_only_and_the_message_says_check_in_is_still_to_do(client_for, cast):
    event = event_on(cast, timezone.localdate())
    client = client_for("coordinator")
    page = client.post(f"/training/{event.pk}/register/", data(cast), follow=True).content.decode()
    assert event.registrations.get().checked_in_at is None
    assert "木村 拓さんの申込を登録しました（当日受付はまだです）。" in page
    assert "受け付けました" not in page


def test_a_walk_in_let_in_past_the_capacity_says_so(client_for, cast):
    event = event_on(cast, timezone.localdate(), capacity=1)
    event.register(name="先客", organisation="○○", profession=cast.nurse)
    page = (
        client_for("coordinator")
        .post(f"/training/{event.pk}/register/", data(cast, check_in="on"), follow=True)
        .content.decode()
    )
    assert (
        "木村 拓さんの申込を登録し、当日受付を済ませました（定員を超えての参加です。確定 2名／定員 1名）。"
        in page
    )
    assert event.registrations.get(name="木村 拓").status == "confirmed"


def test_before_the_events_day_no_check_in_is_offered_nor_done(client_for, cast):
    event = event_on(cast, timezone.localdate() + datetime.timedelta(days=5))
    client = client_for("coordinator")
    assert "当日受付も済ませる" not in client.get(f"/training/{event.pk}/register/").content.decode()
    page = client.post(
        f"/training/{event.pk}/register/", data(cast, check_in="on"), follow=True
    ).content.decode()
    assert event.registrations.get().checked_in_at is None
    assert (
        "木村 拓さんの申込を登録しました。" in page
        and "当日受付" not in page.split("木村 拓さんの申込を登録しました")[1][:20]
    )


def test_after_the_events_day_check_in_is_offered_but_not_ticked(client_for, cast):
    event = event_on(cast, timezone.localdate() - datetime.timedelta(days=2))
    page = client_for("coordinator").get(f"/training/{event.pk}/register/").content.decode()
    field = page[page.index('name="check_in"') - 100 : page.index('name="check_in"') + 100]
    assert "当日受付も済ませる" in page and "checked" not in field
