"""Japanese local-government codes and names, and the directory's scope.

A 市町村コード (全国地方公共団体コード) has six digits: the prefecture (2), the municipality (3)
and a check digit. The national files write it with or without the check digit, so codes are
compared on their first five digits. A 政令指定都市 has a code of its own and one per ward
(北九州市 40100, its wards 40101–40109); a file writes the ward's."""

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
        for code, name in sorted(self.municipalities.items()):
            covered = code[:2] in self.prefectures or any(
                city < code <= WARDS_OF.get(city, "") for city in self.municipalities
            )
            if not covered:
                names.append(name or code)
        return "、".join(names)

    def nameless(self):
        return sorted(code for code, name in self.municipalities.items() if not name)

    def _code_in(self, code5):
        if code5[:2] in self.prefectures or code5 in self.municipalities:
            return True
        return any(city < code5 <= WARDS_OF.get(city, "") for city in self.municipalities)

    def decides(self, code):
        """True/False when the municipality code alone answers, None when the row has none."""
        answer = self.answers.get(code)
        if answer is None:
            stripped = code.strip()
            if len(stripped) < 5 or not stripped[:5].isdigit():
                return None
            answer = self.answers[code] = self._code_in(stripped[:5])
        return answer

    def contains(self, code="", prefecture="", municipality="", address=""):
        """By the municipality code when the row has one, else by the prefecture and the name
        at the start of its municipality or address."""
        if not self:
            return True
        answer = self.answers.get(code)
        if answer is not None:
            return answer
        stripped = code.strip()
        if len(stripped) >= 5 and stripped[:5].isdigit():
            answer = self._code_in(stripped[:5])
            self.answers[code] = answer
            return answer
        prefecture = nfkc(prefecture)
        pref = f"{int(prefecture):02d}" if prefecture.isdigit() else PREFECTURE_CODE.get(prefecture, "")
        address = nfkc(address)
        pref = pref or prefecture_of(address) or ""
        if pref in self.prefectures:
            return True
        place = nfkc(municipality) or strip_prefecture(address)
        place = strip_prefecture(place).replace(" ", "").replace("\u3000", "")
        for city, name in self.municipalities.items():
            if name and (not pref or pref == city[:2]) and place.startswith(name):
                return True
        return False
