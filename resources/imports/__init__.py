"""Importing the directory from spreadsheets: 介護サービス情報公表 open data, the 厚生局 lists,
医療情報ネット (ナビイ) open data, the portal's own export and a city's own sheet.

`run()` reads the file (reading.py), keeps the rows of the directory's scope (places.Scope:
a national file covers all of Japan, a city keeps its own rows), parses each row (formats.py),
sets aside the rows it cannot use with their reasons, then matches the rest against the
directory (matching.py) and, when writing, saves them in one transaction (writing.py).

Tolerant by design: real files always carry a few bad rows. A row whose key or a required cell is
unusable is set aside (listed with its row, column and reason, and downloadable to fix and import
again); a bad optional cell is repaired where that is unambiguous or left out, with a warning.
Only a file that cannot be read at all imports nothing.

The in-scope records are kept in memory between reading and matching: a few thousand for a
city, 50,000 for a prefecture, never the whole national file. That lets the checks that need
the whole file (a key twice, a code moved between two facilities) see the whole file.

django-import-export is the baseline of bench/imports.py; its per-row Resource.import_data cannot
detect these headers, keep a city's rows, merge the 厚生局 rows or respect hand-edited fields
(docs/import.md)."""

import collections
from dataclasses import dataclass, field

from django.db import transaction

from coordination.spreadsheets import UNDECODABLE_MESSAGE, SpreadsheetError, UndecodableRow, error_lines
from coordination.text import normalize
from resources.closures import flag_missing, missing_from
from resources.geo import AddressPins
from resources.imports import municipalities
from resources.imports.formats import Lookups, PortalFormat
from resources.imports.matching import Matcher, address_key
from resources.imports.reading import (
    PARTIAL_REFUSED,
    REASON_COLUMN,
    ROW_COLUMN,
    NotATable,
    column_samples,
    not_a_table,
    open_sheet,
    unknown_header_message,
    unmappable,
)
from resources.imports.writing import Writer
from resources.models import ColumnMapping, Facility
from resources.places import BUREAU, PREFECTURE_NAME, Scope, prefecture_of

CHUNK = 500  # records matched and written together
SAMPLE = 100  # rows of each kind listed in the preview
PROGRESS_EVERY = 2000  # rows read between two progress reports


@dataclass
class Plan:
    filename: str
    format: type | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    out_of_scope: int = 0
    out_of_scope_places: collections.Counter = field(default_factory=collections.Counter)
    scope: str = ""  # the scope in words
    error: str = ""  # the file could not be read: nothing imported
    header: list = field(default_factory=list)
    rejected: list = field(default_factory=list)  # (row, column, message)
    rejected_cells: dict = field(default_factory=dict)  # row → the cells as read
    warnings: list = field(default_factory=list)  # (row, column, message)
    samples: dict = field(default_factory=lambda: {"create": [], "update": [], "unchanged": []})
    kept: list = field(default_factory=list)  # outcomes whose national values lost to hand edits
    kept_count: int = 0
    ignored_columns: list = field(default_factory=list)
    changed_ids: list = field(default_factory=list)
    missing: int = 0  # facilities flagged as gone from this full file (the preview: to be flagged)
    missing_found: int = 0  # facilities of its services in scope that the file does not list
    missing_in_scope: int = 0  # the area's facilities of the file's services
    missing_held: bool = False  # so many not listed that the file looks partial: none flagged
    partial: str = ""  # the file lists only part of its source (reading.PARTIAL_REFUSED): no flags
    listed_keys: set = field(default_factory=set)  # keys of rows set aside: still in the file
    # (row, key, name, address, set aside?) of the rows that are no facility of the directory by
    # their key: new ones and those set aside. One with the name and address of a facility the
    # file seems to leave out is most likely that facility under a mistyped key.
    unmatched_rows: list = field(default_factory=list)
    same_as_missing: list = field(default_factory=list)  # what was found, in words (not flagged)
    merged: int = 0  # rows of a facility already read (another 届出 of it, the same office twice)
    nothing_in_scope: str = ""  # every data row is outside the directory's scope: what to do
    needs_mapping: bool = False  # a header the importer does not know: ask for a column mapping
    mapped: bool = False  # a city's own sheet read through its column mapping
    header_row: int = 0
    column_samples: list = field(default_factory=list)  # an example value per column (mapping)

    @property
    def ok(self):
        return not self.error and not self.needs_mapping

    @property
    def format_label(self):
        if self.mapped:
            return "市などで作った一覧（列の対応づけで読み込み）"
        if self.format is PortalFormat and "ID" not in self.header:
            return "市などで作った一覧（このポータルの列名で読み込み）"  # no export: it has no ID
        label = self.format.label if self.format else ""
        if label and self.partial == PARTIAL_REFUSED:
            label += "（取り込めなかった行を直したファイル）"
        return label

    @property
    def merged_label(self):
        """What the merged rows are, in the format's words."""
        if self.format and self.format.rows_merge:
            return "同じ医療機関の別の届出としてまとめた行"
        return "同じ事業所が重ねて載っていた行"

    @property
    def held_notice(self):
        """The missing facilities not flagged because the file looks partial, in words."""
        if not self.missing_held:
            return ""
        share = round(100 * self.missing_found / self.missing_in_scope) if self.missing_in_scope else 0
        return (
            f"このファイルに載っていない施設が{self.missing_found:,}件あります（名簿にある同じサービス・対象地域の"
            f"{self.missing_in_scope:,}件の{share}%）。一部だけのファイルとみなし、「公表データから消えた施設」には"
            "載せていません。"
        )

    @property
    def imported(self):
        return self.created + self.updated + self.unchanged

    @property
    def rejected_rows(self):
        return len(self.rejected_cells)

    def reject(self, row, errors, cells):
        self.rejected.extend((row, column, message) for column, message in errors)
        self.rejected_cells[row] = cells

    def rejected_lines(self):
        return error_lines(self.rejected)

    def warning_lines(self, notices=True):
        """The warnings; with `notices`, first what is said of the whole file elsewhere on the
        batch page (the command prints only these lines)."""
        lines = error_lines(self.warnings)
        said = (
            [n for n in (self.nothing_in_scope, self.held_notice, *self.same_as_missing) if n]
            if notices
            else []
        )
        return said + lines

    def error_lines(self):
        return [self.error] if self.error else self.rejected_lines()

    def summary(self):
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {self.rejected_rows}, out_of_scope {self.out_of_scope}"
        )

    def rejected_table(self):
        """The rejected rows as the file had them, with a reason column: to fix and import again."""
        reasons = collections.defaultdict(list)
        for row, column, message in self.rejected:
            reasons[row].append(f"{column}: {message}" if column else message)
        width = len(self.header)
        rows = []
        for row, cells in sorted(self.rejected_cells.items()):
            cells = list(cells)[:width] + [""] * (width - len(cells))
            rows.append([row, *cells, " / ".join(reasons[row])])
        return [ROW_COLUMN, *self.header, REASON_COLUMN], rows


def _sheet(data, filename, mapping=None):
    """The file's Sheet, read with `mapping` or the one remembered for its header; SpreadsheetError
    with the reason when it is no table of facilities (nothing to map either)."""
    refusal = not_a_table(data)
    if refusal:
        raise NotATable(refusal)
    sheet = open_sheet(data, filename, mapping)
    if sheet.format is None and mapping is None:
        remembered = ColumnMapping.for_header(sheet.header)  # last year's sheet, mapped then
        if remembered:
            sheet = open_sheet(data, filename, remembered)
    if sheet.format is None:
        refusal = unmappable(sheet)
        if refusal:
            raise NotATable(refusal)
    return sheet


def upload_refusal(data, filename):
    """Why an uploaded file is refused at once, before any batch (no CSV or workbook, no column
    to map), or "": what else cannot be read (the encoding, a formula further down) the preview
    says, as it does for the command."""
    try:
        _sheet(data, filename)
    except NotATable as exc:
        return str(exc)
    except SpreadsheetError:
        pass
    return ""


def run(
    data,
    filename,
    *,
    write=False,
    user=None,
    batch=None,
    progress=None,
    area_codes=(),
    mapping=None,
    flag_many_missing=False,
):
    """Read, keep the directory's rows, parse, match and (write=True) save them. Returns the Plan.
    `progress(phase, done, total)` is told how far it got. `flag_many_missing`: the admin says
    the file is complete, so that a count of missing facilities that looks like a partial file's
    is flagged all the same."""
    plan = Plan(filename)
    report = progress or (lambda phase, done=0, total=0: None)
    try:
        sheet = _sheet(data, filename, mapping)
    except SpreadsheetError as exc:
        plan.error = str(exc)
        return plan
    plan.header, plan.header_row, plan.partial = sheet.header, sheet.header_row, sheet.partial
    if sheet.format is None:
        plan.needs_mapping = True
        plan.error = unknown_header_message(sheet)
        plan.column_samples = column_samples(sheet)
        return plan
    plan.format = sheet.format
    plan.mapped = sheet.mapping is not None
    missing_columns = [c for c in sheet.format.required if c not in sheet.columns]
    if missing_columns:
        plan.error = (
            f"{sheet.header_row}行目の見出しに必須の列がありません: {'、'.join(missing_columns)}"
            f"（{sheet.format.label}として読みました）"
        )
        return plan
    fmt = sheet.format(Lookups(), filename)
    scope = Scope()  # the city's own sheet: nothing is out of scope
    if fmt.national:
        scope = Scope.for_directory(area_codes)
        municipalities.name_in_scope(scope, area_codes)
    plan.scope = scope.describe()
    owned = _owned(plan, sheet, fmt)

    try:
        records = _collect(plan, sheet, fmt, scope, report, padded=data.startswith(b"PK"))
    except SpreadsheetError as exc:  # found further down the file (a formula, broken CSV quoting)
        plan.error = str(exc)
        return plan
    if isinstance(fmt, PortalFormat):
        records = _check_portal(plan, records)
    elif plan.partial == PARTIAL_REFUSED and not fmt.rows_merge:
        records = _check_refused(plan, fmt, records)
    plan.warnings = fmt.warnings + plan.warnings
    if plan.rows == 0:
        plan.error = "見出しだけで、取り込むデータ行がありません。"
        return plan
    if fmt.national and scope and plan.out_of_scope == plan.rows:
        # Not an error of the file (the command still prints its counts and exits 0: a town may
        # have no office of a service), but nothing to confirm: the batch page says why.
        plan.nothing_in_scope = _nothing_in_scope(plan, fmt, scope)
        return plan
    # An added town with no row in the file is said, not refused: a small town may well have no
    # office of this service type, and the rest of the file is still wanted.
    unmatched = _unmatched(fmt, records, plan, area_codes) if fmt.national else []
    if unmatched:
        plan.warnings.insert(
            0,
            (
                0,
                "",
                f"「{municipalities.FIELD}」の"
                + "、".join(f"「{code}」（{municipalities.label(code)}）" for code in unmatched)
                + "に当たる行はこのファイルにありませんでした。地域コードが正しいかお確かめください。",
            ),
        )

    matcher = Matcher(fmt, owned)
    if not write:
        seen = _match(plan, matcher, records, report)
        _missing(plan, fmt, scope, records, seen, flag_many_missing)  # counted: what the confirm would flag
        return plan

    writer = Writer(fmt, user, batch, pins=AddressPins())
    report("書き込み中", 0, len(records))
    with transaction.atomic():
        seen = _match(plan, matcher, records, report, writer)
        if batch is not None:
            missing = _missing(plan, fmt, scope, records, seen, flag_many_missing)
            plan.missing = flag_missing(missing, seen, batch, flag=bool(plan.missing))
    return plan


def _missing(plan, fmt, scope, records, seen, flag_many_missing):
    """The facilities of the file's services in scope that it does not list, counted on the plan;
    `plan.missing` those to flag: none for a partial file (the portal's file of rows it gave back)
    nor, unless the admin said the file is complete, for a count only a partial file would have."""
    missing = missing_from(fmt, scope, records, seen, plan.listed_keys)
    _same_as_missing(plan, missing)
    plan.missing_found, plan.missing_in_scope = missing.count, missing.in_scope
    if plan.partial:
        plan.missing = 0
    else:
        plan.missing_held = missing.implausible and not flag_many_missing
        plan.missing = 0 if plan.missing_held else missing.count
    return missing


def _same_as_missing(plan, missing):
    """Take off `missing` the facilities a row of the file probably is under another key (a
    mistyped 事業所番号 or 医療機関コード: the row is new or set aside, the facility looks gone), and
    say each on the plan: flagging it would ask an admin to close a facility the file lists."""
    if not missing.ids or not plan.unmatched_rows:
        return
    rows = {}
    for row, key, name, address, set_aside in plan.unmatched_rows:
        if name and address:
            rows.setdefault((normalize(name), address_key(address)), (row, key, set_aside))
    found = []
    for start in range(0, len(missing.ids), CHUNK):
        facilities = Facility.objects.filter(pk__in=missing.ids[start : start + CHUNK])
        for pk, name, address, code, navii_id in facilities.values_list(
            "pk", "name", "address", "code", "navii_id"
        ):
            match = rows.get((normalize(name), address_key(address)))
            if match:
                found.append((match, pk, name, code or navii_id))
    if not found:
        return
    same = {pk for _, pk, _, _ in found}
    missing.ids = [pk for pk in missing.ids if pk not in same]
    for (row, key, set_aside), pk, name, code in sorted(found):
        then = (
            "この行は取り込めなかった行です。番号を直して取り込み直してください。"
            if set_aside
            else "このまま取り込むと別の施設として新しく登録されます。番号をお確かめください。"
        )
        plan.same_as_missing.append(
            f"{row}行目（番号「{key}」）は、このファイルに見当たらない「{name}」（番号 {code}・ID {pk}）と"
            f"名称・住所が同じです。番号が違うだけで同じ施設とみられるため、「公表データから消えた施設」にはしません。{then}"
        )


def _nothing_in_scope(plan, fmt, scope):
    """Every row is another area's: which areas, where the directory's own rows are published,
    and how to import this area's rows if they are wanted."""
    places = "、".join(f"{place} {n:,}行" for place, n in plan.out_of_scope_places.most_common(3))
    if len(plan.out_of_scope_places) > 3:
        places += " など"
    ours = [PREFECTURE_NAME.get(p, p) for p in sorted(scope.prefectures)]
    ours += [municipalities.label(code) for code in scope.uncovered()]
    lines = [
        f"このファイルの{plan.rows:,}行はすべて対象地域（{'、'.join(ours)}）の外の行で、取り込む行がありません"
        f"（{places}）。"
    ]
    if fmt.code == "kouseikyoku":
        where = "、".join(
            f"{BUREAU.get(p, '地方厚生局')}の「{PREFECTURE_NAME.get(p, p)}」"
            for p in scope.prefecture_codes()
        )
        lines.append(
            "地方厚生局の届出受理医療機関名簿は都道府県ごとのファイルです。"
            f"対象地域の医療機関は{where}のファイルにあります。そのファイルをダウンロードして取り込んでください。"
        )
    else:
        lines.append(
            f"{fmt.label}は全国のファイルです。対象地域にこの種類の施設がないか、ほかの地域だけを切り出したファイルです。"
            "全国のファイルをダウンロードし直してください。"
        )
    top = plan.out_of_scope_places.most_common(1)
    prefecture = prefecture_of(top[0][0]) if top else None
    if prefecture:
        lines.append(
            f"このファイルの地域（{PREFECTURE_NAME[prefecture]}など）の施設も名簿に載せるなら、"
            f"「{municipalities.FIELD}」に都道府県コード（{PREFECTURE_NAME[prefecture]}なら「{prefecture}」）"
            "か市町村コードを入れて、アップロードし直してください。"
        )
    return "".join(lines)


def _unmatched(fmt, records, plan, area_codes):
    """The added municipality codes no row of the file is in (a mistyped code would otherwise
    leave out the town the admin meant, silently): in-scope rows, imported or set aside.
    A prefecture is left alone: a list of them (all of Japan) need not all be in one file."""
    codes = [code for code in area_codes if len(code) >= 5]
    if not codes:
        return []
    places = [fmt.place_of(r.cells) for r in records] + [
        fmt.place_of(c) for c in plan.rejected_cells.values()
    ]
    unmatched = []
    for code in codes:
        alone = Scope()
        alone.add(code)
        municipalities.name_in_scope(alone, [code])
        if not any(alone.contains(*place) for place in places):
            unmatched.append(code)
    return unmatched


def _owned(plan, sheet, fmt):
    if isinstance(fmt, PortalFormat):
        plan.ignored_columns = [h for h in sheet.columns if h and h not in fmt.columns]
        owned = fmt.owned_in(sheet.columns)
    else:
        owned = fmt.owned
        if fmt.code == "kaigo":
            plan.ignored_columns = [h for h in sheet.columns if h and h not in fmt.columns]
    if plan.ignored_columns:
        plan.warnings.append(
            (sheet.header_row, "", f"知らない列は取り込みません: {'、'.join(plan.ignored_columns)}")
        )
    return owned


def _collect(plan, sheet, fmt, scope, report, padded):
    """The parsed records of the rows in scope; rows out of scope are counted, unusable rows set
    aside. A key twice in one file (real: the same office twice in 170) is one office when the
    names agree; else the second row is set aside."""
    header, width = sheet.columns, len(sheet.columns)
    # padded: XLSX rows end at their last filled cell; a CSV row of another width is broken.
    blank_column = "" in header
    first_of = {}  # key → (row, normalised name)
    codes_of = {}  # portal: (kind, code) → row
    merged = {}  # 厚生局: key → record (one row per 届出)
    records = []
    fmt.bind(header)
    report("読み込み中", 0, sheet.total)
    code_index = fmt.code_index if fmt.national and scope else None
    answers = scope.answers
    skipped = {}  # municipality code → rows out of scope, with the first such row for its name
    for number, cells in sheet.rows:
        if number % PROGRESS_EVERY == 0:
            report("読み込み中", number, max(sheet.total, number))
        # Most rows of a national file are another city's: its municipality code alone says so,
        # before anything else is done with the row (this loop is most of such an import).
        if code_index is not None and code_index < len(cells):
            code = cells[code_index]
            inside = answers.get(code)
            if inside is None:
                inside = scope.decides(code)
            if inside is False:
                entry = skipped.get(code)
                if entry is None:
                    skipped[code] = [1, cells]
                else:
                    entry[0] += 1
                continue
        else:
            inside = None
        undecodable = isinstance(cells, UndecodableRow)
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        plan.rows += 1
        if undecodable:  # its cells cannot be trusted: set aside whole, the rest of the file imports
            plan.reject(number, [("", UNDECODABLE_MESSAGE)], cells)
            _still_listed(plan, fmt, header, cells, number)
            continue
        if len(cells) > width and not any(cells[width:]):
            # One comma too many at the end (a sheet saved with an empty column after the last):
            # the cells past the header hold nothing, so the row is whole.
            cells = cells[:width]
        if len(cells) > width or (len(cells) < width and not padded):
            plan.reject(
                number,
                [("", f"列の数が見出しと違います（見出しは{width}列、この行は{len(cells)}列）。")],
                cells,
            )
            _still_listed(plan, fmt, header, cells, number)
            continue
        if fmt.national and inside is None and scope:
            place = fmt.place_of(cells)
            if not scope.contains(*place):
                plan.out_of_scope += 1
                plan.out_of_scope_places[fmt.place_label(place)] += 1
                continue
        values = dict(zip(header, cells + [""] * (width - len(cells)), strict=True))
        if blank_column:
            values.pop("", None)
        record, errors = fmt.parse(number, values)
        if errors:
            plan.reject(number, errors, cells)
            _still_listed(plan, fmt, header, cells, number)
            continue
        record.cells = cells
        if fmt.national:
            record.municipality_code = fmt.municipality_code(cells)
        if isinstance(fmt, PortalFormat):
            code = record.values.get("code")
            if code:
                first = codes_of.setdefault((record.kind.pk, code), number)
                if first != number:
                    plan.reject(
                        number,
                        [
                            (
                                "医療機関番号・事業所番号",
                                f"同じ種別・番号が{first}行目にもあります（{code}）。",
                            )
                        ],
                        cells,
                    )
                    continue
            record.key = record.key or f"new:{number}"
        if fmt.rows_merge:
            if record.key in merged:
                fmt.merge(merged[record.key], record)
                plan.merged += 1
            else:
                merged[record.key] = record
                records.append(record)
            continue
        name = normalize(record.values.get("name", ""))
        first = first_of.setdefault(record.key, (number, name))
        if first[0] != number:
            if first[1] == name:
                fmt.warn(
                    number,
                    fmt.key_column,
                    f"{first[0]}行目と同じ事業所です（番号・名称が同じ）。{first[0]}行目の内容で取り込みます。",
                )
                plan.merged += 1
            else:
                plan.reject(
                    number,
                    [(fmt.key_column, f"「{record.key}」は{first[0]}行目と同じ番号ですが、名称が違います。")],
                    cells,
                )
            continue
        records.append(record)
    for code, (count, cells) in skipped.items():
        plan.rows += count
        plan.out_of_scope += count
        plan.out_of_scope_places[fmt.label_of(cells, code)] += count
    report("読み込み中", plan.rows, plan.rows)
    return records


def _still_listed(plan, fmt, header, cells, number):
    """A row set aside whose key can still be read: the file lists that facility, so it is not
    gone from the source (missing detection leaves it alone)."""
    width = len(header)
    values = dict(zip(header, cells[:width] + [""] * (width - len(cells)), strict=True))
    key = fmt.key_of(values)
    if key:
        plan.listed_keys.add(key)
    name, address = fmt.name_and_address(values)
    plan.unmatched_rows.append((number, key or values.get(fmt.key_column, ""), name, address, True))


def _check_refused(plan, fmt, records):
    """The portal's file of rows it set aside, fixed: a row whose number the directory holds
    under another name is set aside again. In the first file that number's other row was
    beside it (「…行目と同じ番号ですが、名称が違います」); it is the directory's facility now, and
    the fixed file alone would otherwise rename it without the check. (The 厚生局 lists merge
    several rows per facility and make no such check in a first file either.)"""
    key_field = "navii_id" if fmt.code == "navii" else "code"
    keys = sorted({r.key for r in records if r.key})
    names = {}
    for start in range(0, len(keys), CHUNK):
        chunk = Facility.objects.filter(**{f"{key_field}__in": keys[start : start + CHUNK]})
        if key_field == "code":
            chunk = chunk.filter(kind__group=fmt.match_group)
        for pk, key, name, manual in chunk.open().values_list("pk", key_field, "name", "manual_fields"):
            if "name" not in (manual or []):  # a name typed by hand is kept by the import anyway
                names.setdefault(key, (pk, name))
    kept = []
    for r in records:
        holder = names.get(r.key)
        if holder and normalize(holder[1]) != normalize(r.values.get("name", "")):
            plan.reject(
                r.row,
                [
                    (
                        fmt.key_column,
                        f"「{r.key}」は登録済みの「{holder[1]}」（ID {holder[0]}）と同じ番号ですが、名称が違います。"
                        "同じ施設なら名称をそろえ、別の施設なら番号を確かめてください。",
                    )
                ],
                r.cells,
            )
            continue
        kept.append(r)
    return kept


def _check_portal(plan, records):
    """Checks of a portal sheet made against the whole file: the IDs exist, and no code is
    taken from a facility that keeps it (a code moved from one facility to another in the same
    sheet is fine)."""
    ids = [int(r.key) for r in records if r.key.isdigit()]
    known = set()
    for start in range(0, len(ids), CHUNK):
        known |= set(Facility.objects.filter(pk__in=ids[start : start + CHUNK]).values_list("pk", flat=True))
    in_file = {
        int(r.key): (r.kind.pk, r.values["code"]) for r in records if r.key.isdigit() and "code" in r.values
    }
    wanted = {(r.kind.pk, r.values["code"]): r for r in records if r.values.get("code")}
    holders = {}
    codes = sorted({code for _, code in wanted})
    for start in range(0, len(codes), CHUNK):
        for pk, kind_id, code in Facility.objects.filter(code__in=codes[start : start + CHUNK]).values_list(
            "pk", "kind_id", "code"
        ):
            holders[(kind_id, code)] = pk
    kept = []
    for r in records:
        if r.key.isdigit() and int(r.key) not in known:
            plan.reject(r.row, [("ID", f"ID {r.key} の施設はありません（新しい施設はIDを空に）。")], r.cells)
            continue
        code = r.values.get("code")
        holder = holders.get((r.kind.pk, code)) if code else None
        if holder and str(holder) != r.key and in_file.get(holder, (r.kind.pk, code)) == (r.kind.pk, code):
            plan.reject(
                r.row,
                [
                    (
                        "医療機関番号・事業所番号",
                        f"番号 {code} は同じ種別の別の施設（ID {holder}）で登録済みです。",
                    )
                ],
                r.cells,
            )
            continue
        kept.append(r)
    return kept


def _match(plan, matcher, records, report, writer=None):
    """Match (and with a writer, write) the records in chunks; the ids of the facilities the file
    names."""
    seen = set()
    phase = "書き込み中" if writer else "照合中"
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        outcomes = matcher.match(chunk)
        if writer:
            plan.changed_ids += writer.apply(outcomes)
        for outcome in outcomes:
            if outcome.action == "create":
                r = outcome.record
                plan.unmatched_rows.append(
                    (r.row, r.key, r.values.get("name", ""), r.values.get("address", ""), False)
                )
            setattr(plan, _COUNTERS[outcome.action], getattr(plan, _COUNTERS[outcome.action]) + 1)
            if len(plan.samples[outcome.action]) < SAMPLE:
                plan.samples[outcome.action].append(outcome)
            if outcome.kept:
                plan.kept_count += 1
                if len(plan.kept) < SAMPLE:
                    plan.kept.append(outcome)
            seen.add(outcome.facility_id)
            outcome.record.current = None  # the chunk's loaded rows are not needed any more
        report(phase, min(start + CHUNK, len(records)), len(records))
    return seen


_COUNTERS = {"create": "created", "update": "updated", "unchanged": "unchanged"}
