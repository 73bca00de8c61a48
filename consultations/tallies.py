"""The daily tallies behind the 月報/年度累計: per center and day (Asia/Tokyo), how many consultations
there were by 受付方法, 所在, 状態, 相談者区分, 相談内容 and 連絡調整 result. The report sums these rows
(a few hundred a month) instead of scanning every consultation of the period.

Every write path of the consultation log recounts the days it touched, from the records themselves
(`recount`), so a tally is never adjusted by hand: the consultation form (both the old and the new
day when 受付日時 changes), a new 連絡調整 row, the import of past logs and seed_demo. The models are
passed in so that the migration that first fills the table can use the same code."""

import datetime

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

TOTAL = "total"
KINDS = ("method", "location", "status", "type", "topic", "result")


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
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
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
    for model, kind, field in ((ConsultationTopic, "topic", "topic_id"), (Coordination, "result", "result")):
        rows = (
            model.objects.filter(
                consultation__center_id__in=center_ids,
                consultation__received_at__gte=start,
                consultation__received_at__lt=after,
            )
            .order_by()
            .annotate(day=TruncDate("consultation__received_at", tzinfo=tz))
            .values_list("consultation__center_id", "day", field)
            .annotate(n=Count("pk"))
        )
        for center_id, day, key, n in rows:
            add(center_id, day, kind, key, n)
    DailyTally.objects.filter(center_id__in=center_ids, day__gte=first, day__lte=last).delete()
    DailyTally.objects.bulk_create(
        [DailyTally(center_id=c, day=d, kind=k, key=key, n=n) for (c, d, k, key), n in counts.items()],
        batch_size=5000,
    )
    return len(counts)


def app_models():
    from consultations.models import Consultation, ConsultationTopic, Coordination, DailyTally

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
    from django.db.models import Max, Min

    span = queryset.aggregate(first=Min("received_at"), last=Max("received_at"))
    if span["first"] is None:
        return 0
    centers = set(queryset.values_list("center_id", flat=True).distinct())
    return recount(app_models(), centers, day_of(span["first"]), day_of(span["last"]))
