"""Facilities a national source stopped listing. A full national file of one service (介護サービス
情報公表: one file per service; 厚生局: one list per prefecture and 区分; ナビイ: one per kind)
lists every facility of that service in its area. A facility of the directory's scope that such
a file no longer lists is flagged for an admin, never deleted: it may have closed, or the
source may be late. The admin marks it 廃止 or keeps it (resources.views.missing)."""

from django.db.models import Q
from django.utils import timezone

from resources.models import Facility, FacilityChange


def _candidates(fmt, records):
    """The facilities a full file of this kind should list, or None when the format says
    nothing about which facilities it covers (the portal's sheet)."""
    kinds = {r.kind.pk for r in records if r.kind}
    if fmt.code == "kaigo":
        services = Facility.services.through.objects.filter(facilitykind_id__in=kinds).values("facility_id")
        return Facility.objects.exclude(code="").filter(Q(kind_id__in=kinds) | Q(pk__in=services))
    if fmt.code == "kouseikyoku":
        prefixes = {r.key[:3] for r in records}
        condition = Q()
        for prefix in prefixes:
            condition |= Q(code__startswith=prefix)
        return Facility.objects.filter(condition, code__regex=r"^[0-9]{10}$") if prefixes else None
    if fmt.code == "navii":
        return Facility.objects.exclude(navii_id="").filter(kind_id__in=kinds)
    return None


def flag_missing(fmt, scope, records, seen_ids, batch=None):
    """Flag the in-scope facilities of the file's services that it does not list (and clear
    the flag of those it lists again). Returns how many are newly flagged; without a batch (the
    preview) only counts them."""
    if not records:
        return 0
    candidates = _candidates(fmt, records)
    if candidates is None:
        return 0
    if batch is not None:
        Facility.objects.filter(pk__in=seen_ids, missing_since__isnull=False).update(
            missing_since=None, missing_batch=None
        )
    flagged = []
    rows = candidates.filter(closed_on__isnull=True, missing_since__isnull=True).values_list(
        "pk", "municipality_code", "address"
    )
    for pk, municipality_code, address in rows.iterator(chunk_size=2000):
        if pk in seen_ids:
            continue
        if scope.contains(code=municipality_code, address=address):
            flagged.append(pk)
    if batch is None:
        return len(flagged)
    for start in range(0, len(flagged), 500):
        Facility.objects.filter(pk__in=flagged[start : start + 500]).update(
            missing_since=timezone.localdate(), missing_batch=batch
        )
    return len(flagged)


def mark_closed(facility, user, keep=False):
    """An admin's decision on a flagged facility: 廃止 (hidden from the search, kept in the
    history) or keep it (the flag cleared)."""
    if keep:
        facility.missing_since, facility.missing_batch = None, None
        fields = ["missing_since", "missing_batch", "updated_at"]
        note = ["公表データ確認（存続）"]
    else:
        facility.closed_on = timezone.localdate()
        fields = ["closed_on", "updated_at"]
        note = ["廃止日"]
    facility.updated_by = user
    facility.save(update_fields=[*fields, "updated_by"])
    FacilityChange.objects.create(
        facility=facility, user=user, action=FacilityChange.Action.UPDATE, fields=note
    )
