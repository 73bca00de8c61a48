"""Possible duplicates: two open facilities of the same normalised name with the same address
or phone. An admin decides each pair on /resources/duplicates/ (resources.duplicate_views):
「重複ではない」 (dismiss: a DuplicateDismissal row, and the pair is not proposed again) or
「同じ施設: こちらを残す」 (keep_one: the other entry is closed as merged into the kept one).
Nothing is moved or deleted: consultations, rota shifts and update links point at facilities by
foreign key from apps this one does not know, and a closed entry keeps all of them valid.

Two entries whose codes are both set and differ, and whose services do not overlap, are one
office's separate services, not a duplicate: the national files give a shop that rents and
sells equipment one 事業所番号 for 福祉用具貸与 and another for 特定福祉用具販売 (every such pair of
jigyosho_170.csv and jigyosho_410.csv, 19 in 北九州市 and 101 in Japan, is one office or a
branch of it). They are listed apart, with nothing to decide.

The database finds the names that occur more than once among open facilities (the name is the
first part of search_text, already normalised); only those groups are compared in Python, so
the cost stays small on a large directory."""

import dataclasses

from django.db import models, transaction
from django.db.models import Count, Func, OuterRef, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from coordination.security import CREATE, DELETE, UPDATE, audit
from coordination.text import digits, normalize
from resources.models import DuplicateDismissal, Facility, FacilityChange

DUPLICATE, OTHER_SERVICE = "duplicate", "other_service"


class NameKey(Func):
    """The normalised name: search_text up to the first '|'."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        # SQLite has no split_part: the text before the first '|' is cut out by its position.
        column, params = compiler.compile(self.source_expressions[0])
        return f"substr({column}, 1, instr({column}, '|') - 1)", [*params, *params]

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"split_part({column}, '|', 1)", params


def _open_keyed():
    # A closed facility (廃止, or merged into another) is never half of a pair.
    return Facility.objects.open().annotate(key=NameKey("search_text"))


def _repeated_names(only_ids):
    keyed = _open_keyed()
    repeated = keyed.values("key").annotate(n=Count("id")).filter(n__gt=1)
    if only_ids is None:
        return list(repeated.values_list("key", flat=True))
    ids = list(only_ids)
    wanted = set()
    for start in range(0, len(ids), 5000):
        wanted |= set(keyed.filter(pk__in=ids[start : start + 5000]).values_list("key", flat=True))
    keys = []
    wanted = list(wanted)
    for start in range(0, len(wanted), 5000):
        keys += list(repeated.filter(key__in=wanted[start : start + 5000]).values_list("key", flat=True))
    return keys


def _with_service_ids(queryset):
    """Annotate `service_ids`: the ids of the facility's other services as one text ("3,7"),
    so that the pairs are told apart by service without a query per facility."""
    through = Facility.services.through
    ids = (
        through.objects.filter(facility=OuterRef("pk"))
        .order_by()
        .values("facility")
        .annotate(ids=StringAgg(Cast("facilitykind_id", models.CharField()), Value(",")))
        .values("ids")
    )
    return queryset.annotate(service_ids=Subquery(ids))


@dataclasses.dataclass
class Pairs:
    duplicates: list  # [(a, b)], a.pk < b.pk: to be decided by an admin
    other_services: list  # [(a, b)]: one office's separate services (module docstring)
    dismissed: int  # how many pairs admins have dismissed in all
    truncated: bool  # the duplicates stopped at the limit


def find_pairs(only_ids=None, limit=500):
    """The open pairs that look like one place, split into possible duplicates and one office's
    separate services; dismissed pairs left out. only_ids: keep the pairs that hold one of these
    facilities (the rows of an import)."""
    dismissed = set(DuplicateDismissal.objects.values_list("first_id", "second_id"))
    keys = _repeated_names(only_ids)
    only = None if only_ids is None else set(only_ids)
    found = {DUPLICATE: [], OTHER_SERVICE: []}
    for start in range(0, len(keys), 2000):
        by_name = {}
        facilities = _with_service_ids(
            _open_keyed().filter(key__in=keys[start : start + 2000]).select_related("kind").order_by("pk")
        )
        for f in facilities:
            by_name.setdefault(f.key, []).append(f)
        for members in by_name.values():
            for a, b in _alike(members):
                if DuplicateDismissal.key(a, b) in dismissed:
                    continue
                # A name can hold several pairs; only those with an import's row count.
                if only is None or a.pk in only or b.pk in only:
                    found[pair_kind(a, b)].append((a, b))
            if len(found[DUPLICATE]) >= limit:
                return Pairs(found[DUPLICATE][:limit], found[OTHER_SERVICE][:limit], len(dismissed), True)
    return Pairs(found[DUPLICATE], found[OTHER_SERVICE][:limit], len(dismissed), False)


def possible_duplicates(only_ids=None, limit=500):
    """[[a, b], …]: the pairs an admin should look at (find_pairs' duplicates)."""
    return [list(pair) for pair in find_pairs(only_ids, limit).duplicates]


def _alike(members):
    """Within one name (members in pk order): each pair sharing an address or a phone."""
    for f in members:
        f.address_key, f.phone_key = normalize(f.address), digits(f.phone)
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if a.code and a.code == b.code and a.kind_id == b.kind_id:
                continue
            if (a.address_key and a.address_key == b.address_key) or (
                a.phone_key and a.phone_key == b.phone_key
            ):
                yield a, b


def _services(facility):
    ids = {facility.kind_id}
    if getattr(facility, "service_ids", None):
        ids |= {int(pk) for pk in facility.service_ids.split(",")}
    return ids


def pair_kind(a, b):
    """OTHER_SERVICE when both codes are set and differ and the two provide no service in
    common (one office, registered once per service); else DUPLICATE."""
    if a.code and b.code and a.code != b.code and _services(a).isdisjoint(_services(b)):
        return OTHER_SERVICE
    return DUPLICATE


def current_pair(a_id, b_id):
    """(a, b) when the two facilities are still a possible duplicate that nobody dismissed (the
    rule of find_pairs, for one pair), else None: a decision posted from a page that has gone
    stale (the other admin decided first, an entry was renamed) is refused, not applied."""
    if a_id == b_id:
        return None
    a_id, b_id = DuplicateDismissal.key(a_id, b_id)
    if DuplicateDismissal.objects.filter(first_id=a_id, second_id=b_id).exists():
        return None
    pair = list(
        _with_service_ids(_open_keyed().filter(pk__in=[a_id, b_id])).select_related("kind").order_by("pk")
    )
    if len(pair) != 2 or pair[0].key != pair[1].key:
        return None
    alike = list(_alike(pair))
    if not alike or pair_kind(*pair) != DUPLICATE:
        return None
    return tuple(pair)


class StalePair(Exception):
    """The pair is no longer proposed: the page's message says so."""

    message = (
        "この組はもう重複の可能性の一覧にありません（ほかの方が先に判断したか、施設の情報が変わりました）。"
    )


def _label(facility):
    return f"「{facility.name}」（{facility.kind.name}{'・' + facility.code if facility.code else ''}・ID {facility.pk}）"


def dismiss(request, a_id, b_id):
    """「重複ではない」: record who judged the pair to be two places, and when."""
    with transaction.atomic():
        pair = current_pair(a_id, b_id)
        if pair is None:
            raise StalePair
        first, second = pair
        dismissal, _created = DuplicateDismissal.objects.get_or_create(
            first=first, second=second, defaults={"dismissed_by": request.user}
        )
        audit(request, CREATE, dismissal, f"重複ではない: {_label(first)} と {_label(second)}")
    return dismissal


def restore(request, dismissal):
    """Undo a 「重複ではない」: the pair is proposed again (when it still looks alike)."""
    with transaction.atomic():
        audit(request, DELETE, dismissal, "重複の可能性に戻す")
        dismissal.delete()


def keep_one(request, kept_id, other_id):
    """「同じ施設: こちらを残す」: the other entry is closed today as merged into the kept one,
    with a line in both entries' change history and one audit event. Both rows are locked, so
    that two admins deciding the same pair at once close one entry only."""
    with transaction.atomic():
        list(Facility.objects.select_for_update().filter(pk__in=[kept_id, other_id]).values_list("pk"))
        pair = current_pair(kept_id, other_id)
        if pair is None:
            raise StalePair
        kept, other = pair if pair[0].pk == kept_id else pair[::-1]
        other.closed_on = timezone.localdate()
        other.merged_into = kept
        other.updated_by = request.user
        other.save(update_fields=["closed_on", "merged_into", "updated_by", "updated_at"])
        FacilityChange.objects.create(
            facility=other,
            user=request.user,
            action=FacilityChange.Action.UPDATE,
            fields=["廃止日", f"重複のため{_label(kept)}に統合"],
        )
        FacilityChange.objects.create(
            facility=kept,
            user=request.user,
            action=FacilityChange.Action.UPDATE,
            fields=[f"重複していた{_label(other)}を廃止してこちらに統合"],
        )
        audit(request, UPDATE, other, f"重複の統合: 廃止し、{_label(kept)}に統合")
    return kept, other
