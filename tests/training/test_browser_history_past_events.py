"""年度別の実績 counts only the events that took place: an event of the same 年度 still to come adds
neither an event nor its people, in Chromium as the coordinator reads the page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coordination.dates import fiscal_year
from tests.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_yearly_history_counts_past_events_only(page, cast):
    from training.models import AttendanceCount, Event, Item

    now = timezone.now()
    held = Event.objects.create(
        center=cast.center1,
        title="済んだ研修",
        item=Item.TRAINING,
        starts_at=now - datetime.timedelta(minutes=5),
    )
    AttendanceCount.objects.create(event=held, profession=cast.nurse, count=12)
    coming = Event.objects.create(
        center=cast.center1,
        title="これからの研修",
        item=Item.TRAINING,
        starts_at=now + datetime.timedelta(days=1),
    )
    AttendanceCount.objects.create(event=coming, profession=cast.care_manager, count=30)

    login(page, "coordinator")
    page.goto(page.base_url + "/training/history/")
    year = fiscal_year(timezone.localtime(held.starts_at).date())
    row = page.locator(f'[data-history-table] tr[data-year="{year}"]')
    expect(row.locator("[data-events]")).to_have_text("1")
    expect(row.locator("[data-people]")).to_have_text("12")
    # Whichever 年度 tomorrow falls in, the coming event is counted nowhere.
    events = page.locator("[data-history-table] [data-events]").all_inner_texts()
    assert sum(int(n) for n in events) == 1
    assert "これからの研修" not in page.locator("main").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "training-history-past-events-only.png"), full_page=True)
    assert page.js_errors == []
