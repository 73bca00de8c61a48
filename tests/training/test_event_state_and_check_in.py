"""An event's state (受付中 / 満席 / 開催中 / 終了) computed once, and the door check-in list."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.training.factories import make_event
from training.models import Event, EventState

pytestmark = pytest.mark.django_db


def register(event, name, prof, org="○○病院"):
    return event.register(name=name, organisation=org, profession=prof)


def event_at(center, starts_at, **fields):
    return Event.objects.create(
        center=center, title=fields.pop("title", "多職種連携研修会"), starts_at=starts_at, **fields
    )


def started_an_hour_ago(center, **fields):
    now = timezone.now()
    return event_at(
        center, now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(hours=2), **fields
    )


def state_badge(page):
    return re.search(r'data-event-state="(\w+)">([^<]+)<', page).groups()


# --- The state ----------------------------------------------------------------------------------


def test_the_state_is_open_full_closed_in_progress_then_ended(cast):
    now = timezone.now()
    event = event_at(cast.center1, now + datetime.timedelta(days=3), capacity=1)

    def state(at=now):
        return Event.objects.with_seats().get(pk=event.pk).state(at)

    assert state() == EventState.OPEN
    register(event, "A", cast.nurse)
    assert state() == EventState.FULL and state().label == "満席（キャンセル待ち可）"
    Event.objects.filter(pk=event.pk).update(registration_open=False)
    assert state() == EventState.CLOSED
    # Begun: 開催中 until the end of its day (no end time entered), then 終了, whatever the seats.
    begun = event.starts_at + datetime.timedelta(minutes=1)
    assert state(begun) == EventState.IN_PROGRESS
    assert state(event.starts_at + datetime.timedelta(days=1)) == EventState.ENDED
    Event.objects.filter(pk=event.pk).update(ends_at=event.starts_at + datetime.timedelta(hours=2))
    assert state(event.starts_at + datetime.timedelta(hours=3)) == EventState.ENDED
    # The events offered for sign-up are exactly those 受付中 or 満席.
    assert not Event.objects.open_for_registration(now).exists()
    Event.objects.filter(pk=event.pk).update(registration_open=True)
    assert Event.objects.open_for_registration(now).exists()
    assert not Event.objects.open_for_registration(begun).exists()


def test_the_event_page_badge_says_full_or_in_progress_not_taking_sign_ups(client_for, cast):
    full = make_event(cast.center1, when=(2099, 1, 10, 18, 0), capacity=1)
    register(full, "A", cast.nurse)
    staff = client_for("coordinator")
    page = staff.get(f"/training/{full.pk}/").content.decode()
    assert state_badge(page) == ("full", "満席（キャンセル待ち可）") and "申込受付中" not in page
    begun = started_an_hour_ago(cast.center1)
    page = staff.get(f"/training/{begun.pk}/").content.decode()
    assert state_badge(page) == ("in_progress", "開催中") and "申込受付中" not in page
    # The staff list says the same as each event's page.
    listing = staff.get("/training/").content.decode()
    assert 'data-event-state="full">満席（キャンセル待ち可）' in listing
    assert 'data-event-state="in_progress">開催中' in listing
    # The page is still only its center's (and an admin's).
    assert client_for("coordinator2").get(f"/training/{full.pk}/").status_code == 404
    assert client_for("official").get(f"/training/{full.pk}/").status_code == 403
    assert client_for("anonymous").get(f"/training/{full.pk}/").status_code == 302


def test_an_event_that_has_started_is_not_offered_to_professionals(client_for, cast):
    begun = started_an_hour_ago(cast.center1, title="始まった研修")
    make_event(cast.center2, when=(2099, 1, 10, 18, 0), title="これからの研修", capacity=1)
    register(Event.objects.get(title="これからの研修"), "A", cast.nurse)
    client = client_for("professional")
    listing = client.get("/training/").content.decode()
    assert "始まった研修" not in listing
    assert "これからの研修" in listing and 'data-event-state="full">満席（キャンセル待ち可）' in listing
    home = client.get("/").content.decode()
    panel = home.split('id="panel-events"', 1)[1].split("</section>", 1)[0]
    assert "始まった研修" not in panel and "これからの研修" in panel and "満席（キャンセル待ち可）" in panel
    # Nor can it be opened or signed up for by a URL kept from before.
    assert client.get(f"/training/{begun.pk}/").status_code == 404
    response = client.post(
        f"/training/{begun.pk}/register/",
        {"name": "professional", "organisation": "△△", "profession": cast.care_manager.pk},
    )
    assert response.status_code == 404 and not begun.registrations.exists()


def test_a_professional_signed_up_for_an_event_that_began_sees_it_in_progress(client_for, cast):
    begun = started_an_hour_ago(cast.center1)
    begun.register(name="professional", organisation="△△", profession=cast.nurse, user=cast.professional)
    page = client_for("professional").get(f"/training/{begun.pk}/").content.decode()
    assert state_badge(page) == ("in_progress", "開催中")
    assert "この研修に申し込む" not in page


# --- Check-in at the door -----------------------------------------------------------------------


def test_before_the_events_day_the_list_has_no_check_in_buttons_and_says_why_once(client_for, cast):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    event = make_event(cast.center1, when=(tomorrow.year, tomorrow.month, tomorrow.day, 9, 0))
    register(event, "A", cast.nurse)
    register(event, "B", cast.nurse)
    page = client_for("coordinator").get(f"/training/{event.pk}/").content.decode()
    note = f"当日受付は開催日（{tomorrow.month}月{tomorrow.day}日）から行えます。"
    assert page.count(note) == 1 and "data-check-in-note" in page
    assert "さんを受付" not in page and "data-check-in" not in page.replace("data-check-in-note", "")
    # Cancelling stays possible; the jump to the check-in list is for the day itself.
    assert page.count("data-cancel-link") == 2 and "data-jump-to-check-in" not in page


def test_on_the_events_day_staff_jump_to_the_list_and_check_in_from_cards(client_for, cast):
    now = timezone.localtime()
    event = make_event(cast.center1, when=(now.year, now.month, now.day, 0, 0), description="長い説明\n" * 30)
    register(event, "介護 真理", cast.nurse, org="居宅介護支援事業所さくら")
    page = client_for("coordinator").get(f"/training/{event.pk}/").content.decode()
    assert "当日受付は開催日" not in page and "介護 真理さんを受付" in page
    # The jump link comes before the event's description; the list is a table that turns into cards.
    jump = page.index("data-jump-to-check-in")
    assert jump < page.index("長い説明") and 'href="#registrations"' in page[jump - 200 : jump + 200]
    table = page.split('<table class="', 1)[1].split('"', 1)[0].split()
    assert "table--cards" in table
    row = page.split('data-registration="介護 真理"', 1)[1].split("</tr>", 1)[0]
    labels = re.findall(r'data-label="([^"]*)"', row)
    assert labels == ["氏名", "所属", "職種", "状態", "当日受付", ""]
    # Another day's event: no jump link.
    other = make_event(cast.center1, when=(2099, 1, 10, 18, 0))
    assert (
        "data-jump-to-check-in"
        not in client_for("coordinator").get(f"/training/{other.pk}/").content.decode()
    )
