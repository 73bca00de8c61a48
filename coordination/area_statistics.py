"""Area statistics from a sheet (CSV/XLSX): one row per area and 年度, columns 地域コード or 地域名,
年度 (2026, 2026年度 or 令和8年度), 人口, 65歳以上人口, 75歳以上人口, 要介護認定者数, and optionally
出典 and 備考. A row with a bad cell is set aside with its row and column; the good rows are saved
(each one replaces the same area's figures of that 年度). Used by the upload → preview → confirm
batch (`AreaStatisticsImport`, its `pipeline`) and by `manage.py import_area_statistics`."""

import re
import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from coordination.dates import ERA_START_YEAR
from coordination.models import Area, AreaStatistics
from coordination.spreadsheets import SpreadsheetError, error_lines, read_rows

# Column → the header words that name it (the first is the one the page documents).
COLUMNS = {
    "code": ("地域コード", "コード", "市町村コード", "圏域コード"),
    "name": ("地域名", "地域", "圏域", "圏域名", "名称"),
    "fiscal_year": ("年度",),
    "population": ("人口", "総人口"),
    "aged_65": ("65歳以上人口", "65歳以上", "高齢者人口", "高齢者数"),
    "aged_75": ("75歳以上人口", "75歳以上"),
    "care_certified": ("要介護認定者数", "要介護認定者", "認定者数", "要介護・要支援認定者数"),
    "source": ("出典",),
    "note": ("備考",),
}
LABEL = {key: names[0] for key, names in COLUMNS.items()}
REQUIRED_NUMBERS = ("population", "aged_65")
OPTIONAL_NUMBERS = ("aged_75", "care_certified")
SHOWN = 200  # errors kept on the batch page; the command prints them all


@dataclass
class Parsed:
    records: list = field(default_factory=list)  # (row number, unsaved AreaStatistics)
    errors: list = field(default_factory=list)  # (row number, column label, message)
    rows: int = 0

    def error_lines(self):
        return error_lines(self.errors)


def _fold(text):
    return unicodedata.normalize("NFKC", text or "").strip()


def _header_key(cell):
    word = _fold(cell).replace(" ", "").replace("　", "")
    for key, names in COLUMNS.items():
        if word in names:
            return key
    return None


def parse_fiscal_year(text):
    """年度 as the city writes it → the 西暦 year, or None: 2026 / 2026年度 / 令和8年度 / R8 /
    令和元年度 (full-width digits and spaces allowed)."""
    text = _fold(text).replace(" ", "")
    m = re.fullmatch(r"(\d{4})(?:年度?)?", text)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"(明治|大正|昭和|平成|令和|[MTSHR])(元|\d{1,2})年?度?", text, flags=re.IGNORECASE)
    if not m:
        return None
    era = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}.get(
        m.group(1).upper(), m.group(1)
    )
    n = 1 if m.group(2) == "元" else int(m.group(2))
    return ERA_START_YEAR[era] + n - 1 if n >= 1 else None


def _number(text):
    """'12,345' / '１２３４５' / '12345人' → 12345; None for a blank cell; ValueError otherwise."""
    text = _fold(text).replace(",", "").replace("人", "")
    if text == "":
        return None
    if text.endswith(".0"):  # a workbook's number read as a float
        text = text[:-2]
    if not text.isdigit():
        raise ValueError
    return int(text)


class AreaIndex:
    """Finds an area by its code (leading zeros kept; a code a workbook turned into a number is
    matched too) or by its name (a name two areas share needs the code)."""

    def __init__(self):
        areas = list(Area.objects.all())
        self.by_code = {a.code: a for a in areas if a.code}
        self.by_stripped = {}
        for a in areas:
            if a.code:
                self.by_stripped.setdefault(a.code.lstrip("0"), []).append(a)
        self.by_name = {}
        for a in areas:
            self.by_name.setdefault(_fold(a.name), []).append(a)

    def find(self, code, name):
        """(area, None) or (None, (column, message))."""
        code, name = _fold(code), _fold(name)
        if code:
            area = self.by_code.get(code)
            if area is None and code.isdigit():
                candidates = self.by_stripped.get(code.lstrip("0"), [])
                area = candidates[0] if len(candidates) == 1 else None
            if area is None:
                return None, (LABEL["code"], f"地域コード「{code}」の地域は登録されていません。")
            return area, None
        if name:
            found = self.by_name.get(name, [])
            if not found:
                return None, (LABEL["name"], f"地域名「{name}」の地域は登録されていません。")
            if len(found) > 1:
                return None, (
                    LABEL["name"],
                    f"地域名「{name}」の地域が複数あります。地域コードで指定してください。",
                )
            return found[0], None
        return None, (LABEL["code"], "地域コードか地域名を入力してください。")


def parse(data, filename):
    """The file's rows as unsaved AreaStatistics and the errors of the rows set aside."""
    result = Parsed()
    try:
        rows = list(read_rows(data, filename))
    except SpreadsheetError as exc:
        result.errors.append((0, "", str(exc)))
        return result
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        result.errors.append((0, "", "ファイルに行がありません。"))
        return result
    header_row, header = rows[0]
    index = {}
    for position, cell in enumerate(header):
        key = _header_key(cell)
        if key and key not in index:
            index[key] = position
    missing = [LABEL[k] for k in ("fiscal_year", *REQUIRED_NUMBERS) if k not in index]
    if "code" not in index and "name" not in index:
        missing.insert(0, f"{LABEL['code']}または{LABEL['name']}")
    if missing:
        result.errors += [
            (header_row, label, "この列がありません（1行目に見出しが必要です）。") for label in missing
        ]
        return result
    areas, seen = AreaIndex(), {}
    for number, cells in rows[1:]:
        result.rows += 1
        cell = {key: (cells[i] if i < len(cells) else "") for key, i in index.items()}
        errors = []
        area, problem = areas.find(cell.get("code", ""), cell.get("name", ""))
        if problem:
            errors.append((number, *problem))
        year = parse_fiscal_year(cell["fiscal_year"])
        if year is None or not 1990 <= year <= 2100:
            errors.append(
                (
                    number,
                    LABEL["fiscal_year"],
                    f"年度「{cell['fiscal_year']}」を読み取れません（例: 2026、令和8年度）。",
                )
            )
        values = {}
        for key in REQUIRED_NUMBERS + OPTIONAL_NUMBERS:
            text = cell.get(key, "")
            try:
                values[key] = _number(text)
            except ValueError:
                errors.append((number, LABEL[key], f"0以上の整数で入力してください（「{text}」）。"))
                continue
            if values[key] is None and key in REQUIRED_NUMBERS:
                errors.append((number, LABEL[key], "入力してください。"))
        if not errors:
            record = AreaStatistics(
                area=area,
                fiscal_year=year,
                source=_fold(cell.get("source", ""))[:200],
                note=cell.get("note", "").strip(),
                **values,
            )
            errors += _consistency(number, record)
        if not errors:
            key = (area.pk, year)
            if key in seen:
                errors.append((number, LABEL["fiscal_year"], f"{seen[key]}行目と同じ地域・年度です。"))
            else:
                seen[key] = number
        if errors:
            result.errors += errors
        else:
            result.records.append((number, record))
    return result


def _consistency(number, record):
    errors = []
    if record.aged_65 > record.population:
        errors.append((number, LABEL["aged_65"], "65歳以上人口が人口を超えています。"))
    if record.aged_75 is not None and record.aged_75 > record.aged_65:
        errors.append((number, LABEL["aged_75"], "75歳以上人口が65歳以上人口を超えています。"))
    if record.care_certified is not None and record.care_certified > record.population:
        errors.append((number, LABEL["care_certified"], "要介護認定者数が人口を超えています。"))
    return errors


FIELDS = ("population", "aged_65", "aged_75", "care_certified", "source", "note")


def save(records):
    """Saves the good rows in one transaction, each replacing the same area's figures of that 年度.
    Returns (created, updated)."""
    created = updated = 0
    with transaction.atomic():
        existing = {
            (s.area_id, s.fiscal_year): s
            for s in AreaStatistics.objects.filter(
                area_id__in={r.area_id for _, r in records},
                fiscal_year__in={r.fiscal_year for _, r in records},
            ).select_for_update()
        }
        for _, record in records:
            current = existing.get((record.area_id, record.fiscal_year))
            if current is None:
                record.save()
                created += 1
            else:
                for name in FIELDS:
                    setattr(current, name, getattr(record, name))
                current.save()
                updated += 1
    return created, updated


def _preview_rows(records):
    return [
        {
            "row": number,
            "area": str(r.area),
            "fiscal_year": r.fiscal_year,
            "population": r.population,
            "aged_65": r.aged_65,
            "aged_75": r.aged_75,
            "care_certified": r.care_certified,
            "aging_rate": str(r.aging_rate) if r.aging_rate is not None else "",
        }
        for number, r in records[:50]
    ]


# --- the batch's pipeline (coordination.batches) ----------------------------------------------


def preview(batch):
    result = parse(bytes(batch.content), batch.file_name)
    batch.rows, batch.errors = len(result.records), len(result.errors)
    batch.result = {"errors": result.error_lines()[:SHOWN], "rows": _preview_rows(result.records)}
    batch.preview_done(
        ""
        if result.records
        else "取り込める行がありません。エラーを直して、もう一度アップロードしてください。"
    )


def confirm(batch):
    result = parse(bytes(batch.content), batch.file_name)
    batch.report("書き込み中", 0, len(result.records))
    created, updated = save(result.records)
    batch.saved, batch.errors = created + updated, len(result.errors)
    batch.result = {
        **batch.result,
        "errors": result.error_lines()[:SHOWN],
        "created": created,
        "updated": updated,
    }
    batch.confirm_done()


def error_table(batch):
    result = parse(bytes(batch.content), batch.file_name)
    return ["行", "列", "エラー"], [list(error) for error in result.errors]


# --- entered on the page (/resources/areas/statistics/) ---------------------------------------


class AreaStatisticsForm(forms.ModelForm):
    """One area's figures for one 年度 on the entry page: every number blank means none (the
    area's figures of that 年度, if any, are removed)."""

    class Meta:
        model = AreaStatistics
        fields = ["population", "aged_65", "aged_75", "care_certified", "source"]

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        for name, f in self.fields.items():
            f.required = False
            f.widget.attrs["aria-label"] = f"{area.name} {f.label}"
            if name != "source":
                f.widget.attrs.update({"inputmode": "numeric", "class": "input--number"})

    @property
    def blank(self):
        return all(
            self.cleaned_data.get(n) in (None, "")
            for n in ("population", "aged_65", "aged_75", "care_certified")
        )

    def clean(self):
        data = super().clean()
        if not self.blank:
            for name in REQUIRED_NUMBERS:
                if data.get(name) is None:
                    self.add_error(name, f"{self.area.name}: {self.fields[name].label}を入力してください。")
        return data

    def _post_clean(self):
        # The model's own checks (65歳以上 ≤ 人口 …) only for a row that has figures; the area and
        # the 年度 are the page's, not the visitor's.
        if self.is_bound and not self.errors and not self.blank:
            super()._post_clean()

    def add_error(self, field, error):
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            error = ValidationError(
                {
                    k: [f"{self.area.name}: {m}" for e in v for m in e.messages]
                    for k, v in error.error_dict.items()
                }
            )
        super().add_error(field, error)


def entry_forms(fiscal_year, areas, data=None):
    existing = {s.area_id: s for s in AreaStatistics.objects.filter(fiscal_year=fiscal_year, area__in=areas)}
    result = []
    for area, depth in Area.tree(areas):
        instance = existing.get(area.pk) or AreaStatistics(area=area, fiscal_year=fiscal_year)
        result.append((depth, AreaStatisticsForm(data, instance=instance, area=area, prefix=f"a{area.pk}")))
    return result


def save_entered(forms_, user=None):
    """Saves the page's rows in one transaction: a row with figures is created or updated, a blank
    row removes the area's figures of the 年度. Returns (saved, removed, changed areas)."""
    saved = removed = 0
    changed = []
    with transaction.atomic():
        for _, form in forms_:
            instance = form.instance
            if form.blank:
                if instance.pk:
                    instance.delete()
                    removed += 1
                    changed.append(form.area.name)
            elif form.has_changed() or not instance.pk:
                form.save()
                saved += 1
                changed.append(form.area.name)
    return saved, removed, changed
