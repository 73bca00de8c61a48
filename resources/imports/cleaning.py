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
from resources.places import PREFECTURE_NAME

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


def code(value, label, length=None, note=None):
    """An official code: digits only, leading zeros kept (full-width digits accepted). A code
    one digit short that Excel turned into a number gets its leading 0 back (with a note)."""
    value = nfkc(value).replace("-", "").replace(",", "").replace(" ", "")
    if not value:
        raise CellError(f"{label}がありません。")
    if not value.isdigit():
        raise CellError(f"{label}は数字で入力してください（「{value}」）。")
    if length and len(value) == length - 1 and note:
        note(f"{label}「{value}」の先頭の0を補いました（Excelで数値になったものとみなしました）。")
        value = "0" + value
    if length and len(value) != length:
        raise CellError(
            f"{label}は{length}桁です（「{value}」は{len(value)}桁）。先頭の0が落ちていないか確認してください。"
        )
    return value


# 介護保険の事業所番号: 10 characters, the third a letter for some services (介護医療院 01B0100011).
_OFFICE_CODE = re.compile(r"[0-9]{2}[0-9A-Z][0-9]{7}")


def office_code(value, note=None, prefecture=""):
    """The 10-character 事業所番号, whose first two digits are the prefecture's code (every row of
    the national files agrees). Nine digits are one that lost its leading 0 to Excel only when
    the 0 makes it the row's `prefecture` (01–09); otherwise padding would file the office under
    another prefecture, so the row is refused, saying why."""
    value = nfkc(value).replace("-", "").replace(" ", "").upper()
    if not value:
        raise CellError("事業所番号がありません。")
    if len(value) == 9 and value.isdigit():
        padded = "0" + value
        if prefecture and padded[:2] == prefecture:
            if note:
                note(f"事業所番号「{value}」の先頭の0を補いました（Excelで数値になったものとみなしました）。")
            return padded
        if prefecture:
            raise CellError(
                f"事業所番号「{value}」は9桁です。先頭に0を補うと「{padded}」で{_prefecture(padded[:2])}の番号になり、"
                f"この行の都道府県（{_prefecture(prefecture)}）と合いません（事業所番号の先頭2桁は都道府県コードです）。"
                "10桁の番号を確かめて入力してください。"
            )
        raise CellError(
            f"事業所番号「{value}」は9桁です。この行の都道府県が分からないため、先頭の0が落ちたものか"
            "確かめられません。10桁の番号を入力してください。"
        )
    if not _OFFICE_CODE.fullmatch(value):
        raise CellError(f"事業所番号は10桁です（「{value}」）。先頭の0が落ちていないか確認してください。")
    return value


def _prefecture(code):
    return f"{PREFECTURE_NAME[code]}＝{code}" if code in PREFECTURE_NAME else code


_PHONE = re.compile(r"[0-9][0-9-]{5,18}")
_CLEAN_PHONE = re.compile(r"[0-9]+(?:-[0-9]+)*")  # what normalize_phone leaves as it is
_NOT_PHONE = re.compile(r"[^0-9-]")


def phone(value, note=None):
    """A phone or FAX number as the national files write it. Stray characters around the
    digits (`0974-34-3331.`, `0943-42-3131、`, `0829^-56-1129`) are removed, a leading 0 that
    Excel dropped is restored (each with a note); a cell with no number in it (`非公開`, `0`)
    is unusable."""
    if value.isascii() and _CLEAN_PHONE.fullmatch(value) and _PHONE.fullmatch(value) and value[0] == "0":
        return value  # already clean (most cells of most files): nothing to normalise
    raw = text(value)
    value = normalize_phone(raw)
    if not value:
        return ""
    if _NOT_PHONE.search(value):
        # Stray characters go; one between digits (0494-58/8188) separates them.
        cleaned = re.sub(r"(?<=[0-9])[^0-9-]+(?=[0-9])", "-", value)
        cleaned = re.sub(r"-{2,}", "-", _NOT_PHONE.sub("", cleaned)).strip("-")
        if not cleaned.strip("0-"):
            raise CellError(f"電話番号が書かれていません（「{raw}」）。")
        if note:
            note(f"電話番号の余分な文字を除きました（「{raw}」→「{cleaned}」）。")
        value = cleaned
    if not value.strip("0-"):
        raise CellError(f"電話番号が書かれていません（「{raw}」）。")
    digits_only = value.replace("-", "")
    if value[0] != "0" and len(digits_only) in (9, 10):
        if note:
            note(f"電話番号「{value}」の先頭に0がないため補いました。")
        value = "0" + value
    if not _PHONE.fullmatch(value):
        raise CellError(f"電話番号として読めません（「{raw}」）。")
    return value


def url(value, note=None):
    """Repairs the obvious breakage (`https：//`, `http//`, `http;//`, bare `www.`,
    `www,example,co,jp`); anything still not a URL is an error."""
    raw = nfkc(value).replace(" ", "")
    if not raw:
        return ""
    # The scheme however it was typed (`http//`, `http;//`, `http:www.`, `http//:`, `http,//`).
    value = re.sub(r"^(https?)[:;,/]+", r"\1://", raw, flags=re.IGNORECASE)
    scheme, sep, rest = value.rpartition("://")
    host, slash, path = rest.partition("/")
    value = f"{scheme}{sep}{host.replace(',', '.')}{slash}{path}"  # a host has no commas
    if value.lower().startswith("www.") or (
        "://" not in value and re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", value, re.IGNORECASE)
    ):
        value = "https://" + value
    try:
        _url_validator(value)
    except ValidationError:
        raise CellError(f"URLとして読めません（「{raw[:60]}」）。") from None
    if len(value) > 300:
        raise CellError("URLが長すぎます（300文字まで）。")
    if note and value != raw and value.lower() != raw.lower():
        note(f"URLを直しました（「{raw[:60]}」→「{value[:60]}」）。")
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
    or 、 → (`平日・土曜日` in the national order, [unknown tokens]). A file repeats a handful
    of values, so the answers are remembered."""
    value = nfkc(value)
    if not value:
        return "", ()
    tokens = [t for t in re.split(r"[,、・/\s]+", value) if t]
    unknown = tuple(t for t in tokens if t not in DAY_TOKENS)
    return "・".join(t for t in DAY_TOKENS if t in tokens), unknown
