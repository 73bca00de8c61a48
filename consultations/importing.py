"""Import of past consultation logs (centers start from years of Excel). Every error names the row
and the column. The command is all or nothing; the upload page (`preview`/`confirm`, background
steps of a ConsultationImport batch, coordination.batches) imports the good rows and sets the bad
ones aside, to download as they were with a 理由 column, fix and upload again."""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from consultations import tallies
from consultations.forms import plausible_day
from consultations.models import (
    ConsultantType,
    ConsultantTypeSynonym,
    Consultation,
    ConsultationTopic,
    Method,
    Topic,
)
from coordination.models import Area, Center
from coordination.spreadsheets import SpreadsheetError, error_lines, read_rows
from coordination.text import nfkc, normalize

HEADER = [
    "受付日時",
    "センター",
    "受付方法",
    "相談者区分",
    "相談者所属",
    "相談者氏名",
    "対象者年齢",
    "対象者性別",
    "対象者居住区",
    "相談内容",
    "相談概要",
    "対応内容",
    "対応結果",
    "状態",
]
REQUIRED = ["受付日時", "センター", "相談者区分", "相談内容"]
# The headings old sheets give the columns (each center kept its own Excel), read as the column
# they are: compared folded (width, spaces and a bracketed note such as 「（必須）」 left out).
# 受付時刻 is a column of its own in sheets that keep the day and the time apart: the time joins
# the day of 受付日時.
TIME = "受付時刻"
# 備考: what old sheets put beside the record (「田中医院を紹介」): kept at the end of 対応内容.
NOTE = "備考"
HEADING_ALIASES = {
    "受付日時": ("受付日", "相談日", "相談日時", "受付年月日", "相談年月日", "年月日", "日付", "日時"),
    # Not 時間 alone: old sheets use it for the minutes spent as often as for the time of day.
    TIME: ("受付時刻", "受付時間", "時刻"),
    "センター": ("センター名", "受付センター", "担当センター"),
    "受付方法": ("相談方法", "相談手段", "受付手段", "方法"),
    "相談者区分": ("相談者", "相談者種別", "相談者の種別", "相談者分類", "相談元", "相談者の区分"),
    "相談者所属": ("所属", "相談者の所属", "所属機関", "所属・事業所"),
    "相談者氏名": ("氏名", "相談者名", "相談者の氏名"),
    "対象者年齢": ("年齢", "本人年齢", "利用者年齢", "対象者の年齢"),
    "対象者性別": ("性別", "本人性別", "利用者性別", "対象者の性別"),
    "対象者居住区": ("居住区", "居住地", "居住地域", "住所", "地域", "区", "対象者住所", "対象者の居住区"),
    "相談内容": ("相談項目", "相談分類", "相談の内容", "相談種別"),
    "相談概要": ("概要", "相談の概要", "相談要旨", "内容"),
    "対応内容": ("対応", "対応の内容"),
    "対応結果": ("結果", "対応の結果"),
    "状態": ("状況", "対応状況", "進捗", "ステータス"),
    NOTE: ("備考", "メモ", "特記事項"),
}
_BRACKETED_NOTE = re.compile(r"[（(][^）)]*[）)]")


def _folded_heading(text):
    return re.sub(r"\s+", "", _BRACKETED_NOTE.sub("", nfkc(text or "").lstrip("\ufeff")))


_HEADINGS = {
    _folded_heading(alias): column
    for column, aliases in HEADING_ALIASES.items()
    for alias in (column, *aliases)
}


def read_header(cells):
    """The file's header as the portal's columns: ([column or None a cell], the cells read as no
    column, a message when two cells are the same column ("" when none are))."""
    columns, unknown, seen, clash = [], [], {}, ""
    for cell in cells:
        folded = _folded_heading(cell)
        column = REASON if folded == REASON else _HEADINGS.get(folded)
        if column and column in seen:
            clash = (
                clash
                or f"「{seen[column]}」と「{cell}」が、どちらも「{column}」の列です。どちらか一方にしてください。"
            )
            column = None
        if column:
            seen[column] = cell
        elif folded:
            unknown.append(cell)
        columns.append(column)
    return columns, unknown, clash


# The column the refused rows' download adds: ignored when the fixed file comes back.
REASON = "理由"
HEADER_SEARCH_ROWS = 20
SEX = {"男": "male", "男性": "male", "女": "female", "女性": "female", "その他": "other", "不明": "", "": ""}
# Dates as old sheets write them: 2024-04-01, 2024/4/1, 2024.4.1, 2024年4月1日, and in 和暦
# 令和6年4月1日, R6.4.1, R6/4/1, 令和元年5月1日 (a weekday in brackets after it is left out),
# then an optional time 10:15 or 10時15分.
_SEP = r"\s*[-/.年]\s*"
DATE_RE = re.compile(
    r"^(?:(?P<era>令和|平成|昭和|[RHS])\s*(?P<eyear>元|\d{1,2})|(?P<year>\d{4}))"
    rf"{_SEP}(?P<month>\d{{1,2}}){_SEP.replace('年', '月')}(?P<day>\d{{1,2}})\s*日?"
    r"\s*(?:\([月火水木金土日]\))?"
    r"(?:\s*T?\s*(?P<hour>\d{1,2})\s*[:時]\s*(?P<minute>\d{1,2})\s*分?(?::\d{2})?)?$"
)
# 和暦: the first day of each era and the Western year of its 元年.
ERAS = {
    "令和": (datetime.date(2019, 5, 1), 2019),
    "平成": (datetime.date(1989, 1, 8), 1989),
    "昭和": (datetime.date(1926, 12, 25), 1926),
}
ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和"}
DATE_HINT = "日時は 2026/8/3 10:15、2026年8月3日、令和8年8月3日、R8.8.3 のように入力してください。"
# 対象者年齢: 80 or 80歳; a band (80代, 80代後半) is kept as written in 相談概要, since the age field
# holds years and a band stored as 80 would read as an exact age.
AGE_RE = re.compile(r"^(?:満)?(\d{1,3})\s*(?:歳|才)?$")
AGE_BAND_RE = re.compile(r"^(\d{1,3})\s*(?:歳|才)?\s*代\s*(?:前半|後半|半ば)?$")
AGE_NOTE = "対象者年齢: "
AGE_UNKNOWN = {"不明", "-", "ー", "—", "?"}
# Several 相談内容 in one cell: 「;」 as the portal writes them, or 「、」 and a line break as people do.
TOPIC_SPLIT = re.compile(r"[;；、\n]")


def read_received(text):
    """(aware datetime, "") or (None, the reason in Japanese)."""
    m = DATE_RE.match(nfkc(text).upper())
    if not m:
        return None, DATE_HINT
    month, day = int(m["month"]), int(m["day"])
    hour, minute = int(m["hour"] or 0), int(m["minute"] or 0)
    if m["era"]:
        era = ERA_LETTERS.get(m["era"], m["era"])
        first_day, first_year = ERAS[era]
        year = first_year + (0 if m["eyear"] == "元" else int(m["eyear"]) - 1)
    else:
        era, year = None, int(m["year"])
    try:
        moment = datetime.datetime(year, month, day, hour, minute)
    except ValueError:
        return None, f"存在しない日時です（{text}）。"
    if era and moment.date() < first_day:
        return None, f"{era}は{first_day.year}年{first_day.month}月{first_day.day}日からです（{text}）。"
    if era and era != "令和":
        last = min(d for d, _ in ERAS.values() if d > first_day) - datetime.timedelta(days=1)
        if moment.date() > last:
            return None, f"{era}は{last.year}年{last.month}月{last.day}日までです（{text}）。"
    return timezone.make_aware(moment), ""


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)  # (row number, Consultation, [Topic])
    errors: list = field(default_factory=list)  # (row number, column, message)
    header: list = field(default_factory=list)  # the file's header as it was
    rejected: dict = field(default_factory=dict)  # row number → its cells as they were
    notes: list = field(default_factory=list)  # what the preview says of the file (columns left out)
    created: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def refused(self):
        """How many rows (or, for a file that cannot be read, messages) stay out."""
        return len(self.rejected) + sum(1 for row, _, _ in self.errors if row not in self.rejected)

    def error_lines(self):
        return error_lines(self.errors)


class Lookups:
    """The reference data a row's cells are read against, folded (width, case, katakana) so that
    a sheet's 訪看 or ｹｱﾏﾈ meet the names."""

    def __init__(self):
        self.centers = {}
        for c in Center.objects.all():
            self.centers[c.code] = c
            self.centers[c.name] = c
        self.type_list = list(ConsultantType.objects.all())
        self.types = {normalize(t.name): t for t in self.type_list}
        for synonym in ConsultantTypeSynonym.objects.select_related("consultant_type"):
            self.types.setdefault(normalize(synonym.term), synonym.consultant_type)
        self.methods = {label: value for value, label in Method.choices}
        self.statuses = {label: value for value, label in Consultation.Status.choices}
        areas = Area.objects.all()
        self.cities = [normalize(a.name) for a in areas if a.kind == Area.Kind.CITY]
        self.areas = {normalize(a.name): a for a in areas if a.kind != Area.Kind.CITY}
        self.topic_list = list(Topic.objects.select_related("parent"))
        self.topics = {normalize(t.path): t for t in self.topic_list}

    def consultant_type(self, text):
        """(type, "") by its name, a synonym or the unique start of a name; else (None, why)."""
        key = normalize(text)
        found = self.types.get(key) if key else None
        if found is None and key:
            starting = [t for t in self.type_list if normalize(t.name).startswith(key)]
            found = starting[0] if len(starting) == 1 else None
        if found:
            return found, ""
        names = "・".join(t.name for t in self.type_list)
        if not key:
            return None, f"相談者区分を入力してください（{names}）。"
        return None, f"「{text}」は相談者区分にありません（{names}。言い換えは管理者が追加できます）。"

    def area(self, text):
        """An area by its name, without its 区 or 圏域 (小倉北 → 小倉北区) or after the city's name."""
        key = normalize(text)
        for city in self.cities:
            if key.startswith(city) and key != city:
                key = key[len(city) :]
        for candidate in (key, key + "区", key + "圏域"):
            if candidate in self.areas:
                return self.areas[candidate]
        return None

    def topic(self, text):
        """(Topic, "") by its path (大分類/項目), its name, or the start or a part of its name that
        only one item has (訪問診療 → 医療/訪問診療できる医療機関に関する事); else (None, why)."""
        key = normalize(text)
        if key in self.topics:
            return self.topics[key], ""
        parent, _, name = key.rpartition("/")
        pool = [t for t in self.topic_list if not parent or (t.parent and normalize(t.parent.name) == parent)]
        for match in (
            lambda t: normalize(t.name) == name,
            lambda t: normalize(t.name).startswith(name),
            lambda t: name in normalize(t.name),
        ):
            found = [t for t in pool if match(t)]
            if len(found) == 1:
                return found[0], ""
            if len(found) > 1:
                paths = "・".join(t.path for t in found[:6])
                return (
                    None,
                    f"「{text}」に当たる相談内容が複数あります（{paths}）。大分類/項目 の形で書いてください。",
                )
        return None, f"「{text}」は相談内容にありません（大分類/項目、または連絡調整・その他など）。"


def parse(data, filename, center=None):
    """With `center` (a coordinator's upload, or the admin's choice) every row goes to that
    center: the センター column may be left out or blank, and a row naming another is an error."""
    result = ImportResult()
    try:
        rows = read_rows(data, filename)
        # The header: the first row naming two of the columns (a sheet's title rows, 「令和6年度
        # 相談記録」, stand above it), else the first row with something in it, to say what it lacks.
        found, first, read = None, None, 0
        for number, cells in rows:
            read = number
            if any(cells):
                heading = (number, cells, *read_header(cells))
                first = first or heading
                if sum(1 for column in heading[2] if column) >= 2:
                    found = heading
                    break
            if number >= HEADER_SEARCH_ROWS:
                break
        if first is None:
            if not read:
                raise SpreadsheetError("ファイルが空です。")
            raise SpreadsheetError(
                f"最初の{HEADER_SEARCH_ROWS}行に見出しの行が見つかりません（空の行が続いています）。"
            )
        header_row, header, columns, unknown, clash = found or first
        result.header = list(header)
        if clash:
            raise SpreadsheetError(f"{header_row}行目（見出し）: {clash}")
        missing = [h for h in REQUIRED if h not in columns and not (center and h == "センター")]
        if missing:
            raise SpreadsheetError(
                f"必須の列がありません: {'、'.join(missing)}（{header_row}行目の見出しを確認してください。"
                f"見出しは {','.join(HEADER)} です）"
            )
        if unknown:
            result.notes.append(f"次の列は取り込みません: {'、'.join(unknown)}")
        # What a column left out becomes, said before anything is imported (a 月報 counts them).
        for column, default in (("受付方法", "電話"), ("状態", "完了")):
            if column not in columns:
                result.notes.append(
                    f"「{column}」の列がないため、すべての行を「{default}」として取り込みます"
                )
        if NOTE in columns:
            result.notes.append("「備考」の列は、対応内容の最後に「備考: …」として残します")
        lookups = Lookups()
        seen_rows = False
        for number, cells in rows:
            if not any(cells):
                continue
            seen_rows = True
            if len(cells) > len(header) and any(cells[len(header) :]):
                result.errors.append(
                    (number, "", f"列が多すぎます（見出しは{len(header)}列、この行は{len(cells)}列）。")
                )
                result.rejected[number] = cells
                continue
            cells = cells[: len(header)]  # empty cells past the header (a comma too many) are nothing
            values = {
                column: cell
                for column, cell in zip(columns, cells + [""] * (len(header) - len(cells)), strict=True)
                if column and column != REASON
            }
            if values.get(NOTE):
                values["対応内容"] = "\n".join(
                    v for v in (values.get("対応内容", ""), f"備考: {values[NOTE]}") if v
                )
            if values.get(TIME) and values.get("受付日時") and not re.search(r"[:：時]", values["受付日時"]):
                values["受付日時"] = f"{values['受付日時']} {values[TIME]}"
            if not _parse_row(number, values, lookups, result, center):
                result.rejected[number] = cells
        if not seen_rows:
            raise SpreadsheetError("見出しだけで、取り込むデータ行がありません。")
    except SpreadsheetError as exc:
        result.errors.append((0, "", str(exc)))
    return result


def _parse_row(number, v, lk, result, only_center=None):
    errors = []

    def err(column, message):
        errors.append((number, column, message))

    received, reason = read_received(v.get("受付日時", ""))
    if reason:
        err("受付日時", reason)
    else:
        try:
            plausible_day(received.date(), "受付日時")
        except ValidationError as exc:
            err("受付日時", exc.messages[0])
    named = nfkc(v.get("センター", ""))
    center = lk.centers.get(named) if named or not only_center else only_center
    if not center:
        err("センター", f"センター「{v.get('センター', '')}」が見つかりません（コードまたは名称）。")
    elif only_center and center != only_center:
        err(
            "センター",
            f"{only_center.code} {only_center.name}の記録だけを取り込めます（この行は「{v['センター']}」）。",
        )
    method = lk.methods.get(nfkc(v.get("受付方法", "")) or "電話")
    if method is None:
        err("受付方法", f"「{v['受付方法']}」は受付方法にありません（{'・'.join(lk.methods)}）。")
    ctype, reason = lk.consultant_type(v.get("相談者区分", ""))
    if reason:
        err("相談者区分", reason)
    age, age_band = None, ""
    age_text = nfkc(v.get("対象者年齢", ""))
    if age_text and age_text not in AGE_UNKNOWN:
        exact, band = AGE_RE.match(age_text), AGE_BAND_RE.match(age_text)
        if exact and int(exact[1]) <= 130:
            age = int(exact[1])
        elif band and int(band[1]) <= 120 and int(band[1]) % 10 == 0:
            age_band = age_text
        else:
            err(
                "対象者年齢",
                f"年齢は 80、80歳 または 80代 のように入力してください（「{v['対象者年齢']}」）。",
            )
    sex = SEX.get(nfkc(v.get("対象者性別", "")))
    if sex is None:
        err("対象者性別", f"「{v['対象者性別']}」は性別として読めません（男性・女性・その他・不明）。")
    area = None
    if nfkc(v.get("対象者居住区", "")):
        area = lk.area(v["対象者居住区"])
        if not area:
            err("対象者居住区", f"地域「{v['対象者居住区']}」が登録されていません（区または圏域の名前）。")
    status = lk.statuses.get(nfkc(v.get("状態", "")) or "完了")
    if status is None:
        err("状態", f"「{v['状態']}」は状態にありません（{'・'.join(lk.statuses)}）。")
    topics = []
    names = [p.strip() for p in TOPIC_SPLIT.split(nfkc(v.get("相談内容", ""))) if p.strip()]
    if not names:
        err(
            "相談内容",
            "相談内容を1つ以上入力してください（; 区切り、例: 医療/訪問看護に関する事;連絡調整）。",
        )
    for name in names:
        topic, reason = lk.topic(name)
        if reason:
            err("相談内容", reason)
        elif topic.pk in {t.pk for t in topics}:
            err("相談内容", f"「{name}」が重複しています。")
        else:
            topics.append(topic)
    if errors:
        result.errors.extend(errors)
        return False
    consultation = Consultation(
        center=center,
        received_at=received,
        method=method,
        consultant_type=ctype,
        consultant_affiliation=v.get("相談者所属", "")[:200],
        consultant_name=v.get("相談者氏名", "")[:100],
        client_age=age,
        client_sex=sex,
        client_area=area,
        summary="\n".join(filter(None, [f"{AGE_NOTE}{age_band}" if age_band else "", v.get("相談概要", "")])),
        response=v.get("対応内容", ""),
        result=v.get("対応結果", ""),
        status=status,
    )
    result.rows.append((number, consultation, topics))
    return True


def save(result, user=None, partial=False, batch=None):
    """Writes every parsed row in one transaction, each linked to `batch` (the import's record);
    refuses when there is any error, unless `partial` (the upload page: the bad rows are set
    aside and listed)."""
    if not result.ok and not partial:
        raise ValueError("errors present")
    for _, consultation, _ in result.rows:
        consultation.import_batch = batch
    with transaction.atomic():
        created = Consultation.objects.bulk_create([c for _, c, _ in result.rows], batch_size=1000)
        links = [
            ConsultationTopic(consultation_id=c.pk, topic_id=t.pk)
            for c, (_, _, topics) in zip(created, result.rows, strict=True)
            for t in topics
        ]
        ConsultationTopic.objects.bulk_create(links, batch_size=5000)
        tallies.recount_consultations(Consultation.objects.filter(pk__in=[c.pk for c in created]))
    result.created = len(created)
    return result


SHOWN = 200  # errors and rows listed on the batch page


def _age_band(summary):
    first = summary.split("\n", 1)[0]
    return first.removeprefix(AGE_NOTE) if first.startswith(AGE_NOTE) else ""


def _errors_shown(result):
    lines = result.error_lines()[:SHOWN]
    return [
        {"row": row, "column": column, "message": message, "line": line}
        for (row, column, message), line in zip(result.errors[:SHOWN], lines, strict=True)
    ]


def preview(batch):
    result = parse(bytes(batch.content), batch.file_name, batch.center)
    batch.rows, batch.errors = len(result.rows), result.refused
    batch.result = {
        "errors": _errors_shown(result),
        "error_count": len(result.errors),
        "notes": result.notes,
        "rows": [
            {
                "row": number,
                "received_at": timezone.localtime(c.received_at).strftime("%Y/%m/%d %H:%M"),
                "center": c.center.code,
                "type": c.consultant_type.name,
                # What the loose cells were read as (80代 stays a band, 小倉北 became 小倉北区).
                "age": f"{c.client_age}歳" if c.client_age is not None else _age_band(c.summary),
                "area": c.client_area.name if c.client_area_id else "",
                "topics": [str(t) for t in topics],
            }
            for number, c, topics in result.rows[:50]
        ],
    }
    if result.rows:
        batch.preview_done()
    elif result.rejected:
        batch.preview_done("取り込める行がありません。下の行を直して、もう一度アップロードしてください。")
    else:
        batch.preview_done(
            f"{len(result.errors)}件のエラーがあるため、取り込めません。修正して再度アップロードしてください。"
        )


def confirm(batch):
    """The good rows of the file, read again (the lookups may have changed since the preview: a
    row that no longer reads is set aside like the others); runs once per batch (claimed before)."""
    # Another batch of the same file may have been imported since this one's confirm was accepted
    # (two batch pages open at once): without the consent of whoever imports it is refused here too.
    if not batch.allow_duplicate and batch.earlier_import(states=[batch.Status.DONE]):
        batch.status, batch.failed_step = batch.Status.FAILED, "confirm"
        batch.failure = batch.duplicate_warning + "取り込む場合は、もう一度アップロードして確認してください。"
        batch.save()
        return
    result = parse(bytes(batch.content), batch.file_name, batch.center)
    batch.report("書き込み中", 0, len(result.rows))
    refused = None
    if result.rejected:
        header, rows = _refused_table(result)
        refused = {"header": header, "rows": rows}
    # The rows and the batch's 取込済み in one transaction: a worker stopped in between leaves
    # neither, and the retry imports the rows once.
    with transaction.atomic():
        save(result, batch.user, partial=True, batch=batch)
        batch.created, batch.errors = result.created, result.refused
        batch.result = {
            **batch.result,
            "errors": _errors_shown(result),
            "error_count": len(result.errors),
            # The rows refused now, as the file had them: what the center fixes and uploads again.
            # Kept as they were (a synonym added later must not turn them into rows that look
            # imported), and the file itself, every client's line in it, is dropped.
            "refused_table": refused,
        }
        batch.content = b""
        batch.confirm_done()


def error_table(batch):
    """The refused rows as the file had them, with a 理由 column: to fix and upload again (after
    the import, the rows it refused then). A file that could not be read at all has no rows: its
    messages, by row and column."""
    kept = (batch.result or {}).get("refused_table")
    if kept:
        return kept["header"], kept["rows"]
    return _refused_table(parse(bytes(batch.content), batch.file_name, batch.center))


def _refused_table(result):
    if not result.rejected:
        return ["行", "列", "エラー"], [list(error) for error in result.errors]
    reasons = {}
    for row, column, message in result.errors:
        reasons.setdefault(row, []).append(f"{column}: {message}" if column else message)
    header = list(result.header)
    folded = [nfkc(h) for h in header]
    if REASON in folded:  # a refused-rows file uploaded again: one 理由 column
        at = folded.index(REASON)
        header.pop(at)
        cells_of = {row: cells[:at] + cells[at + 1 :] for row, cells in result.rejected.items()}
    else:
        cells_of = result.rejected
    width = len(header)
    rows = [
        [*(cells_of[row] + [""] * width)[:width], " / ".join(reasons.get(row, []))]
        for row in sorted(cells_of)
    ]
    return [*header, REASON], rows
