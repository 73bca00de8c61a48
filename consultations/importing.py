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
from consultations.models import ConsultantType, Consultation, ConsultationTopic, Method, Topic
from coordination.models import Area, Center
from coordination.spreadsheets import SpreadsheetError, error_lines, read_rows
from coordination.text import nfkc

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
# The column the refused rows' download adds: ignored when the fixed file comes back.
REASON = "理由"
HEADER_SEARCH_ROWS = 20
SEX = {"男": "male", "男性": "male", "女": "female", "女性": "female", "その他": "other", "不明": "", "": ""}
DATE_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$")


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)  # (row number, Consultation, [Topic])
    errors: list = field(default_factory=list)  # (row number, column, message)
    header: list = field(default_factory=list)  # the file's header as it was
    rejected: dict = field(default_factory=dict)  # row number → its cells as they were
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
    def __init__(self):
        self.centers = {}
        for c in Center.objects.all():
            self.centers[c.code] = c
            self.centers[c.name] = c
        self.types = {t.name: t for t in ConsultantType.objects.all()}
        self.methods = {label: value for value, label in Method.choices}
        self.statuses = {label: value for value, label in Consultation.Status.choices}
        self.areas = {a.name: a for a in Area.objects.exclude(kind=Area.Kind.CITY)}
        self.topics = {t.path: t for t in Topic.objects.select_related("parent")}


def parse(data, filename, center=None):
    """With `center` (a coordinator's upload, or the admin's choice) every row goes to that
    center: the センター column may be left out or blank, and a row naming another is an error."""
    result = ImportResult()
    try:
        rows = read_rows(data, filename)
        header = None
        for number, cells in rows:  # the header: the first row with something in it
            if any(cells):
                header = cells
                break
            if number >= HEADER_SEARCH_ROWS:
                raise SpreadsheetError(
                    f"最初の{HEADER_SEARCH_ROWS}行に見出しの行が見つかりません（空の行が続いています）。"
                )
        if header is None:
            raise SpreadsheetError("ファイルが空です。")
        result.header = list(header)
        header = [nfkc(h).lstrip("\ufeff") for h in header]
        unknown = [h for h in header if h and h not in HEADER and h != REASON]
        missing = [h for h in REQUIRED if h not in header and not (center and h == "センター")]
        if missing:
            raise SpreadsheetError(
                f"必須の列がありません: {'、'.join(missing)}（1行目の見出しを確認してください）"
            )
        if unknown:
            raise SpreadsheetError(
                f"知らない列があります: {'、'.join(unknown)}。見出しは {','.join(HEADER)} です。"
            )
        lookups = Lookups()
        seen_rows = False
        for number, cells in rows:
            if not any(cells):
                continue
            seen_rows = True
            if len(cells) > len(header):
                result.errors.append(
                    (number, "", f"列が多すぎます（見出しは{len(header)}列、この行は{len(cells)}列）。")
                )
                result.rejected[number] = cells
                continue
            values = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
            values.pop(REASON, None)
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

    received = None
    m = DATE_RE.match(nfkc(v.get("受付日時", "")))
    if not m:
        err("受付日時", "日時は 2026-08-03 10:15 または 2026/8/3 10:15 の形で入力してください。")
    else:
        y, mo, d, hh, mm = (int(x) if x else 0 for x in m.groups())
        try:
            received = timezone.make_aware(datetime.datetime(y, mo, d, hh, mm))
        except ValueError:
            err("受付日時", f"存在しない日時です（{v['受付日時']}）。")
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
    ctype = lk.types.get(nfkc(v.get("相談者区分", "")))
    if not ctype:
        err("相談者区分", f"「{v.get('相談者区分', '')}」は相談者区分にありません（{'・'.join(lk.types)}）。")
    age = None
    if nfkc(v.get("対象者年齢", "")):
        text = nfkc(v["対象者年齢"]).removesuffix("歳")
        if not text.isdigit() or int(text) > 130:
            err("対象者年齢", f"年齢は0〜130の数字で入力してください（「{v['対象者年齢']}」）。")
        else:
            age = int(text)
    sex = SEX.get(nfkc(v.get("対象者性別", "")))
    if sex is None:
        err("対象者性別", f"「{v['対象者性別']}」は性別として読めません（男性・女性・その他・不明）。")
    area = None
    if nfkc(v.get("対象者居住区", "")):
        area = lk.areas.get(nfkc(v["対象者居住区"]))
        if not area:
            err("対象者居住区", f"地域「{v['対象者居住区']}」が登録されていません。")
    status = lk.statuses.get(nfkc(v.get("状態", "")) or "完了")
    if status is None:
        err("状態", f"「{v['状態']}」は状態にありません（{'・'.join(lk.statuses)}）。")
    topics = []
    paths = [p.strip() for p in nfkc(v.get("相談内容", "")).split(";") if p.strip()]
    if not paths:
        err(
            "相談内容",
            "相談内容を1つ以上入力してください（; 区切り、例: 医療/訪問看護に関する事;連絡調整）。",
        )
    for path in paths:
        topic = lk.topics.get(path)
        if not topic:
            err("相談内容", f"「{path}」は相談内容にありません（大分類/項目、または連絡調整・その他など）。")
        elif topic.pk in {t.pk for t in topics}:
            err("相談内容", f"「{path}」が重複しています。")
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
        summary=v.get("相談概要", ""),
        response=v.get("対応内容", ""),
        result=v.get("対応結果", ""),
        status=status,
    )
    result.rows.append((number, consultation, topics))
    return True


def save(result, user=None, partial=False):
    """Writes every parsed row in one transaction; refuses when there is any error, unless
    `partial` (the upload page: the bad rows are set aside and listed)."""
    if not result.ok and not partial:
        raise ValueError("errors present")
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
        "rows": [
            {
                "row": number,
                "received_at": timezone.localtime(c.received_at).strftime("%Y/%m/%d %H:%M"),
                "center": c.center.code,
                "type": c.consultant_type.name,
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
    save(result, batch.user, partial=True)
    batch.created, batch.errors = result.created, result.refused
    batch.result = {**batch.result, "errors": _errors_shown(result), "error_count": len(result.errors)}
    # The file is dropped once imported; with refused rows it stays for their download (those
    # rows are what the center fixes and uploads again).
    if not result.rejected:
        batch.content = b""
    batch.confirm_done()


def error_table(batch):
    """The refused rows as the file had them, with a 理由 column: to fix and upload again. A file
    that could not be read at all has no rows: its messages, by row and column."""
    result = parse(bytes(batch.content), batch.file_name, batch.center)
    if not result.rejected:
        return ["行", "列", "エラー"], [list(error) for error in result.errors]
    reasons = {}
    for row, column, message in result.errors:
        reasons.setdefault(row, []).append(f"{column}: {message}" if column else message)
    header = list(result.header)
    if REASON in [nfkc(h) for h in header]:  # a refused-rows file uploaded again: one 理由 column
        at = [nfkc(h) for h in header].index(REASON)
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
