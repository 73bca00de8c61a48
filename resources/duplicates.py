"""Possible duplicates: the same normalised name with the same address or phone, under
different codes. Reported for an admin to merge by hand; never merged here.

The database finds the names that occur more than once (the name is the first part of
search_text, already normalised); only those groups are compared in Python, so the cost
stays small on a large directory."""

from django.db.models import Count, Func, TextField

from coordination.text import digits, normalize
from resources.models import Facility


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


def _repeated_names(only_ids):
    keyed = Facility.objects.annotate(key=NameKey("search_text"))
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


def possible_duplicates(only_ids=None, limit=500):
    """[[facility, …], …]: groups of facilities that look like one place (same normalised
    name, and the same address or phone, and not the same code). only_ids: keep the groups
    that contain one of these facilities (the rows of an import)."""
    keys = _repeated_names(only_ids)
    only = None if only_ids is None else set(only_ids)
    groups = []
    for start in range(0, len(keys), 2000):
        by_name = {}
        facilities = (
            Facility.objects.annotate(key=NameKey("search_text"))
            .filter(key__in=keys[start : start + 2000])
            .select_related("kind")
            .order_by("pk")
        )
        for f in facilities:
            by_name.setdefault(f.key, []).append(f)
        for members in by_name.values():
            # A name can split into several groups; only those with an import's row count.
            groups += [g for g in _split(members) if only is None or any(f.pk in only for f in g)]
            if len(groups) >= limit:
                return groups[:limit]
    return groups


def _split(members):
    """Within one name: link facilities sharing an address or a phone, codes differing."""
    groups = []
    used = set()
    for i, a in enumerate(members):
        if a.pk in used:
            continue
        group = [a]
        for b in members[i + 1 :]:
            if b.pk in used or (a.code and a.code == b.code and a.kind_id == b.kind_id):
                continue
            same_address = a.address and normalize(a.address) == normalize(b.address)
            same_phone = a.phone and digits(a.phone) == digits(b.phone)
            if same_address or same_phone:
                group.append(b)
                used.add(b.pk)
        if len(group) > 1:
            used.add(a.pk)
            groups.append(group)
    return groups
