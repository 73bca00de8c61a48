"""An event that takes no sign-ups and has none (a lecture open to all, a training counted by hand)
reads 「申込不要」, not 「申込受付終了」, on the list, the home panel and its page."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.training.factories import make_event
from training.models import Event, EventState

pytestmark = pytest.mark.django_db


def soon(cast, **fields):
    day = timezone.localdate() + datetime.timedelta(days=10)
    return make_event(cast.center1, when=(day.year, day.month, day.day, 13, 30), **fields)


def badge(page):
    return re.findall(r'data-event-state="(\w+)">([^<]+)<', page)


def test_the_state_is_not_needed_without_sign_ups_and_closed_with_them(cast):
    event = soon(cast, registration_open=False)
    assert Event.objects.with_seats().get(pk=event.pk).state() == EventState.NOT_NEEDED
    assert EventState.NOT_NEEDED.label == "申込不要"
    Event.objects.filter(pk=event.pk).update(registration_open=True)
    event.register(name="A", organisation="○○", profession=cast.nurse)
    Event.objects.filter(pk=event.pk).update(registration_open=False)
    assert Event.objects.with_seats().get(pk=event.pk).state() == EventState.CLOSED


@pytest.mark.parametrize("url", ["/training/", "/", "detail"])
def test_list_home_panel_and_page_say_no_sign_up_needed(client_for, cast, url):
    event = soon(cast, registration_open=False, title="市民公開講座")
    page = (
        client_for("coordinator").get(event.get_absolute_url() if url == "detail" else url).content.decode()
    )
    assert ("not_needed", "申込不要") in badge(page)
    assert "申込受付終了" not in page


def test_the_list_gives_no_seats_left_for_an_event_that_needs_no_sign_up(client_for, cast):
    event = soon(cast, registration_open=False, capacity=200)
    page = client_for("coordinator").get("/training/").content.decode()
    cell = page[page.index(f'data-seats-cell="{event.pk}"') :]
    cell = cell[: cell.index("</td>")]
    assert "定員200名" in cell and "残り" not in cell and "確定" not in cell


def test_an_event_taking_applications_by_phone_says_so_not_no_sign_up_needed(client_for, cast):
    event = soon(cast, registration_open=False, application_method="電話またはFAXで東センターへ")
    assert Event.objects.with_seats().get(pk=event.pk).state() == EventState.ELSEWHERE
    page = client_for("coordinator").get("/training/").content.decode()
    assert ("elsewhere", "電話・FAX等で申込") in badge(page) and "申込不要" not in badge(page)
    # Past its 申込締切, it is closed.
    Event.objects.filter(pk=event.pk).update(
        application_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert Event.objects.with_seats().get(pk=event.pk).state() == EventState.CLOSED
