"""Reading a directory file: the rows of the first sheet, the header row found and the format
recognised from it (or a saved column mapping for a city's own sheet).

Two kinds of file are told apart here besides the formats. The portal's own file of rows it
could not import (`Plan.rejected_table`: a 行 column in front, a 取り込めなかった理由 column at the
end, the original header between) is read as the file it came from, without those two columns,
and marked partial: it lists a few rows, never a whole national file. And a file that is no table
of facilities at all (not a CSV or workbook by its content, one column, no column a facility's
name could be in) is refused with what was expected, instead of being offered for mapping."""

import itertools
from dataclasses import dataclass

from coordination.spreadsheets import SpreadsheetError, UndecodableRow, read_rows, xlsx_row_count
from resources.imports.formats import FORMATS, PortalFormat

HEADER_SEARCH_ROWS = 20  # the 厚生局 header is a few title rows down
TITLE_SEARCH_ROWS = 10  # a city's sheet: its header is the best of its first non-empty rows
SAMPLE_ROWS = 30  # data rows read for one example value per column (the mapping step)
# The columns the portal adds to the rows it gives back (Plan.rejected_table).
ROW_COLUMN, REASON_COLUMN = "行", "取り込めなかった理由"
PARTIAL_REFUSED = "refused"  # Sheet.partial: the portal's file of rows it could not import

EXPECTED = (
    "取り込めるのは、介護サービス情報公表システムのオープンデータCSV、地方厚生局の届出受理医療機関名簿（Excel）、"
    "医療情報ネット（ナビイ）の施設票CSV、このポータルで書き出したファイル、"
    "市などで作った施設の一覧（「名称」「事業所名」などの列と「種別」の列がある表）です。"
)


class NotATable(SpreadsheetError):
    """The file is no table of facilities at all: refused at the upload, before any batch."""


@dataclass
class Sheet:
    header_row: int
    header: list  # as the file writes it
    columns: list  # the names the format reads (the header, or the mapped names)
    format: type | None
    rows: object  # iterator of (row number, cells) after the header
    total: int  # an estimate of the data rows, for the progress bar
    mapping: dict | None = None
    partial: str = ""  # why the file lists only some rows of its source (PARTIAL_REFUSED)


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


def mapping_guesses(header):
    """What the mapping step would first choose for each column ("" for 取り込まない): the
    columns the importer knows in a sheet of no known format."""
    from resources.forms import ColumnMappingForm  # noqa: PLC0415 — the forms import this package

    return [field.initial for field in ColumnMappingForm(header=header).fields.values()]


def _portal_columns(header):
    """The positions of the columns the portal added to a file of rows it gave back (an empty set
    for any other file): the reason column, and the row column in front of it."""
    if REASON_COLUMN not in header:
        return set()
    drop = {header.index(REASON_COLUMN)}
    if header and header[0] == ROW_COLUMN:
        drop.add(0)
    return drop


def _without(rows, drop):
    """The rows without the cells at the positions in `drop`."""
    if not drop:
        return rows
    # type(cells): an UndecodableRow stays one.
    return ((number, type(cells)(c for i, c in enumerate(cells) if i not in drop)) for number, cells in rows)


def _cut(header, drop):
    return [h for i, h in enumerate(header) if i not in drop]


def open_sheet(data, filename, mapping=None):
    """The Sheet, or SpreadsheetError when the file cannot be read. A header the importer does
    not know comes back with `format` None (the batch then asks for a column mapping), unless
    `mapping` ({column: portal column or ""}) says what each column is."""
    rows = read_rows(data, filename, strip=False, lenient=True)
    candidates = []  # (row number, header, dropped positions) of the first non-empty rows
    seen = 0
    undecodable = 0  # the first row above the header whose bytes could not be read
    for number, cells in rows:
        seen = number
        if isinstance(cells, UndecodableRow):
            # A header cannot be told from a row whose bytes are lost: not a candidate.
            undecodable = undecodable or number
            continue
        cells = [c.strip() for c in cells]
        if not any(cells):
            if number >= HEADER_SEARCH_ROWS and not candidates:
                break
            continue
        header = clean_header(cells)
        drop = _portal_columns(header)
        header = _cut(header, drop)
        fmt = detect(header)
        if fmt:  # (an XLSX has been checked by now: its size is read only after that)
            return Sheet(
                number,
                header,
                header,
                fmt,
                _without(rows, drop),
                max(estimate_rows(data) - number, 0),
                partial=PARTIAL_REFUSED if drop else "",
            )
        if len(candidates) < TITLE_SEARCH_ROWS:
            candidates.append((number, header, drop))
        if number >= HEADER_SEARCH_ROWS:
            break
    if undecodable and (not candidates or undecodable < candidates[0][0]):
        # The first row with anything in it is most likely the header: the rows below it are
        # no header to guess from.
        raise SpreadsheetError(
            f"{undecodable}行目の文字コードを読み取れませんでした。見出しの行が読めないため、取り込めません。"
            "UTF-8 または Shift_JIS（CP932）で保存し直してください。"
        )
    if not candidates:
        if seen == 0:
            raise SpreadsheetError("ファイルが空です。")
        raise SpreadsheetError(
            f"最初の{HEADER_SEARCH_ROWS}行に見出しの行が見つかりません（空の行が続いています）。"
            "見出しの行をファイルの先頭近くに置いてください。"
        )
    # A city's sheet may have a title (and a date, a note) above its header: the header is the
    # row with the most column names the mapping knows, the first such row on a tie; with none
    # known, the first row of more than one cell (a title has one).
    ranks = [
        (sum(1 for guess in mapping_guesses(header) if guess), min(sum(1 for h in header if h), 2))
        for _, header, _ in candidates
    ]
    number, header, drop = candidates[ranks.index(max(ranks))]
    total = max(estimate_rows(data) - number, 0)
    partial = PARTIAL_REFUSED if drop else ""
    rest = _without(_rows_after(data, filename, number), drop)
    if mapping:
        columns = [mapping.get(h, "") for h in header]
        if PortalFormat.score(columns):
            return Sheet(number, header, columns, PortalFormat, rest, total, mapping, partial)
    return Sheet(number, header, header, None, rest, total, partial=partial)


def _rows_after(data, filename, number):
    return itertools.dropwhile(
        lambda item: item[0] <= number, read_rows(data, filename, strip=False, lenient=True)
    )


def column_samples(sheet):
    """One example value per column (the first non-empty one of the first data rows), for the
    mapping step: a column's name alone does not always say what it holds."""
    samples = [""] * len(sheet.header)
    try:
        for _, cells in itertools.islice(sheet.rows, SAMPLE_ROWS):
            for i, cell in enumerate(cells[: len(samples)]):
                if not samples[i] and cell and cell.strip():
                    samples[i] = cell.strip()[:40]
            if all(samples):
                break
    except SpreadsheetError:  # further down the file: the preview says so once mapped
        pass
    return samples


def not_a_table(data):
    """Why the bytes are neither a CSV nor an Excel workbook, judged by their content (a name
    ending in .csv says nothing); "" when they may be one (reading them says the rest)."""
    head = data[:8192]
    if head.startswith(b"PK"):
        return ""  # a workbook (or a zip: the reader says which)
    if head.startswith(b"%PDF"):
        return "PDFファイルです。表はCSVかExcel（.xlsx）で取り込みます。" + EXPECTED
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "古い形式のExcelファイル（.xls）です。Excelで開いて「Excel ブック（.xlsx）」か"
            "「CSV UTF-8（コンマ区切り）」で保存し直してください。"
        )
    if b"\x00" in head:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return (
                "UTF-16のテキスト（Excelの「Unicode テキスト」）です。Excelで開いて"
                "「CSV UTF-8（コンマ区切り）」か「Excel ブック（.xlsx）」で保存し直してください。"
            )
        return (
            "CSV（文字だけのファイル）でもExcel（.xlsx）でもありません（画像や別のソフトのファイルのようです）。"
            + EXPECTED
        )
    return ""


def unmappable(sheet):
    """Why a sheet of no known format cannot be mapped either ("" when it can): a single column
    (a memo, a list of words, a tab-separated text), or no column a facility's name could be in
    (a list of people, a population table). The mapping needs 名称 and 種別."""
    names = "、".join(h for h in sheet.header[:6] if h) or "（空）"
    filled = [h for h in sheet.header if h]
    if len(filled) < 2:
        if any("\t" in h for h in filled):
            return (
                "タブ区切りのテキストのようです。Excelで開いて「CSV UTF-8（コンマ区切り）」か"
                "「Excel ブック（.xlsx）」で保存し直してください。"
            )
        return (
            f"表の形になっていません（{sheet.header_row}行目に列が1つしかありません: 「{names[:40]}」）。"
            + EXPECTED
        )
    if "名称" not in mapping_guesses(sheet.header):
        return (
            f"{sheet.header_row}行目の見出し（{names}…）に、施設の名称にあたる列がありません。"
            "施設の一覧ではないファイルのようです。" + EXPECTED
        )
    return ""


def unknown_header_message(sheet):
    names = "、".join(h for h in sheet.header[:6] if h)
    return (
        f"{sheet.header_row}行目の見出し（{names}…）から形式を判別できません。"
        "取り込めるのは 介護サービス情報公表システムのオープンデータCSV、地方厚生局の届出受理医療機関名簿、"
        "医療情報ネット（ナビイ）の施設票CSV、このポータルで書き出したファイル です。"
        "市で作った一覧は、列ごとに項目を対応づけると取り込めます。"
    )
