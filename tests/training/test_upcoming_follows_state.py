"""What the lists call coming (the public page, the home panels) is what Event.state() calls not
終了: an event that has ended leaves them at its end (its end time, or the end of its day), and one
that is running stays, badged 開催中, with no offer to sign up."""

import re

import pytest
from django.utils import timezone

from tests.training.factories import at, make_event
from training.models import Event, EventState, Item

pytestmark = pytest.mark.django_db


def freeze(monkeypatch, *moment):
    monkeypatch.setattr(timezone, "now", lambda: at(*moment))


def lecture(center, when, ends=None, title="市民公開講座"):
    return make_event(center, when=when, title=title, item=Item.PUBLIC, ends_at=at(*ends) if ends else None)


def upcoming_section(body):
    return body.split('id="h-upcoming"', 1)[1].split("</section>", 1)[0]


def past_section(body):
    return body.split('id="h-past"', 1)[1].split("</section>", 1)[0] if 'id="h-past"' in body else ""


def badge_of(section, title):
    article = section.split(f'data-public-event="{title}"', 1)[1].split("</article>", 1)[0]
    return re.search(r'data-event-state="(\w+)">([^<]+)<', article).groups()


def test_the_public_page_drops_a_lecture_at_its_end_and_badges_a_running_one(client, cast, monkeypatch):
    # 2026-12-10 15:00 in Tokyo.
    freeze(monkeypatch, 2026, 12, 10, 15, 0)
    lecture(cast.center1, (2026, 12, 10, 10, 0), ends=(2026, 12, 10, 12, 0), title="午前の講座")
    lecture(cast.center1, (2026, 12, 10, 13, 30), ends=(2026, 12, 10, 16, 0), title="午後の講座")
    lecture(cast.center1, (2026, 12, 10, 9, 0), title="終了時刻なしの講座")
    lecture(cast.center1, (2026, 12, 17, 13, 30), title="来週の講座")
    Event.objects.filter(title="来週の講座").update(registration_open=False)
    body = client.get("/training/public/").content.decode()
    coming, past = upcoming_section(body), past_section(body)
    # Ended at noon, three hours ago: under これまでの講座, not offered as coming (the old rule kept
    # it for 12 hours after its start).
    assert "午前の講座" not in coming and "午前の講座" in past
    assert badge_of(coming, "午後の講座") == ("in_progress", "開催中")
    # No end time: running until the end of its day.
    assert badge_of(coming, "終了時刻なしの講座") == ("in_progress", "開催中")
    assert "午後の講座" not in past and "来週の講座" not in past
    # Residents do not sign up on the portal: a coming lecture has no badge of sign-ups (a
    # 申込受付終了 would read as "cannot come" for one that needs no sign-up).
    assert "data-event-state" not in coming.split('data-public-event="来週の講座"', 1)[1]


def test_a_lecture_without_an_end_time_ends_at_midnight_not_twelve_hours_after_its_start(
    client, cast, monkeypatch
):
    lecture(cast.center1, (2026, 12, 9, 23, 0), title="夜の講座")
    freeze(monkeypatch, 2026, 12, 10, 10, 0)  # 11 hours after it began, on the next day
    body = client.get("/training/public/").content.decode()
    assert "夜の講座" not in upcoming_section(body) and "夜の講座" in past_section(body)
    # The resident's home panel follows the same rule.
    panel = client.get("/").content.decode().split('id="panel-events"', 1)[1].split("</section>", 1)[0]
    assert "夜の講座" not in panel and "予定はありません。" in panel


def test_the_residents_home_line_says_when_a_lecture_is_running(client, cast, monkeypatch):
    freeze(monkeypatch, 2026, 12, 10, 15, 0)
    running = lecture(cast.center1, (2026, 12, 10, 13, 30), ends=(2026, 12, 10, 16, 0), title="午後の講座")
    coming = lecture(cast.center1, (2026, 12, 17, 13, 30), title="来週の講座")
    home = client.get("/").content.decode()
    line = home.split(f'href="/training/public/#pub-{running.pk}"', 1)[1].split("</li>", 1)[0]
    assert 'data-event-state="in_progress">開催中<' in line
    line = home.split(f'href="/training/public/#pub-{coming.pk}"', 1)[1].split("</li>", 1)[0]
    assert "data-event-state" not in line


def test_not_ended_and_ended_split_events_exactly_as_the_state_does(cast):
    events = [
        lecture(cast.center1, (2026, 12, 10, 10, 0), ends=(2026, 12, 10, 12, 0)),
        lecture(cast.center1, (2026, 12, 10, 13, 30), ends=(2026, 12, 11, 1, 0)),  # past midnight
        lecture(cast.center1, (2026, 12, 10, 9, 0)),
        lecture(cast.center1, (2026, 12, 9, 23, 0)),
        lecture(cast.center1, (2026, 12, 10, 23, 59)),
    ]
    ids = {e.pk for e in events}
    moments = [
        at(2026, 12, 9, 22, 59),
        at(2026, 12, 9, 23, 0),
        at(2026, 12, 10, 0, 0),  # midnight: the previous day's event without an end time has ended
        at(2026, 12, 10, 11, 59, 59),
        at(2026, 12, 10, 12, 0),  # exactly the end time
        at(2026, 12, 10, 23, 59, 59),
        at(2026, 12, 11, 0, 0),
        at(2026, 12, 11, 0, 59),
        at(2026, 12, 11, 1, 0),
    ]
    for now in moments:
        by_state = {
            e.pk for e in Event.objects.with_seats().filter(pk__in=ids) if e.state(now) != EventState.ENDED
        }
        assert set(Event.objects.not_ended(now).values_list("pk", flat=True)) == by_state, now
        assert set(Event.objects.ended(now).values_list("pk", flat=True)) == ids - by_state, now


# --- The staff's home panel ---------------------------------------------------------------------


def _panel_lines(html):
    panel = html.split('id="panel-events"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<li>(.*?)</li>", panel, re.S)


def test_the_staffs_home_panel_badges_each_event_as_its_page_does(client_for, cast, monkeypatch):
    freeze(monkeypatch, 2026, 12, 10, 15, 0)
    running = make_event(
        cast.center1, when=(2026, 12, 10, 13, 30), ends_at=at(2026, 12, 10, 17, 0), title="開催中の研修"
    )
    full = make_event(cast.center1, when=(2026, 12, 20, 18, 0), title="満席の研修", capacity=1)
    full.register(name="A", organisation="○○病院", profession=cast.nurse)
    closed = make_event(cast.center1, when=(2026, 12, 21, 18, 0), title="締切の研修", registration_open=False)
    make_event(cast.center1, when=(2026, 12, 10, 9, 0), ends_at=at(2026, 12, 10, 11, 0), title="午前の研修")
    staff = client_for("coordinator")
    lines = _panel_lines(staff.get("/").content.decode())
    assert len(lines) == 3 and not any("午前の研修" in line for line in lines)
    for event, line in zip((running, full, closed), lines, strict=True):
        assert event.title in line
        page = staff.get(f"/training/{event.pk}/").content.decode()
        badge = re.search(r'<span class="badge[^"]*" data-event-state="\w+">[^<]+</span>', page).group(0)
        assert badge in line, (event.title, line)
    assert 'data-event-state="in_progress">開催中<' in lines[0]
    assert 'data-event-state="full">満席（キャンセル待ち可）<' in lines[1]
    # Another center's coordinator has none of them; an admin sees them with their center named.
    assert _panel_lines(client_for("coordinator2").get("/").content.decode()) == []
    admin_lines = _panel_lines(client_for("admin").get("/").content.decode())
    assert re.search(r'（東センター）</small>\s*<span class="badge', admin_lines[0])
