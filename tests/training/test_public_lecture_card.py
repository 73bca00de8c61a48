"""A public lecture's card for residents: 参加費, 申込締切 and 申込方法 when the event has them
(entered on the event form); a 申込締切 past also closes the portal's sign-up."""

import datetime

import pytest
from django.utils import timezone

from tests.training.factories import make_event
from training.models import Event, EventState, Item

pytestmark = pytest.mark.django_db


def coming(cast, days=20, **fields):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return make_event(cast.center1, when=(day.year, day.month, day.day, 13, 30), **fields)


def test_the_public_card_shows_fee_deadline_and_how_to_apply(client, cast):
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    coming(
        cast,
        item=Item.PUBLIC,
        title="人生会議を知る",
        registration_open=False,
        fee="無料",
        application_deadline=deadline,
        application_method="電話またはFAXで東センターへ（電話 093-000-0000）",
    )
    page = client.get("/training/public/").content.decode()
    assert "<dt>参加費</dt><dd data-fee>無料</dd>" in page
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in page and "まで</dd>" in page
    assert "<dd data-application-method>電話またはFAXで東センターへ（電話 093-000-0000）</dd>" in page


def test_a_card_without_them_says_nothing_of_them(client, cast):
    coming(cast, item=Item.PUBLIC, registration_open=False)
    page = client.get("/training/public/").content.decode()
    assert "参加費" not in page and "申込締切" not in page and "申込方法" not in page


def test_the_event_form_saves_them(client_for, cast):
    start = timezone.localtime() + datetime.timedelta(days=30)
    response = client_for("coordinator").post(
        "/training/new/",
        {
            "center": cast.center1.pk,
            "title": "市民公開講座",
            "item": "ki",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "delivery": "in_person",
            "fee": "資料代300円",
            "application_deadline": (start.date() - datetime.timedelta(days=7)).isoformat(),
            "application_method": "はがきで",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(title="市民公開講座")
    assert (event.fee, event.application_method) == ("資料代300円", "はがきで")
    assert event.application_deadline == start.date() - datetime.timedelta(days=7)


def test_a_past_deadline_closes_the_portals_sign_up(client_for, cast):
    event = coming(cast, application_deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert not Event.objects.open_for_registration().filter(pk=event.pk).exists()
    assert Event.objects.with_seats().get(pk=event.pk).state() == EventState.CLOSED
    assert client_for("professional").get(f"/training/{event.pk}/register/").status_code == 404
    Event.objects.filter(pk=event.pk).update(application_deadline=timezone.localdate())
    assert Event.objects.open_for_registration().filter(pk=event.pk).exists()  # the day itself still open
