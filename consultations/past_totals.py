"""Past years' 月報 totals (before the portal) imported as totals: one row per center and month,
columns センター (code), 年, 月, 相談件数; errors name the row and the column. The command is all or
nothing; the upload page (`preview`/`confirm`, the shared batch flow) lists the bad rows and imports
the good ones."""

from django.db import transaction

from consultations.models import PastMonthlyTotal
from coordination.models import Center
from coordination.spreadsheets import SpreadsheetError, error_lines, read_rows

SHOWN = 200  # errors and rows shown on the batch page

COLUMNS = ("センター", "年", "月", "相談件数")


def parse(data, filename, only_center=None):
    """([PastMonthlyTotal unsaved, each with its `row`], [(row, column, message)]). With
    `only_center` (a coordinator's upload) another center's row is an error."""
    try:
        rows = list(read_rows(data, filename))
    except SpreadsheetError as exc:
        return [], [(0, "", str(exc))]
    if not rows:
        return [], [(0, "", "ファイルが空です。")]
    header_row, header = rows[0]
    missing = [c for c in COLUMNS if c not in header]
    if len(missing) == len(COLUMNS):
        # Not one expected heading: most likely another kind of file, or the headings are not
        # on the first row. One message that says so, instead of a row per column.
        expected = "・".join(COLUMNS)
        return [], [
            (
                header_row,
                "",
                f"見出しの行が見つかりません（{expected}）。CSVまたはExcelのファイルで、"
                "1行目が見出しになっているか確かめてください。",
            )
        ]
    if missing:
        return [], [(header_row, c, "この列がありません。") for c in missing]
    index = {c: header.index(c) for c in COLUMNS}
    centers = {c.code: c for c in Center.objects.all()}
    totals, errors, seen = [], [], set()
    for number, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        cell = {c: (cells[i].strip() if i < len(cells) else "") for c, i in index.items()}
        center = centers.get(cell["センター"])
        if center is None:
            errors.append((number, "センター", f"センターコード「{cell['センター']}」は登録されていません。"))
        elif only_center is not None and center.pk != only_center.pk:
            errors.append(
                (
                    number,
                    "センター",
                    f"{only_center.code} {only_center.name}の行だけを取り込めます（「{center.code}」）。",
                )
            )
            center = None
        values = {}
        for column, low, high in (("年", 2000, 2100), ("月", 1, 12), ("相談件数", 0, 1_000_000)):
            text = cell[column].replace(",", "")
            if not text.isdigit() or not low <= int(text) <= high:
                errors.append(
                    (number, column, f"{low}〜{high:,}の数字で入力してください（「{cell[column]}」）。")
                )
            else:
                values[column] = int(text)
        if center is None or len(values) < 3:
            continue
        key = (center.pk, values["年"], values["月"])
        if key in seen:
            errors.append((number, "月", "同じセンター・年月の行がすでにあります。"))
            continue
        seen.add(key)
        total = PastMonthlyTotal(
            center=center, year=values["年"], month=values["月"], consultations=values["相談件数"]
        )
        total.row = number
        totals.append(total)
    return totals, errors


def save(totals, source=""):
    """Replaces the same centers' months with the file's totals, in one transaction."""
    with transaction.atomic():
        for total in totals:
            PastMonthlyTotal.objects.update_or_create(
                center=total.center,
                year=total.year,
                month=total.month,
                defaults={"consultations": total.consultations, "source": source[:200]},
            )
    return len(totals)


# --- the upload page's steps (coordination.batches runs them as background tasks) ---------------


def preview(batch):
    totals, errors = parse(bytes(batch.content), batch.file_name, batch.center)
    current = {
        (t.center_id, t.year, t.month): t.consultations
        for t in PastMonthlyTotal.objects.filter(center_id__in={t.center_id for t in totals})
    }
    batch.rows, batch.errors = len(totals), len(errors)
    batch.result = {
        "errors": [
            {"row": row, "column": column, "message": message, "line": line}
            for (row, column, message), line in zip(errors[:SHOWN], error_lines(errors[:SHOWN]), strict=True)
        ],
        "rows": [
            {
                "row": t.row,
                "center": f"{t.center.code} {t.center.name}",
                "month": f"{t.year}年{t.month}月",
                "consultations": t.consultations,
                "current": current.get((t.center_id, t.year, t.month)),
            }
            for t in totals[:SHOWN]
        ],
        "replaces": sum(1 for t in totals if (t.center_id, t.year, t.month) in current),
    }
    batch.preview_done(
        "" if totals else "取り込める行がありません。エラーの行を直して、もう一度アップロードしてください。"
    )


def confirm(batch):
    """The good rows of the file, read again (the centers may have changed since the preview);
    runs once per batch (the batch is claimed before), in one transaction."""
    totals, errors = parse(bytes(batch.content), batch.file_name, batch.center)
    batch.report("書き込み中", 0, len(totals))
    with transaction.atomic():
        batch.created = save(totals, batch.file_name)
        batch.errors = len(errors)
        batch.confirm_done()
