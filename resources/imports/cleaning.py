"""Cell cleaners for the directory imports: each takes the raw text of one cell and returns
the value to store, or raises CellError with a Japanese message (the caller adds the row and
the column). The quirks handled here are the ones seen in the real national files."""

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from coordination.dates import parse_wareki
from coordination.text import nfkc as text_nfkc
from coordination.text import normalize_phone

FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
LINE_BREAK_MARK = "（改行）"
_url_validator = URLValidator(schemes=["http", "https"])


class CellError(ValueError):
    pass


def text(value):
    """Strip, undo the export's formula guard ('=…), turn （改行） into a line break.
    Called for every cell of big files: the common case returns early."""
    if not value:
        return ""
    value = value.strip()
    if value[:1] == "'" and value[1:2] in FORMULA_CHARS:
        value = value[1:]
    if LINE_BREAK_MARK in value:
        value = value.replace(LINE_BREAK_MARK, "\n")
    if "\r" in value:
        value = value.replace("\r\n", "\n")
    return value


def nfkc(value):
    """text() then NFKC (addresses, names, codes). Called for most cells of big files: a
    cell that needs nothing of text() but the strip goes straight to NFKC."""
    if not value:
        return ""
    value = value.strip()
    if value[:1] == "'" or "\r" in value or LINE_BREAK_MARK in value:
        value = text(value)
    return text_nfkc(value)


def code(value, label, length=None):
    """An official code: digits only, leading zeros kept (full-width digits accepted)."""
    value = nfkc(value).replace("-", "").replace(",", "").replace(" ", "")
    if not value:
        raise CellError(f"{label}がありません。")
    if not value.isdigit():
        raise CellError(f"{label}は数字で入力してください（「{value}」）。")
    if length and len(value) != length:
        raise CellError(
            f"{label}は{length}桁です（「{value}」は{len(value)}桁）。先頭の0が落ちていないか確認してください。"
        )
    return value


_PHONE = re.compile(r"[0-9][0-9-]{5,18}")
_CLEAN_PHONE = re.compile(r"[0-9]+(?:-[0-9]+)*")  # what normalize_phone leaves as it is


def phone(value):
    if value.isascii() and _CLEAN_PHONE.fullmatch(value) and _PHONE.fullmatch(value):
        return value  # already clean (most cells of most files): nothing to normalise
    value = normalize_phone(text(value))
    if value and not _PHONE.fullmatch(value):
        raise CellError(f"電話番号として読めません（「{value}」）。")
    return value


def url(value):
    """Repairs the obvious breakage (`https：//`, bare `www.`); anything still not a URL is
    an error."""
    value = nfkc(value).replace(" ", "")
    if not value:
        return ""
    value = re.sub(r"^(https?):/*", r"\1://", value, flags=re.IGNORECASE)
    if value.lower().startswith("www.") or (
        "://" not in value and re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", value, re.IGNORECASE)
    ):
        value = "https://" + value
    try:
        _url_validator(value)
    except ValidationError:
        raise CellError(f"URLとして読めません（「{value[:60]}」）。") from None
    if len(value) > 300:
        raise CellError("URLが長すぎます（300文字まで）。")
    return value


def coordinate(value, label, low, high):
    """Latitude/longitude; empty and 0 mean unknown."""
    value = nfkc(value)
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(f"{label}は数値で入力してください（「{value}」）。") from None
    if number == 0:
        return None
    if not low <= number <= high:
        raise CellError(f"{label}が範囲外です（「{value}」）。")
    return number.quantize(Decimal("0.000001"))


def latitude(value):
    return coordinate(value, "緯度", 20, 46)


def longitude(value):
    return coordinate(value, "経度", 122, 154)


def capacity(value):
    """定員: a whole number; 0 is what the national data writes for 'not entered'."""
    value = nfkc(value).removesuffix("人").removesuffix("床")
    if not value:
        return None
    if not value.isdigit():
        raise CellError(f"定員は数字で入力してください（「{value}」）。")
    return int(value) or None


def beds(value):
    """Free-text bed counts of the 厚生局 lists (`一般　　15／療養　　4`) → their sum."""
    numbers = [int(n) for n in re.findall(r"\d+", nfkc(value))]
    return sum(numbers) or None


def date(value, label):
    """2026-04-01, 2026/4/1, or 和暦 (`令和 4年10月 1日`, `R4.10.1`)."""
    value = nfkc(value)
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?: 0?0:00(?::00)?)?", value)
    if m:
        try:
            return datetime.date(*(int(g) for g in m.groups()))
        except ValueError:
            raise CellError(f"{label}「{value}」は存在しない日付です。") from None
    m = re.fullmatch(r"([RHS])(\d{1,2})\.(\d{1,2})\.(\d{1,2})", value, re.IGNORECASE)
    if m:
        era = {"R": "令和", "H": "平成", "S": "昭和"}[m.group(1).upper()]
        value = f"{era}{m.group(2)}年{m.group(3)}月{m.group(4)}日"
    if re.match(r"^(明治|大正|昭和|平成|令和)", value):
        parsed = parse_wareki(value)
        if parsed is None:
            raise CellError(f"{label}「{value}」は存在しない日付です。")
        return parsed
    raise CellError(f"{label}「{value}」を日付として読めません（2026-04-01 または 令和8年4月1日）。")


DAY_TOKENS = ["平日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日", "祝日"]


@functools.lru_cache(maxsize=256)
def opening_days(value):
    """利用可能曜日: tokens (平日/土曜日/日曜日/祝日) in one cell, separated by commas, spaces
    or 、 → `平日・土曜日` in the national order. A file repeats a handful of values, so
    the answers are remembered (a CellError is raised again each time)."""
    value = nfkc(value)
    if not value:
        return ""
    tokens = [t for t in re.split(r"[,、・/\s]+", value) if t]
    unknown = [t for t in tokens if t not in DAY_TOKENS]
    if unknown:
        raise CellError(f"利用可能曜日に知らない語があります（「{'、'.join(unknown)}」）。")
    return "・".join(t for t in DAY_TOKENS if t in tokens)
