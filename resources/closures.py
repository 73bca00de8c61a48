"""Facilities a national source stopped listing. A full national file of one service (介護サービス
情報公表: one file per service; 厚生局: one list per prefecture and 区分; ナビイ: one per kind)
lists every facility of that service in its area. A facility of the directory's scope that such
a file no longer lists is flagged for an admin, never deleted: it may have closed, or the
source may be late. The admin marks it 廃止 or keeps it (resources.views.missing)."""

from dataclasses import dataclass, field

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


# A file that would flag more than this share of the area's facilities of its services, and at
# least HOLD_MIN of them, is taken for a partial file (filtered, cut down, a few rows fixed): a
# newer national file loses a few offices, never a fifth of a city at once. Its count is said
# prominently and the flags are only set when the admin says the file is complete.
HOLD_SHARE = 0.2
HOLD_MIN = 5


@dataclass
class Missing:
    """What a file says about the facilities of its services in the directory's scope."""

    ids: list = field(default_factory=list)  # not listed, not flagged yet: to flag
    listed_ids: list = field(default_factory=list)  # listed on a row that was set aside
    in_scope: int = 0  # the area's open facilities of the file's services

    @property
    def count(self):
        return len(self.ids)

    @property
    def implausible(self):
        return self.count >= HOLD_MIN and self.count > self.in_scope * HOLD_SHARE

    @property
    def share(self):
        """The flagged share of the area's facilities, in whole percent."""
        return round(100 * self.count / self.in_scope) if self.in_scope else 0


def missing_from(fmt, scope, records, seen_ids, listed_keys=frozenset()):
    """The in-scope facilities of the file's services that it does not list. `listed_keys`:
    the keys (事業所番号, 医療機関コード, ナビイ ID) of rows set aside: those facilities are in the
    file, only their rows could not be imported."""
    found = Missing()
    if not records:
        return found
    candidates = _candidates(fmt, records)
    if candidates is None:
        return found
    key_field = "navii_id" if fmt.code == "navii" else "code"
    rows = candidates.filter(closed_on__isnull=True).values_list(
        "pk", "municipality_code", "address", "missing_since", key_field
    )
    for pk, municipality_code, address, missing_since, key in rows.iterator(chunk_size=2000):
        if not scope.contains(code=municipality_code, address=address):
            continue
        found.in_scope += 1
        if pk in seen_ids:
            continue
        if key and key in listed_keys:
            found.listed_ids.append(pk)
        elif missing_since is None:
            found.ids.append(pk)
    return found


def flag_missing(missing, seen_ids, batch, flag=True):
    """Clear the flag of the facilities the file lists (on an imported row or on one set aside)
    and, with `flag`, flag those it does not list. Returns how many were flagged."""
    listed = [*seen_ids, *missing.listed_ids]
    for start in range(0, len(listed), 500):
        Facility.objects.filter(pk__in=listed[start : start + 500], missing_since__isnull=False).update(
            missing_since=None, missing_batch=None
        )
    if not flag:
        return 0
    for start in range(0, len(missing.ids), 500):
        Facility.objects.filter(pk__in=missing.ids[start : start + 500]).update(
            missing_since=timezone.localdate(), missing_batch=batch
        )
    return missing.count


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
