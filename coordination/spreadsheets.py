"""Reading the spreadsheets people upload: CSV (UTF-8 with or without BOM, or CP932 as Excel
saves it) and XLSX. Everything that can go wrong becomes a SpreadsheetError with a Japanese
message; nothing here writes to the database."""

import csv
import datetime
import io
import warnings
import zipfile

from django.conf import settings

XLSX_MAX_ENTRIES = 200
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 150  # uncompressed / compressed, per entry (zip bombs go far beyond)


class SpreadsheetError(ValueError):
    pass


def error_lines(errors):
    """(row, column, message) → `3行目「電話番号」: …`; row 0 is a message about the whole file."""
    return [
        f"{row}行目「{column}」: {message}" if column else (f"{row}行目: {message}" if row else message)
        for row, column, message in errors
    ]


def decode_csv(data):
    """bytes → str, trying UTF-8 (BOM or not) and then CP932."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(
                "UTF-8の印（BOM）が付いていますが、中身がUTF-8ではありません"
                f"（先頭から{exc.start}バイト目付近）。UTF-8 で保存し直してください。"
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "文字コードを判別できません。UTF-8 または Shift_JIS（CP932）で保存したCSVを指定してください。"
        ) from None


class UndecodableRow(list):
    """The cells of a CSV row some of whose bytes are not text in the file's encoding (a stray
    byte, a line pasted from a file of another encoding): the bad bytes read as U+FFFD. Only
    read_rows(lenient=True) yields them; its caller sets the row aside instead of the file."""


UNDECODABLE_MESSAGE = (
    "文字コードを読み取れませんでした（この行だけ別の文字コードか、壊れた文字が混じっています）。"
)
REPLACEMENT = "\ufffd"


def _as_utf8(line):
    """The line's text if it is UTF-8, else None."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_csv_lenient(data):
    """bytes → (str, whether bytes were replaced) for a file where a few lines may not decode:
    the encoding is the one most of its non-ASCII lines are in (UTF-8, else CP932), judged line
    by line, and the bytes it cannot read become U+FFFD, so that only the rows holding them are
    lost. In a CP932 file a line that is UTF-8 (pasted from another file) is read as UTF-8:
    Japanese in CP932 is almost never valid UTF-8, while UTF-8 read as CP932 often passes without
    an error as mojibake (ひまわり → 縺ｲ縺ｾ繧上ｊ), which would be imported as the name. A file
    most of whose lines are unreadable is refused as decode_csv refuses it."""
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    lines = body.split(b"\n")
    as_utf8 = [_as_utf8(line) for line in lines]  # each line decoded once (ASCII ones are UTF-8)
    foreign = sum(1 for line in lines if not line.isascii())
    utf8 = sum(
        1 for line, text in zip(lines, as_utf8, strict=True) if text is not None and not line.isascii()
    )
    if bom or utf8 * 2 > foreign:
        text, good = body.decode("utf-8", errors="replace"), utf8
    else:
        read = [
            text if text is not None else line.decode("cp932", errors="replace")
            for line, text in zip(lines, as_utf8, strict=True)
        ]
        cp932 = sum(
            1 for text, got in zip(as_utf8, read, strict=True) if text is None and REPLACEMENT not in got
        )
        text, good = "\n".join(read), utf8 + cp932
    if good * 2 <= foreign:
        # Not a few bad lines: the file is in another encoding. decode_csv fails on these bytes
        # too (both strict decodings failed above) and says why in its words.
        decode_csv(data)
        raise SpreadsheetError("文字コードを判別できません。")
    return text, REPLACEMENT in text


def check_xlsx(data):
    """Inspect the zip before openpyxl opens it: entry count and uncompressed size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetError(
            "Excelファイル（.xlsx）として読み込めません。ファイルが壊れているか、別の形式です。"
        ) from None
    entries = archive.infolist()
    if len(entries) > XLSX_MAX_ENTRIES:
        raise SpreadsheetError("Excelファイルの構成が異常です（内部ファイルが多すぎます）。")
    total = sum(e.file_size for e in entries)
    if total > XLSX_MAX_UNCOMPRESSED or any(
        e.compress_size and e.file_size / e.compress_size > XLSX_MAX_RATIO for e in entries
    ):
        raise SpreadsheetError("Excelファイルの展開後のサイズが異常に大きいため、読み込みを中止しました。")
    if "[Content_Types].xml" not in archive.namelist():
        raise SpreadsheetError("Excelファイル（.xlsx）として読み込めません。")


def read_rows(data, filename, strip=True, lenient=False):
    """(row number, [cells as str]) for every row, header included. Row numbers are the ones
    Excel shows (1-based). strip=False leaves a CSV's cells as they are (the caller strips the
    rows it keeps: most rows of a national file are dropped unread). lenient=True: a CSV row
    with bytes its encoding cannot read comes as an UndecodableRow instead of refusing the file
    (the directory import sets such rows aside; an all-or-nothing import keeps refusing)."""
    if not data:
        raise SpreadsheetError("ファイルが空です。")
    limit = getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)
    if len(data) > limit:
        raise SpreadsheetError(
            f"ファイルが大きすぎます（上限 {limit // (1024 * 1024)}MB）。分割して取り込んでください。"
        )
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) and not data.startswith(b"PK"):
        raise SpreadsheetError(
            "このファイルはHTML（またはXML）で、Excel形式ではありません。Excelで開いて「.xlsx」または「CSV」で保存し直してください。"
        )
    name = filename.lower()
    if data.startswith(b"PK"):
        return _xlsx_rows(data)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise SpreadsheetError(
            "Excelファイル（.xlsx）として読み込めません。ファイルが壊れているか、別の形式です。"
        )
    return _csv_rows(data, strip, lenient)


def _csv_rows(data, strip=True, lenient=False):
    if lenient:
        text, flag = decode_csv_lenient(data)
    else:
        text, flag = decode_csv(data), False
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, row in enumerate(reader, start=1):
            cells = list(map(str.strip, row)) if strip else row
            if flag and any(REPLACEMENT in cell for cell in cells):
                cells = UndecodableRow(cells)
            yield number, cells
    except csv.Error as exc:
        raise SpreadsheetError(f"CSVの形式に誤りがあります（{reader.line_num}行目付近: {exc}）。") from None


def xlsx_row_count(data):
    """The number of rows the first sheet declares (its dimension), for a progress bar; 0
    when the workbook does not say."""
    from openpyxl import load_workbook  # noqa: PLC0415 — heavy, loaded only when a workbook is read

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True)
            rows = workbook.worksheets[0].max_row or 0
            workbook.close()
            return rows
    except Exception:  # the reader reports an unreadable file with its own message
        return 0


def _xlsx_rows(data):
    check_xlsx(data)

    from openpyxl import load_workbook  # noqa: PLC0415 — heavy, loaded only when a workbook is read

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception:
            raise SpreadsheetError("Excelファイル（.xlsx）として読み込めません。") from None
    sheet = workbook.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = []
        for col, value in enumerate(row, start=1):
            if isinstance(value, str) and value.startswith("="):
                raise SpreadsheetError(
                    f"{number}行目 {col}列目: 数式（{value[:30]}）は取り込めません。値に変換して保存し直してください。"
                )
            cells.append(_cell_text(value))
        while cells and cells[-1] == "":
            cells.pop()
        yield number, cells
    workbook.close()


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
