"""The daily tallies behind the 月報/年度累計: per center and day (Asia/Tokyo), how many consultations
there were by 受付方法, 所在, 状態, 相談者区分, 相談内容 and 連絡調整 result. The report sums these rows
(a few hundred a month) instead of scanning every consultation of the period.

Every write path of the consultation log recounts the days it touched, from the records themselves
(`recount`), so a tally is never adjusted by hand: the consultation form (both the old and the new
day when 受付日時 changes), a new 連絡調整 row, the import of past logs and seed_demo. The models are
passed in so that a data migration can use the same code with its historical models."""

from django.db import transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from consultations.models import Consultation, ConsultationTopic, Coordination, DailyTally
from coordination import dates
from coordination.text import normalize

TOTAL = "total"
CONTACTS = "contacts"  # 連絡調整 rows (延べ)
FACILITIES = "facilities"  # facilities contacted, once per consultation
KINDS = ("method", "location", "status", "type", "topic", "result", CONTACTS, FACILITIES)


def day_of(moment):
    return timezone.localtime(moment).date()


def recount(models, center_ids, first, last):
    """Replaces the tallies of `center_ids` for the days first..last (inclusive) with counts of the
    records. `models` = (Consultation, ConsultationTopic, Coordination, DailyTally)."""
    Consultation, ConsultationTopic, Coordination, DailyTally = models
    center_ids = sorted(set(center_ids))
    if not center_ids:
        return 0
    with transaction.atomic():
        # One recount per center at a time: two coordinators saving on the same day would otherwise
        # each count without the other's consultation, or collide on the unique key. The lock is
        # held until the caller's transaction commits, and the counts below read after it.
        Center = DailyTally._meta.get_field("center").related_model
        list(Center.objects.select_for_update().filter(pk__in=center_ids).order_by("pk").values_list("pk"))
        return _recount(Consultation, ConsultationTopic, Coordination, DailyTally, center_ids, first, last)


def _recount(Consultation, ConsultationTopic, Coordination, DailyTally, center_ids, first, last):
    tz = timezone.get_current_timezone()
    start, after = dates.day_bounds(first, last)
    counts = {}

    def add(center_id, day, kind, key, n):
        k = (center_id, day, kind, "" if key is None else str(key))
        counts[k] = counts.get(k, 0) + n

    consultations = Consultation.objects.filter(
        center_id__in=center_ids, received_at__gte=start, received_at__lt=after
    ).order_by()
    for center_id, day, method, location, status, type_id, n in (
        consultations.annotate(day=TruncDate("received_at", tzinfo=tz))
        .values_list("center_id", "day", "method", "consultant_location", "status", "consultant_type_id")
        .annotate(n=Count("id"))
    ):
        add(center_id, day, TOTAL, "", n)
        add(center_id, day, "method", method, n)
        add(center_id, day, "location", location, n)
        add(center_id, day, "status", status, n)
        add(center_id, day, "type", type_id, n)
    in_days = {
        "consultation__center_id__in": center_ids,
        "consultation__received_at__gte": start,
        "consultation__received_at__lt": after,
    }
    for center_id, day, key, n in (
        ConsultationTopic.objects.filter(**in_days)
        .order_by()
        .annotate(day=TruncDate("consultation__received_at", tzinfo=tz))
        .values_list("consultation__center_id", "day", "topic_id")
        .annotate(n=Count("pk"))
    ):
        add(center_id, day, "topic", key, n)
    # 連絡調整: each row is one contact (by its result); a facility contacted several times for
    # one consultation is one facility contacted. A facility outside the directory is known by
    # its name as typed, folded like the directory's names.
    facilities = set()
    for center_id, day, consultation_id, facility_id, text, result in (
        Coordination.objects.filter(**in_days)
        .order_by()
        .annotate(day=TruncDate("consultation__received_at", tzinfo=tz))
        .values_list(
            "consultation__center_id", "day", "consultation_id", "facility_id", "facility_text", "result"
        )
    ):
        add(center_id, day, "result", result, 1)
        add(center_id, day, CONTACTS, "", 1)
        facility = ("id", facility_id) if facility_id else ("text", normalize(text))
        if (consultation_id, facility) not in facilities:
            facilities.add((consultation_id, facility))
            add(center_id, day, FACILITIES, "", 1)
    DailyTally.objects.filter(center_id__in=center_ids, day__gte=first, day__lte=last).delete()
    DailyTally.objects.bulk_create(
        [DailyTally(center_id=c, day=d, kind=k, key=key, n=n) for (c, d, k, key), n in counts.items()],
        batch_size=5000,
    )
    return len(counts)


def app_models():
    return Consultation, ConsultationTopic, Coordination, DailyTally


def recount_days(pairs):
    """Recounts the (center_id, date) pairs touched by a change (usually one or two)."""
    by_center = {}
    for center_id, day in pairs:
        by_center.setdefault(center_id, set()).add(day)
    for center_id, days in by_center.items():
        recount(app_models(), [center_id], min(days), max(days))


def recount_consultations(queryset):
    """After a bulk write (import, seed): recount the whole span of those consultations' days."""
    span = queryset.aggregate(first=Min("received_at"), last=Max("received_at"))
    if span["first"] is None:
        return 0
    centers = set(queryset.values_list("center_id", flat=True).distinct())
    return recount(app_models(), centers, day_of(span["first"]), day_of(span["last"]))
