import datetime
from zoneinfo import ZoneInfo

from consultations import tallies
from consultations.models import ConsultantType, Consultation, ConsultationTopic, Coordination, Topic

TOKYO = ZoneInfo("Asia/Tokyo")


def topic(path):
    if "/" in path:
        parent, name = path.split("/", 1)
        return Topic.objects.get(parent__name=parent, parent__parent=None, name=name)
    return Topic.objects.get(parent=None, name=path)


def make_consultation(
    center, when=(2026, 8, 3, 10, 15), consultant="ケアマネジャー", topics=("連絡調整",), **fields
):
    c = Consultation.objects.create(
        center=center,
        received_at=datetime.datetime(*when, tzinfo=TOKYO),
        consultant_type=ConsultantType.objects.get(name=consultant),
        **fields,
    )
    for path in topics:
        ConsultationTopic.objects.create(consultation=c, topic=topic(path))
    # As the portal's own write paths do: recount the day's 月報 tallies.
    tallies.recount_days({(c.center_id, tallies.day_of(c.received_at))})
    return c


def coordinate(consultation, facility, result="accepted", **fields):
    """A 連絡調整 row; `facility=None` with `facility_text=` for one not in the directory."""
    row = Coordination.objects.create(consultation=consultation, facility=facility, result=result, **fields)
    tallies.recount_days({(consultation.center_id, tallies.day_of(consultation.received_at))})
    return row
