"""Reading a directory file: the rows of the first sheet, the header row found and the format
recognised from it (or a saved column mapping for a city's own sheet)."""

import itertools
from dataclasses import dataclass

from coordination.spreadsheets import SpreadsheetError, read_rows, xlsx_row_count
from resources.imports.formats import FORMATS, PortalFormat

HEADER_SEARCH_ROWS = 20  # the 厚生局 header is a few title rows down


@dataclass
class Sheet:
    header_row: int
    header: list  # as the file writes it
    columns: list  # the names the format reads (the header, or the mapped names)
    format: type | None
    rows: object  # iterator of (row number, cells) after the header
    total: int  # an estimate of the data rows, for the progress bar
    mapping: dict | None = None


def clean_header(cells):
    return [(c or "").replace("\ufeff", "").strip() for c in cells]


def detect(header):
    """The format whose columns the header row matches best, or None."""
    scored = [(fmt.score(header), fmt) for fmt in FORMATS]
    score, fmt = max(scored, key=lambda item: item[0])
    return fmt if score >= 0.5 else None


def estimate_rows(data):
    if data.startswith(b"PK"):
        return xlsx_row_count(data)
    return max(data.count(b"\n"), 1)


def open_sheet(data, filename, mapping=None):
    """The Sheet, or SpreadsheetError when the file cannot be read. A header the importer does
    not know comes back with `format` None (the batch then asks for a column mapping), unless
    `mapping` ({column: portal column or ""}) says what each column is."""
    rows = read_rows(data, filename, strip=False)
    first = None
    seen = 0
    for number, cells in rows:
        seen = number
        cells = [c.strip() for c in cells]
        if not any(cells):
            if number >= HEADER_SEARCH_ROWS and first is None:
                break
            continue
        header = clean_header(cells)
        first = first or (number, header)
        fmt = detect(header)
        if fmt:  # (an XLSX has been checked by now: its size is read only after that)
            return Sheet(number, header, header, fmt, rows, max(estimate_rows(data) - number, 0))
        if number >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        if seen == 0:
            raise SpreadsheetError("ファイルが空です。")
        raise SpreadsheetError(
            f"最初の{HEADER_SEARCH_ROWS}行に見出しの行が見つかりません（空の行が続いています）。"
            "見出しの行をファイルの先頭近くに置いてください。"
        )
    number, header = first
    total = estimate_rows(data)
    if mapping:
        columns = [mapping.get(h, "") for h in header]
        if PortalFormat.score(columns):
            # The rows after the first non-empty one; a title row above the header is not supported here.
            rest = _rows_after(data, filename, number)
            return Sheet(number, header, columns, PortalFormat, rest, max(total - number, 0), mapping)
    return Sheet(number, header, header, None, iter(()), max(total - number, 0))


def _rows_after(data, filename, number):
    return itertools.dropwhile(lambda item: item[0] <= number, read_rows(data, filename, strip=False))


def unknown_header_message(sheet):
    names = "、".join(h for h in sheet.header[:6] if h)
    return (
        f"{sheet.header_row}行目の見出し（{names}…）から形式を判別できません。"
        "取り込めるのは 介護サービス情報公表システムのオープンデータCSV、地方厚生局の届出受理医療機関名簿、"
        "医療情報ネット（ナビイ）の施設票CSV、このポータルで書き出したファイル です。"
        "市で作った一覧は、列ごとに項目を対応づけると取り込めます。"
    )
