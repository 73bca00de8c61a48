"""Importing the directory from spreadsheets: 介護サービス情報公表 open data, the 厚生局 lists,
医療情報ネット (ナビイ) open data and the portal's own export, recognised from the header row.

One pass, in chunks, so that memory stays bounded by the chunk (plus one key per facility for
the duplicate check): rows are parsed, matched against the directory and, when writing, saved
with bulk statements. All or nothing: the writing pass runs in one transaction and rolls back
when any row has an error, so a file with one bad row changes nothing.

django-import-export is the baseline of bench/imports.py; its per-row Resource.import_data cannot detect these headers, merge the
厚生局 rows, respect hand-edited fields, or reach the speed target (see docs/import.md)."""

import contextlib
import functools
import itertools
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from coordination import bulk
from coordination.spreadsheets import SpreadsheetError, error_lines, read_rows
from coordination.text import normalize
from resources.geo import PREFECTURE
from resources.imports import cleaning
from resources.imports.formats import FORMATS, Lookups, PortalFormat, Record
from resources.models import (
    ContactWindow,
    Facility,
    FacilityCapability,
    FacilityChange,
    FacilityKind,
    FacilitySpecialty,
)

CHUNK = 2000
SAMPLE = 100  # rows of each kind listed in the preview
HEADER_SEARCH_ROWS = 20  # the 厚生局 header is a few title rows down
PSEUDO_LABELS = {
    "kind": "種別",
    "services": "提供サービス",
    "capabilities": "在宅対応機能",
    "specialties": "診療科目",
    "windows": "ケアマネタイム・連絡時間",
}
SEARCH_FIELDS = list(Facility.SEARCH_FIELDS)


@functools.cache
def label(name):
    if name in PSEUDO_LABELS:
        return PSEUDO_LABELS[name]
    return str(Facility._meta.get_field(name).verbose_name)


class _Rollback(Exception):
    pass


@dataclass
class Outcome:
    action: str  # create / update / unchanged
    record: Record
    facility_id: int | None = None
    changed: list = field(default_factory=list)
    kept: list = field(default_factory=list)  # national value differs from a hand edit

    @property
    def changed_labels(self):
        return [label(n) for n in self.changed]

    @property
    def kept_labels(self):
        return [label(n) for n in self.kept]


@dataclass
class Plan:
    filename: str
    format: type | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)  # (row, column, message)
    warnings: list = field(default_factory=list)
    samples: dict = field(default_factory=lambda: {"create": [], "update": [], "unchanged": []})
    ignored_columns: list = field(default_factory=list)
    changed_ids: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def format_label(self):
        return self.format.label if self.format else ""

    def error_lines(self):
        return error_lines(self.errors)

    def warning_lines(self):
        return error_lines(self.warnings)

    def summary(self):
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, errors {len(self.errors)}"
        )


def _batch_friendly_session():
    """PostgreSQL: let the GIN search indexes collect this transaction's new entries in
    their pending list and merge them in one go, instead of one index insertion per row;
    with the memory to sort a whole pending list at once (the merge works in work_mem, 4 MB
    by default, and re-enters common keys such as 北九 once per 4 MB).

    And check the foreign keys at the end of each statement instead of at the commit
    (Django declares them DEFERRABLE INITIALLY DEFERRED): the same checks, but made while the
    reading thread parses the next chunk, not all at the end with nothing else to do (0.6 s
    for 100,000 new facilities). Every row an import refers to exists before the statement
    that refers to it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
            cursor.execute("SET LOCAL work_mem = '128MB'")


def _merge_pending_index_entries():
    """PostgreSQL: merge what is left in the GIN pending lists before the import commits, so
    that searches right after it do not scan up to 64 MB of unsorted entries each (autovacuum
    would merge them, but only some time later). gin_clean_pending_list() is for the index's
    owner: where the portal runs as another role than the one that migrated, it is skipped
    (and autovacuum merges) rather than failing the import."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
                "WHERE i.indrelid = 'resources_facility'::regclass AND am.amname = 'gin' "
                "AND pg_has_role(c.relowner, 'USAGE')"
            )


def _clean_header(cells):
    return [(c or "").replace("\ufeff", "").strip() for c in cells]


def detect(header):
    """The format whose columns the header row matches best, or None."""
    scored = [(fmt.score(header), fmt) for fmt in FORMATS]
    score, fmt = max(scored, key=lambda item: item[0])
    return fmt if score >= 0.5 else None


def run(data, filename, *, write=False, user=None, batch=None, progress=None):
    """Parse, match and (write=True) save. Returns the Plan; on any error nothing is saved."""
    plan = Plan(filename)
    # Matching needs the directory as committed; a caller's transaction may hold changes of
    # its own (tests do), and then the matching stays on the caller's connection.
    match_ahead = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        if write:
            with transaction.atomic():
                _batch_friendly_session()
                _run(plan, data, filename, write, user, batch, progress, match_ahead)
                if plan.errors:
                    raise _Rollback
                _merge_pending_index_entries()
        else:
            _run(plan, data, filename, write, user, batch, progress, match_ahead)
    except _Rollback:
        plan.changed_ids = []
    except SpreadsheetError as exc:
        plan.errors.append((0, "", str(exc)))
    return plan


def _run(plan, data, filename, write, user, batch, progress, match_ahead=False):
    rows = read_rows(data, filename)
    is_csv = not data.startswith(b"PK")
    first, header_row, header, fmt_class = None, None, None, None
    for number, cells in itertools.islice(rows, HEADER_SEARCH_ROWS):
        if not any(cells):
            continue
        cleaned = _clean_header(cells)
        first = first or (number, cleaned)
        fmt_class = detect(cleaned)
        if fmt_class:
            header_row, header = number, cleaned
            break
    if first is None:
        raise SpreadsheetError("ファイルが空です。")
    if fmt_class is None:
        number, cells = first
        raise SpreadsheetError(
            f"{number}行目の見出し（{'、'.join(h for h in cells[:6] if h)}…）から形式を判別できません。"
            "取り込めるのは 介護サービス情報公表システムのオープンデータCSV、地方厚生局の届出受理医療機関名簿、"
            "医療情報ネット（ナビイ）の施設票CSV、このポータルで書き出したファイル です。"
        )
    plan.format = fmt_class
    missing = [c for c in fmt_class.required if c not in header]
    if missing:
        raise SpreadsheetError(
            f"{header_row}行目の見出しに必須の列がありません: {'、'.join(missing)}（{fmt_class.label}として読みました）"
        )
    lookups = Lookups()
    fmt = fmt_class(lookups)
    if isinstance(fmt, PortalFormat):
        plan.ignored_columns = [h for h in header if h and h not in fmt_class.columns]
        owned = fmt.owned_in(header)
    else:
        owned = fmt_class.owned
        if fmt_class.code == "kaigo":
            plan.ignored_columns = [h for h in header if h and h not in fmt_class.columns]
    if plan.ignored_columns:
        plan.warnings.append(
            (header_row, "", f"知らない列は取り込みません: {'、'.join(plan.ignored_columns)}")
        )

    matcher = Matcher(fmt, owned, user, batch)
    blank_column = "" in header
    seen = {}  # key → first row, for the in-file duplicate check
    seen_codes = {}

    def records():
        for number, cells in rows:
            if not any(cells):
                continue
            plan.rows += 1
            if progress and plan.rows % 5000 == 0:
                progress(plan.rows)
            if len(cells) > len(header) or (is_csv and len(cells) < len(header)):
                plan.errors.append(
                    (
                        number,
                        "",
                        f"列の数が見出しと違います（見出しは{len(header)}列、この行は{len(cells)}列）。",
                    )
                )
                continue
            if len(cells) < len(header):  # XLSX rows end at their last filled cell
                cells = cells + [""] * (len(header) - len(cells))
            values = dict(zip(header, cells, strict=True))
            if blank_column:
                values.pop("", None)
            record, errors = fmt.parse(number, values)
            if errors:
                plan.errors.extend((number, column, message) for column, message in errors)
                continue
            if isinstance(fmt, PortalFormat):
                code = record.values.get("code")
                if code:
                    first_row = seen_codes.setdefault((record.kind.pk, code), number)
                    if first_row != number:
                        plan.errors.append(
                            (
                                number,
                                "医療機関番号・事業所番号",
                                f"同じ種別・番号が{first_row}行目にもあります（{code}）。",
                            )
                        )
                        continue
                if not record.key:
                    record.key = f"new:{number}"
            first_row = seen.setdefault(record.key, number)
            if first_row != number and not fmt_class.rows_merge:
                plan.errors.append(
                    (number, fmt_class.key_column, f"「{record.key}」が{first_row}行目と重複しています。")
                )
                continue
            yield record

    stream = records()
    if fmt_class.rows_merge:  # 厚生局: one row per 届出; gather a facility's rows first
        merged = {}
        for record in stream:
            if record.key in merged:
                fmt.merge(merged[record.key], record)
            else:
                merged[record.key] = record
        stream = iter(merged.values())

    def prepared(parsed):  # runs in the reading thread, after any merge of rows
        for record in parsed:
            # The new facility's row, prepared while the caller writes, as long as the file
            # brings mostly new facilities (a re-import would build rows nobody sends).
            if write and matcher.mostly_new:
                record.new_row = matcher.new_row(record)
            yield record

    def matched(chunk):
        outcomes = matcher.match(chunk, plan)
        matcher.mostly_new = sum(o.action == "create" for o in outcomes) * 2 > len(outcomes)
        for outcome in outcomes:
            setattr(plan, _COUNTERS[outcome.action], getattr(plan, _COUNTERS[outcome.action]) + 1)
            if len(plan.samples[outcome.action]) < SAMPLE:
                plan.samples[outcome.action].append(outcome)
        return outcomes

    # With match_ahead the reading thread also matches, on a connection of its own, while
    # this one writes the chunk before: PostgreSQL then waits for neither (matching a chunk
    # costs about as much Python as writing it). A chunk never needs the rows written by the
    # chunks before it: a key appears once in a file (checked above, 厚生局 rows merged).
    # closing(): on an error the reading thread stops now, not when the traceback is freed.
    reading = bulk.read_ahead(prepared(stream), CHUNK, each=matched if match_ahead else None)
    with contextlib.closing(reading) as chunks:
        spent = []
        for chunk in chunks:
            outcomes = chunk if match_ahead else matched(chunk)
            if write and not plan.errors:
                plan.changed_ids += matcher.apply(outcomes, spent)
            # Freeing a written chunk's 50,000 objects takes milliseconds: they are kept
            # until the next chunk's COPY, during which apply() lets them go, instead of
            # being freed here while PostgreSQL waits for that COPY.
            spent = outcomes
    plan.warnings += fmt.warnings
    if plan.rows == 0 and not plan.errors:
        raise SpreadsheetError("見出しだけで、取り込むデータ行がありません。")


_COUNTERS = {"create": "created", "update": "updated", "unchanged": "unchanged"}


def _column(name):
    return {"area": "area_id", "kind": "kind_id"}.get(name, name)


def _comparable(value):
    """Browsers send CRLF from text areas; the sheet gives LF. Empty is empty."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
    return value or None


def _address_key(address):
    """The 厚生局 lists leave out the prefecture that ナビイ writes."""
    return normalize(PREFECTURE.sub("", cleaning.nfkc(address)))


class Matcher:
    """Finds each record's facility and works out what would change."""

    def __init__(self, fmt, owned, user=None, batch=None):
        self.fmt = fmt
        self.owned = owned
        # One moment for the whole import: its rows and its change log all carry it.
        self.now = timezone.now()
        self.user_id = user.pk if user else None
        self.batch_id = batch.pk if batch else None
        self.portal = isinstance(fmt, PortalFormat)
        self.ids = bulk.IdPool(Facility)
        # Set from the last matched chunk (by whichever thread matches), read by the reading
        # thread (a plain attribute: a stale value only costs or saves some work).
        self.mostly_new = True
        self.model_fields = {f.name for f in Facility._meta.concrete_fields}
        self.load_fields = sorted(
            {"id", "kind_id", "code", "navii_id", "manual_fields", *SEARCH_FIELDS}
            | {_column(f) for f in owned}
        )

    # --- finding ----------------------------------------------------------------------

    def existing(self, chunk):
        """{record key: facility values dict}"""
        keys = [r.key for r in chunk]
        qs = Facility.objects.values(*self.load_fields)
        code = self.fmt.code
        if self.portal:
            ids = [int(k) for k in keys if k.isdigit()]
            return {str(f["id"]): f for f in qs.filter(bulk.in_list(Facility, "id", ids))}
        if code == "navii":
            found = {f["navii_id"]: f for f in qs.filter(bulk.in_list(Facility, "navii_id", keys))}
            rest = [r for r in chunk if r.key not in found]
            if rest:  # the same clinic from the 厚生局 list: same name and address, no ナビイ ID yet
                by_name = {}
                for f in qs.filter(
                    name__in={r.values["name"] for r in rest},
                    navii_id="",
                    kind__group=FacilityKind.Group.MEDICAL,
                ):
                    by_name[(normalize(f["name"]), _address_key(f["address"]))] = f
                for r in rest:
                    f = by_name.get((normalize(r.values["name"]), _address_key(r.values["address"])))
                    if f:
                        found[r.key] = f
            return found
        found = {}
        kinds = {r.key: r.kind.pk for r in chunk}
        for f in qs.filter(bulk.in_list(Facility, "code", keys), kind__group=self.fmt.match_group).order_by(
            "pk"
        ):
            current = found.get(f["code"])
            if current is None or (
                current["kind_id"] != kinds[f["code"]] and f["kind_id"] == kinds[f["code"]]
            ):
                found[f["code"]] = f
        return found

    def links(self, ids):
        state = {"services": {}, "capabilities": {}, "specialties": {}, "windows": {}}
        if not ids:
            return state
        code = self.fmt.code
        if code == "kaigo":
            through = Facility.services.through
            for fid, kid in through.objects.filter(bulk.in_list(through, "facility", ids)).values_list(
                "facility_id", "facilitykind_id"
            ):
                state["services"].setdefault(fid, set()).add(kid)
        if code == "kouseikyoku" or self.portal:
            for fid, cid, source, since in FacilityCapability.objects.filter(
                bulk.in_list(FacilityCapability, "facility", ids)
            ).values_list("facility_id", "capability_id", "source", "since"):
                state["capabilities"].setdefault(fid, {})[cid] = (source, since)
        if self.portal:
            for fid, sid in FacilitySpecialty.objects.filter(
                bulk.in_list(FacilitySpecialty, "facility", ids)
            ).values_list("facility_id", "specialty_id"):
                state["specialties"].setdefault(fid, set()).add(sid)
            for row in ContactWindow.objects.filter(bulk.in_list(ContactWindow, "facility", ids)).values_list(
                "facility_id", "kind", "weekday", "start", "end", "method"
            ):
                state["windows"].setdefault(row[0], set()).add(row[1:])
        return state

    # --- comparing --------------------------------------------------------------------

    def match(self, chunk, plan):
        existing = self.existing(chunk)
        if self.portal:
            self.check_portal(chunk, existing, plan)
        links = self.links([f["id"] for f in existing.values()])
        outcomes = []
        for record in chunk:
            current = existing.get(record.key)
            if current is None:
                if self.portal and record.key.isdigit():
                    continue  # reported by check_portal
                # `value not in (None, "")` would compare Decimals with "" (slow)
                given = [n for n, v in record.values.items() if v is not None and (type(v) is not str or v)]
                outcomes.append(Outcome("create", record, changed=given))
                continue
            record.current = current
            changed, kept = self.diff(record, current, links)
            outcomes.append(
                Outcome("update" if changed else "unchanged", record, current["id"], changed, kept)
            )
        return outcomes

    def check_portal(self, chunk, existing, plan):
        for record in chunk:
            if record.key.isdigit() and record.key not in existing:
                plan.errors.append(
                    (record.row, "ID", f"ID {record.key} の施設はありません（新しい施設はIDを空に）。")
                )
        codes = {r.values.get("code") for r in chunk if r.values.get("code")}
        if not codes:
            return
        taken = {
            (kind_id, code): pk
            for pk, kind_id, code in Facility.objects.filter(
                bulk.in_list(Facility, "code", codes)
            ).values_list("pk", "kind_id", "code")
        }
        for record in chunk:
            code = record.values.get("code")
            other = taken.get((record.kind.pk, code)) if code else None
            if other and str(other) != record.key:
                plan.errors.append(
                    (
                        record.row,
                        "医療機関番号・事業所番号",
                        f"番号 {code} は同じ種別の別の施設（ID {other}）で登録済みです。",
                    )
                )

    def diff(self, record, current, links):
        changed, kept = [], []
        manual = set(current["manual_fields"] or [])
        secondary = (
            self.fmt.code == "kaigo" and record.kind.pk != current["kind_id"]
        )  # another service of the same office: only fills gaps
        for name in self.owned:
            if name == "kind":
                if record.kind.pk != current["kind_id"]:
                    changed.append("kind")
                continue
            column = "area_id" if name == "area" else name
            new = record.values.get(name)
            if name == "area":
                new = new.pk if new else None
            cur = current[column]
            if self.portal:
                if _comparable(new) != _comparable(cur):
                    changed.append(name)
                continue
            if new in (None, ""):
                continue  # national data that says nothing never clears a value
            if new == cur:
                continue
            if secondary or name == "area":
                if cur in (None, ""):
                    changed.append(name)
                continue
            (kept if name in manual else changed).append(name)
        fid = current["id"]
        if self.fmt.code == "kaigo" and secondary and record.kind.pk not in links["services"].get(fid, set()):
            changed.append("services")
        if record.capabilities is not None:
            have = links["capabilities"].get(fid, {})
            if self.portal:
                if set(have) != set(record.capabilities):
                    changed.append("capabilities")
            else:
                ours = {cid: since for cid, (source, since) in have.items() if source == self.fmt.code}
                wanted = {
                    cid: since for cid, since in record.capabilities.items() if cid not in have or cid in ours
                }
                if ours != wanted:
                    changed.append("capabilities")
        if record.specialties is not None and record.specialties != links["specialties"].get(fid, set()):
            changed.append("specialties")
        if record.windows is not None and set(record.windows) != links["windows"].get(fid, set()):
            changed.append("windows")
        return changed, kept

    # --- writing ----------------------------------------------------------------------

    def new_row(self, record):
        """The columns of a new facility a record gives, but for the moment and the user (the
        reading thread builds it ahead while a file brings mostly new facilities, so that the
        writing one only sends it). The other columns are left to their defaults."""
        row = {"kind_id": record.kind.pk}
        for name, value in record.values.items():
            if name == "area":
                row["area_id"] = value.pk if value else None
            else:
                row[name] = value
        if not self.portal and self.fmt.code != "navii":
            row["code"] = record.key
        row["manual_fields"] = sorted(set(record.values) & self.model_fields) if self.portal else []
        if not (row.get("latitude") and row.get("longitude")):
            row["latitude"] = row["longitude"] = None  # 0,0 means unknown
        row["search_text"] = Facility.search_text_for(record.values)  # the other search fields are blank
        row.update(created_at=self.now, updated_at=self.now, updated_by_id=self.user_id)
        return row

    def apply(self, outcomes, spent=()):
        """Write a chunk; `spent` (the chunk before, a list) is emptied while PostgreSQL inserts
        this one."""
        creates = [o for o in outcomes if o.action == "create"]
        updates = [o for o in outcomes if o.action == "update"]
        rows = [o.record.new_row or self.new_row(o.record) for o in creates]
        prepared = {}

        def meanwhile(ids):  # PostgreSQL is inserting the new facilities: prepare the rest
            if spent:
                spent.clear()
            for o, pk in zip(creates, ids, strict=True):
                o.facility_id = pk
            prepared["updates"] = self.update_rows(updates)
            prepared["log"] = self.change_log(creates + updates)

        bulk.insert(Facility, rows, ids=self.ids, meanwhile=meanwhile)
        bulk.update(Facility, prepared["updates"])
        touched = creates + updates
        self.apply_links(touched)
        prepared["log"]()
        return [o.facility_id for o in touched]

    def update_rows(self, updates):
        columns = set()
        for o in updates:
            columns.update(_column(n) for n in o.changed if n not in PSEUDO_LABELS or n == "kind")
        columns = sorted(columns | {"search_text", "updated_at", "updated_by_id"})
        if self.portal:
            columns.append("manual_fields")
        rows = []
        for o in updates:
            current = o.record.current
            final = dict(current)
            for name in o.changed:
                if name == "kind":
                    final["kind_id"] = o.record.kind.pk
                elif name == "area":
                    final["area_id"] = o.record.values["area"].pk if o.record.values["area"] else None
                elif name not in PSEUDO_LABELS:
                    final[name] = o.record.values[name]
            if self.portal:
                final["manual_fields"] = sorted(
                    set(current["manual_fields"] or []) | (set(o.changed) & self.model_fields)
                )
            final.update(
                search_text=Facility.search_text_for(final), updated_at=self.now, updated_by_id=self.user_id
            )
            rows.append({"id": o.facility_id, **{c: final[c] for c in columns}})
        return rows

    def change_log(self, touched):
        """The statement writing one FacilityChange per touched facility, ready to run."""
        labels = {}  # most rows change the same few sets of fields
        for o in touched:
            key = tuple(o.changed)
            if key not in labels:
                labels[key] = [label(n) for n in key]
        return bulk.insert_each(
            FacilityChange,
            "facility_id",
            [o.facility_id for o in touched],
            varying=("fields", [labels[tuple(o.changed)] for o in touched]),
            later=True,
            user_id=self.user_id,
            at=self.now,
            action=FacilityChange.Action.IMPORT,
            batch_id=self.batch_id,
        )

    def apply_links(self, touched):
        code = self.fmt.code
        if code == "kaigo":
            through = Facility.services.through
            through.objects.bulk_create(
                [
                    through(facility_id=o.facility_id, facilitykind_id=o.record.kind.pk)
                    for o in touched
                    if "services" in o.changed
                ],
                ignore_conflicts=True,
            )
        with_caps = [
            o
            for o in touched
            if o.record.capabilities is not None and (o.action == "create" or "capabilities" in o.changed)
        ]
        if with_caps:
            ids = [o.facility_id for o in with_caps]
            existing = FacilityCapability.objects.filter(bulk.in_list(FacilityCapability, "facility", ids))
            if self.portal:
                existing.delete()
            else:
                existing.filter(source=code).delete()
            have = set(
                FacilityCapability.objects.filter(
                    bulk.in_list(FacilityCapability, "facility", ids)
                ).values_list("facility_id", "capability_id")
            )
            FacilityCapability.objects.bulk_create(
                [
                    FacilityCapability(
                        facility_id=o.facility_id,
                        capability_id=cid,
                        since=since,
                        source="manual" if self.portal else code,
                    )
                    for o in with_caps
                    for cid, since in o.record.capabilities.items()
                    if (o.facility_id, cid) not in have
                ]
            )
        with_specs = [
            o
            for o in touched
            if o.record.specialties is not None and (o.action == "create" or "specialties" in o.changed)
        ]
        if with_specs:
            ids = [o.facility_id for o in with_specs]
            FacilitySpecialty.objects.filter(bulk.in_list(FacilitySpecialty, "facility", ids)).delete()
            FacilitySpecialty.objects.bulk_create(
                [
                    FacilitySpecialty(facility_id=o.facility_id, specialty_id=sid)
                    for o in with_specs
                    for sid in o.record.specialties
                ]
            )
        with_windows = [
            o
            for o in touched
            if o.record.windows is not None and (o.action == "create" or "windows" in o.changed)
        ]
        if with_windows:
            ids = [o.facility_id for o in with_windows]
            ContactWindow.objects.filter(bulk.in_list(ContactWindow, "facility", ids)).delete()
            ContactWindow.objects.bulk_create(
                [
                    ContactWindow(facility_id=o.facility_id, kind=k, weekday=d, start=s, end=e, method=m)
                    for o in with_windows
                    for k, d, s, e, m in o.record.windows
                ]
            )
