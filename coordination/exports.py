"""The one helper for every CSV/XLSX the portal produces.

Cells are formula-safe: a text starting with = + - @ tab or CR gets a leading ' so that
Excel shows it as text instead of running it. CSV is UTF-8 with BOM so Excel opens it."""

import csv
import datetime
import decimal
import io
import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # A workbook holds no time zone (openpyxl refuses aware values): the city's time, Asia/Tokyo.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (int, float, datetime.date)):
        return value  # numbers and dates stay numbers and dates in a workbook
    if isinstance(value, decimal.Decimal):
        return float(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_bytes(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets):
    """sheets: list of (title, header, rows[, options]) → workbook bytes.
    options may hold `widths` (list of column widths), `title_rows` (lines above the header) and
    `number_formats` ({column index from 0: Excel number format} for that column's numbers)."""
    # openpyxl is heavy and only an export needs it; pages that never export never load it.
    from openpyxl import Workbook  # noqa: PLC0415 — heavy, loaded only for a workbook export
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: PLC0415 — same

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    for sheet in sheets:
        title, header, rows = sheet[:3]
        options = sheet[3] if len(sheet) > 3 else {}
        ws = wb.create_sheet(title=title[:31])
        for line in options.get("title_rows", []):
            ws.append([safe_cell(line)])
            ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
        header_row = ws.max_row + 1 if options.get("title_rows") else 1
        if header:
            ws.append([safe_cell(h) for h in header])
            for cell in ws[header_row]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="E8F1FE")
                cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        longest = [_width(h) for h in header or []]
        number_formats = options.get("number_formats", {})
        for row in rows:
            # Write strings as strings: openpyxl would otherwise treat "=..." as a formula.
            ws.append([safe_cell(v) for v in row])
            for index, cell in enumerate(ws[ws.max_row]):
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy/m/d"  # as Japanese Excel writes a date (2026/12/2)
                elif index in number_formats and isinstance(cell.value, (int, float)):
                    cell.number_format = number_formats[index]
                if index < len(longest) and ws.max_row < header_row + 200:
                    longest[index] = max(longest[index], _width(cell.value))
        # Column widths: given, or from the header and the first rows (a Japanese character is
        # about two Latin ones wide), within reason.
        for i, width in enumerate(
            options.get("widths") or [min(max(w + 2, 8), 60) for w in longest], start=1
        ):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = width
        ws.print_options.gridLines = True
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = options.get("orientation", "portrait")
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if header:
            ws.print_title_rows = f"{header_row}:{header_row}"
            ws.freeze_panes = ws.cell(header_row + 1, 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def content_disposition(filename, fallback=None, inline=False):
    """`attachment` (or `inline`: shown by the browser, e.g. a calendar feed) with the real
    (Japanese) name as RFC 5987 filename* and a plain ASCII filename= for clients that do not read
    filename* (`fallback`, else made from the name). Every download of the portal is named here.
    Control characters, quotes, slashes and backslashes cannot reach the header; filename* stays
    last (the audit log reads the name after its '')."""
    filename = re.sub(r'[\x00-\x1f\x7f"\\/]', "_", filename or "").strip() or "download"
    stem, dot, ext = (fallback or filename).rpartition(".")
    if not dot:
        stem, ext = fallback or filename, ""
    # 全角 digits and letters fold to ASCII (２０２６ → 2026); the rest becomes _ runs.
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", unicodedata.normalize("NFKC", stem)).strip("_")
    if not re.search(r"[A-Za-z]", ascii_stem):
        ascii_stem = f"download_{ascii_stem}".rstrip("_")
    ascii_ext = re.sub(r"[^A-Za-z0-9]", "", ext)
    fallback = f"{ascii_stem}.{ascii_ext}" if ascii_ext else ascii_stem
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _attachment(response, filename, fallback=None):
    response["Content-Disposition"] = content_disposition(filename, fallback)
    response["Cache-Control"] = "no-store"
    return response


def csv_response(filename, header, rows, fallback=None):
    """`fallback`: the ASCII name for clients that cannot read a Japanese `filename`."""
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename, fallback)


def xlsx_response(filename, sheets, fallback=None):
    return _attachment(HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE), filename, fallback)


def _width(value):
    text = "" if value is None else str(value)
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text.split("\n")[0][:60])
