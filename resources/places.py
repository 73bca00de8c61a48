"""Japanese local-government codes and names, and the directory's scope.

A 市町村コード (全国地方公共団体コード) has six digits: the prefecture (2), the municipality (3)
and a check digit. The national files write it with or without the check digit, so codes are
compared on their first five digits. A 政令指定都市 has a code of its own and one per ward
(北九州市 40100, its wards 40101–40109); a file writes the ward's.

Excel turns a code cell into a number and drops its leading zero: 北海道's 011029 becomes 11029,
which also reads as a 5-digit code of 埼玉県. The row's prefecture (its name or code column)
and the check digit tell the two apart (municipality_code)."""

import re
from dataclasses import dataclass, field

from coordination.models import Area
from coordination.text import nfkc

PREFECTURES = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
]  # fmt: skip
PREFECTURE_CODE = {name: f"{i:02d}" for i, name in enumerate(PREFECTURES, start=1)}
PREFECTURE_NAME = {code: name for name, code in PREFECTURE_CODE.items()}
PREFECTURE_RE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")
# A municipality at the start of an address (after the prefecture): 北九州市, 八頭郡八頭町, 中央区.
MUNICIPALITY_RE = re.compile(r"^(.+?郡.+?[町村]|.+?市|.+?区|.+?[町村])")

# 政令指定都市 (and Tokyo's 特別区部): the city's 5-digit code → the last of its wards' codes.
WARDS_OF = {
    "01100": "01110", "04100": "04105", "11100": "11110", "12100": "12106", "13100": "13123",
    "14100": "14118", "14130": "14137", "14150": "14153", "15100": "15108", "22100": "22103",
    "22130": "22138", "23100": "23116", "26100": "26111", "27100": "27128", "27140": "27147",
    "28100": "28111", "33100": "33104", "34100": "34108", "40100": "40109", "40130": "40137",
    "43100": "43105",
}  # fmt: skip


WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(code5):
    """The 6th digit: the first five weighted 6,5,4,3,2, summed; 11 minus the sum's remainder
    by 11, its last digit (so a remainder of 1 gives 0 and of 0 gives 1)."""
    total = sum(int(d) * w for d, w in zip(code5, WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def _readings(cell):
    """The 5-digit codes a code cell may stand for: none (no code), one, or two for a 5-digit
    number that is also a 6-digit code whose leading zero Excel dropped (11029: 埼玉県 11029, or
    北海道 01102 with its check digit 9). Only the check digit's agreement makes the second
    reading possible, so most 5-digit cells have one reading."""
    value = cell.strip()
    if not value.isascii():
        value = nfkc(value)
    if not value.isdigit():
        return ()
    if len(value) >= 6:
        return (value[:5],)
    if len(value) == 5:
        lost_zero = "0" + value[:4]
        if value[0] != "0" and check_digit(lost_zero) == value[4]:
            return value, lost_zero
        return (value,)
    if len(value) == 4:  # a 5-digit code without its check digit that lost its zero (01101 → 1101)
        return ("0" + value,)
    return ()


def municipality_code(cell, prefecture=""):
    """The 5-digit municipality code of a code cell, "" when it holds none. `prefecture` (2
    digits, the row's own) picks between the two readings of a 5-digit number; without it the
    number is read as written."""
    readings = _readings(cell)
    if not readings:
        return ""
    if len(readings) == 2 and prefecture and readings[1][:2] == prefecture:
        return readings[1]
    return readings[0]


def prefecture_code(value):
    """A prefecture cell (a name, or its code with or without the leading zero) → 2 digits, or ""."""
    value = nfkc(value or "")
    if value.isdigit():
        code = f"{int(value):02d}"
        return code if code in PREFECTURE_NAME else ""
    return PREFECTURE_CODE.get(value, "")


# The 地方厚生局 (or 支局) that publishes each prefecture's 届出受理医療機関名簿, one workbook per
# prefecture: where to send an admin whose workbook is another prefecture's.
BUREAU_PREFECTURES = {
    "北海道厚生局": "01",
    "東北厚生局": "02 03 04 05 06 07",
    "関東信越厚生局": "08 09 10 11 12 13 14 15 19 20",
    "東海北陸厚生局": "16 17 21 22 23 24",
    "近畿厚生局": "18 25 26 27 28 29 30",
    "中国四国厚生局": "31 32 33 34 35",
    "四国厚生支局": "36 37 38 39",
    "九州厚生局": "40 41 42 43 44 45 46 47",
}
BUREAU = {pref: bureau for bureau, prefs in BUREAU_PREFECTURES.items() for pref in prefs.split()}


def strip_prefecture(address):
    return PREFECTURE_RE.sub("", address)


def prefecture_of(address):
    m = PREFECTURE_RE.match(address)
    return PREFECTURE_CODE.get(m.group(1)) if m else None


def municipality_of(address):
    m = MUNICIPALITY_RE.match(strip_prefecture(address))
    return m.group(1) if m else ""


@dataclass
class Scope:
    """Which rows of a national file belong in this directory: prefectures (2-digit codes) and
    municipalities (5/6-digit codes, with their names where known, for rows without a code)."""

    prefectures: set = field(default_factory=set)
    municipalities: dict = field(default_factory=dict)  # 5-digit code → name ("" unknown)
    answers: dict = field(default_factory=dict, repr=False)  # a code cell → in scope or not

    @classmethod
    def for_directory(cls, extra_codes=()):
        """The areas with official codes (and the codes below them), plus `extra_codes` for one
        import. Empty when no area has a code: then nothing is out of scope."""
        scope = cls()
        areas = {a.pk: a for a in Area.objects.all()}
        named = {a.code[:5]: a.name for a in areas.values() if len(a.code) >= 5 and a.code.isdigit()}
        for area in areas.values():
            if area.code and area.code.isdigit():
                scope.add(area.code, area.name)
        for code in extra_codes:
            scope.add(code, named.get(code[:5], ""))
        return scope

    def add(self, code, name=""):
        if len(code) == 2:
            self.prefectures.add(code)
        elif len(code) >= 5:
            self.municipalities[code[:5]] = name or self.municipalities.get(code[:5], "")

    def __bool__(self):
        return bool(self.prefectures or self.municipalities)

    def describe(self):
        """The scope in words: prefectures, then municipalities (a city's wards go with it)."""
        names = [PREFECTURE_NAME.get(p, p) for p in sorted(self.prefectures)]
        names += [self.municipalities[code] or code for code in self.uncovered()]
        return "、".join(names)

    def uncovered(self):
        """The municipality codes not within a prefecture or a city of the scope, in order."""
        return [
            code
            for code in sorted(self.municipalities)
            if not (
                code[:2] in self.prefectures
                or any(city < code <= WARDS_OF.get(city, "") for city in self.municipalities)
            )
        ]

    def prefecture_codes(self):
        """The prefectures the scope lies in (2 digits, in order)."""
        return sorted(self.prefectures | {code[:2] for code in self.municipalities})

    def nameless(self):
        return sorted(code for code, name in self.municipalities.items() if not name)

    def _code_in(self, code5):
        if code5[:2] in self.prefectures or code5 in self.municipalities:
            return True
        return any(city < code5 <= WARDS_OF.get(city, "") for city in self.municipalities)

    def decides(self, code):
        """True/False when the municipality code alone answers, None when the row has none or
        its number needs the row's prefecture to be read (a 6-digit code that lost its zero)."""
        answer = self.answers.get(code)
        if answer is None:
            readings = _readings(code)
            if len(readings) != 1:
                return None
            answer = self.answers[code] = self._code_in(readings[0])
        return answer

    def contains(self, code="", prefecture="", municipality="", address=""):
        """By the municipality code when the row has one (read with the row's prefecture), else
        by the prefecture and the name at the start of its municipality or address."""
        if not self:
            return True
        answer = self.answers.get(code)
        if answer is not None:
            return answer
        address = nfkc(address)
        pref = prefecture_code(prefecture) or prefecture_of(address) or ""
        code5 = municipality_code(code, pref)
        if code5:
            answer = self._code_in(code5)
            if len(_readings(code)) == 1:  # the cell alone answers: remembered for the next row
                self.answers[code] = answer
            return answer
        if pref in self.prefectures:
            return True
        place = nfkc(municipality) or strip_prefecture(address)
        place = strip_prefecture(place).replace(" ", "").replace("\u3000", "")
        for city, name in self.municipalities.items():
            if name and (not pref or pref == city[:2]) and place.startswith(name):
                return True
        return False
