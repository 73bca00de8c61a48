"""What surveys shows on another app's page: the attendees' survey on a training event's page
(slot "event" of coordination.extensions; training itself knows nothing of surveys)."""

from django.urls import reverse

from coordination.twofactor import qr_data_uri
from surveys.models import Survey


def open_link(request, survey):
    """The survey's one open link, as text and as a QR code (drawn here, no other site)."""
    url = request.build_absolute_uri(reverse("surveys:answer_link", args=[survey.link_token]))
    return {"url": url, "qr": qr_data_uri(url)}


def event_survey(request, event):
    """The event's survey with its answer count and its link as a QR code (drawn here, no other
    site) for the printed event sheet, or nothing yet. Two queries."""
    survey = Survey.objects.filter(event=event).first()
    if survey is None:
        return {"survey": None, "event": event}
    return {
        "survey": survey,
        "event": event,
        "answered": survey.respondents.answered().count(),
        "link": open_link(request, survey),
        "off_dates": off_dates(survey, event),
    }


def off_dates(survey, event):
    """Which ends of the survey's answer window miss the event's time, or None: an event moved to
    another day leaves its survey where it was (training knows nothing of surveys), and its link
    then answers 「受付前」 or 410 to the attendees in the room. {"opens": the window opens after
    the event has begun, "closes": it closes before the event ends (its start if no end)}."""
    ends_at = event.ends_at or event.starts_at
    opens, closes = survey.opens_at > event.starts_at, survey.closes_at < ends_at
    return {"opens": opens, "closes": closes} if opens or closes else None
