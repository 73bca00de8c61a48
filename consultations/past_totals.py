"""Past years' 月報 totals (before the portal) imported as totals: one row per center and month,
columns センター (code), 年, 月, 相談件数. All or nothing; errors name the row and the column."""

from django.db import transaction

from consultations.models import PastMonthlyTotal
from coordination.models import Center
from coordination.spreadsheets import SpreadsheetError, read_rows

COLUMNS = ("センター", "年", "月", "相談件数")


def parse(data, filename):
    """([PastMonthlyTotal unsaved], [(row, column, message)])."""
    try:
        rows = list(read_rows(data, filename))
    except SpreadsheetError as exc:
        return [], [(0, "", str(exc))]
    if not rows:
        return [], [(0, "", "ファイルが空です。")]
    header_row, header = rows[0]
    missing = [c for c in COLUMNS if c not in header]
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
        values = {}
        for column, low, high in (("年", 2000, 2100), ("月", 1, 12), ("相談件数", 0, 1_000_000)):
            text = cell[column].replace(",", "")
            if not text.isdigit() or not low <= int(text) <= high:
                errors.append(
                    (number, column, f"{low}〜{high}の数字で入力してください（「{cell[column]}」）。")
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
        totals.append(
            PastMonthlyTotal(
                center=center, year=values["年"], month=values["月"], consultations=values["相談件数"]
            )
        )
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
