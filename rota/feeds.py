"""iCalendar feeds (RFC 5545, the icalendar package) of a rota and of one facility's shifts, for
the clinics' own calendars. Served by a private token link, so the events carry the facility and
the doctor but never a client."""

import datetime

import icalendar
from django.utils import timezone

from rota.models import Shift

PRODID = "-//zaitaku-renkei-portal//rota//JA"
PAST_DAYS = 31  # a calendar keeps last month's shifts, and everything from now on


def _calendar(name):
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Tokyo")
    return cal


def _event(shift, summary, stamp):
    event = icalendar.Event()
    event.add("uid", f"rota-shift-{shift.pk}@zaitaku-portal")
    event.add("dtstamp", stamp)
    event.add("dtstart", timezone.localtime(shift.starts_at))
    event.add("dtend", timezone.localtime(shift.ends_at))
    event.add("summary", summary)
    lines = [f"当番表: {shift.rota}", f"種類: {shift.get_kind_display()}"]
    if shift.facility_id:
        lines.append(f"当番: {shift.facility.name}（{shift.facility.code or '番号なし'}）")
    else:
        lines.append("当番: なし（空き）")
    if shift.doctor:
        lines.append(f"医師: {shift.doctor}")
    backups = [f"{b.order}. {b.facility.name}" for b in shift.backups.all()]
    if backups:
        lines.append("後方当番: " + "、".join(backups))
    event.add("description", "\n".join(lines))
    return event


def _shifts():
    since = timezone.now() - datetime.timedelta(days=PAST_DAYS)
    return Shift.objects.with_people().filter(ends_at__gte=since).order_by("starts_at")


def rota_calendar(rota):
    cal = _calendar(str(rota))
    stamp = timezone.now()
    for shift in _shifts().filter(rota=rota):
        who = shift.facility.name if shift.facility_id else "当番なし（空き）"
        cal.add_component(_event(shift, f"{shift.get_kind_display()}当番: {who}", stamp))
    return _finish(cal)


def facility_calendar(facility):
    """The facility's own shifts in every rota, and the shifts where it is a backup."""
    cal = _calendar(f"{facility.name}の当番")
    stamp = timezone.now()
    for shift in _shifts().filter(facility=facility):
        cal.add_component(_event(shift, f"{shift.get_kind_display()}当番（{shift.rota}）", stamp))
    for shift in _shifts().filter(backups__facility=facility).distinct():
        event = _event(shift, f"後方当番（{shift.rota}）", stamp)
        event["uid"] = f"rota-backup-{shift.pk}-{facility.pk}@zaitaku-portal"
        cal.add_component(event)
    return _finish(cal)


def _finish(cal):
    # The events carry TZID=Asia/Tokyo; some calendar applications need its VTIMEZONE beside them.
    cal.add_missing_timezones()
    return cal.to_ical()
