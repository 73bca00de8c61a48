"""The four directory formats, each recognised from its header row. A format turns one data
row into a Record (the values of the fields it owns) or a list of (column, message) errors.
Which fields each format owns is written in docs/import.md; keep the two in step."""

import datetime
import re
from dataclasses import dataclass

from coordination.models import Area
from coordination.text import normalize
from resources.exporting import COLUMN_FIELDS, PROFESSIONAL_COLUMNS, PUBLIC_COLUMNS
from resources.geo import DailyAreas
from resources.imports import cleaning
from resources.imports.cleaning import CellError
from resources.models import (
    WEEKDAYS,
    Capability,
    ContactWindow,
    Facility,
    FacilityKind,
    SearchSynonym,
    Specialty,
)
from resources.places import (
    PREFECTURE_CODE,
    PREFECTURE_NAME,
    municipality_code,
    municipality_of,
    prefecture_code,
    prefecture_of,
)
from resources.reference import KOUSEIKYOKU_SYMBOLS, MAIN_KIND_PRECEDENCE, NATIONAL_SERVICES


@dataclass
class Record:
    row: int
    key: str  # what identifies the facility in this format (code, ナビイ ID, portal ID)
    kind: FacilityKind | None
    values: dict  # model field → value, only the fields the format owns
    capabilities: dict | None = None  # capability id → since (None: the format says nothing)
    specialties: set | None = None
    windows: list | None = None  # [(kind, weekday, start, end, method, note)]
    cells: list | None = None  # the row as read, for the rejected-rows file
    current: dict | None = None  # the matched facility's values (matching)
    joins_by_name: bool = False  # matched by name and address, not by its code (fills gaps only)
    municipality_code: str = ""  # 5 digits, from the file's code column


class Lookups:
    """Small reference tables, loaded once per import."""

    def __init__(self):
        self.kinds = list(FacilityKind.objects.all())
        self.kind_by_name = {normalize(k.name): k for k in self.kinds}
        self.kind_by_code = {k.code: k for k in self.kinds}
        self.kind_by_pk = {k.pk: k for k in self.kinds}
        self.kind_by_service = {k.service_code: k for k in self.kinds if k.service_code}
        self.capabilities = {c.code: c for c in Capability.objects.all()}
        self.capability_by_name = {normalize(c.name): c for c in self.capabilities.values()}
        self.specialty_by_name = {normalize(s.name): s for s in Specialty.objects.all()}
        areas = list(Area.objects.select_related("parent"))
        self.area_by_name = {}
        for area in areas:
            self.area_by_name.setdefault(normalize(area.name), area)
        # Addresses name the city and the ward: 北九州市小倉北区… → the ward.
        self.area_keys = []
        for area in areas:
            if area.kind == Area.Kind.WARD and area.parent and area.parent.kind == Area.Kind.CITY:
                self.area_keys.append((cleaning.nfkc(area.parent.name + area.name), area))
            elif area.kind == Area.Kind.CITY:
                self.area_keys.append((cleaning.nfkc(area.name), area))
        self.area_keys.sort(key=lambda item: -len(item[0]))
        self.daily_areas = DailyAreas()
        self.service_by_name = {normalize(name): target for name, target in NATIONAL_SERVICES.values()}
        bases = {}
        for name, target in NATIONAL_SERVICES.values():
            bases.setdefault(normalize(re.split(r"[（(]", name, maxsplit=1)[0]), set()).add(target)
        self.kind_by_base = {
            base: self.kind_by_service[targets.pop()]
            for base, targets in bases.items()
            if len(targets) == 1 and next(iter(targets)) in self.kind_by_service
        }
        self._national = {}
        self._synonyms = None

    def kind_for_sheet(self, value):
        """種別 as a person wrote it in a sheet: the kind's name, a national service name
        (訪問看護 → 訪問看護ステーション) or a search synonym (訪看, 特養)."""
        folded = normalize(value)
        if not folded:
            return None
        if self._synonyms is None:
            self._synonyms = {}
            for term, kind_id in SearchSynonym.objects.filter(kind__isnull=False).values_list("term", "kind"):
                self._synonyms.setdefault(normalize(term), self.kind_by_pk.get(kind_id))
        return (
            self.kind_by_name.get(folded)
            or self.kind_by_code.get(SHEET_KIND_WORDS.get(folded, ""))
            or self.national_kind(value)
            or self._synonyms.get(folded)
        )

    def kind_precedes(self, kind, other_id):
        """Whether `kind` is shown before the kind with id `other_id` as an office's main kind."""
        other = self.kind_by_pk.get(other_id)
        return other is not None and main_kind_rank(kind) < main_kind_rank(other)

    def area_for(self, address):
        for key, area in self.area_keys:
            if key in address:
                # National files name the ward; its 圏域 where the city has listed their towns.
                return (
                    self.daily_areas.of(address, area.pk) if area.kind == Area.Kind.WARD else None
                ) or area
        return None

    def national_kind(self, service, file_service=""):
        """サービスの種類 as the file spells it → FacilityKind, else the kind of the file's own
        service code (`jigyosho_334.csv`), else None. A file has one or a few distinct values,
        so the answer is remembered."""
        key = (service, file_service)
        if key not in self._national:
            kind = self._kind_named(cleaning.nfkc(service))
            if kind is None and file_service in NATIONAL_SERVICES:
                kind = self.kind_by_service.get(NATIONAL_SERVICES[file_service][1])
            self._national[key] = kind
        return self._national[key]

    def _kind_named(self, value):
        if not value:
            return None
        if value in NATIONAL_SERVICES:  # a service code
            return self.kind_by_service.get(NATIONAL_SERVICES[value][1])
        for name in (value, value.removeprefix("指定"), value.removeprefix("指定").removesuffix("事業所")):
            target = self.service_by_name.get(normalize(name)) or SERVICE_ALIASES.get(name)
            if target:
                return self.kind_by_service.get(target)
            kind = self.kind_by_name.get(normalize(name)) or self.kind_by_name.get(normalize(name + "事業所"))
            if kind:
                return kind
        # Nested or new bracketed variants (特定施設入居者生活介護（有料老人ホーム（サービス付き…））):
        # the name before the first bracket, when it names one kind only.
        base = normalize(re.split(r"[（(]", value, maxsplit=1)[0].removeprefix("指定"))
        return self.kind_by_base.get(base)


def main_kind_rank(kind):
    """An office that provides several services is shown under the first of them in
    MAIN_KIND_PRECEDENCE (a 老健 that also runs 短期入所療養介護 is a 老健)."""
    try:
        return MAIN_KIND_PRECEDENCE.index(kind.service_code)
    except ValueError:
        return len(MAIN_KIND_PRECEDENCE) + kind.sort_order


# Spellings seen in the national files that name no service of the list exactly.
SERVICE_ALIASES = {"療養通所介護": "155"}

# Words a city's sheet uses for a kind the directory names otherwise (歯科 → 歯科診療所), by the
# kind's code; the kinds' own names, the national services' names and the search synonyms (訪看,
# ケアマネ) are read besides.
SHEET_KIND_WORDS = {
    normalize(word): code
    for word, code in {
        "歯科": "dental",
        "歯科医院": "dental",
        "歯科クリニック": "dental",
        "歯医者": "dental",
        "調剤薬局": "pharmacy",
        "保険薬局": "pharmacy",
        "医院": "clinic",
        "クリニック": "clinic",
        "一般診療所": "clinic",
        "特養": "special-nursing-home",
        "特別養護老人ホーム": "special-nursing-home",
        "老健": "health-facility",
        "地域包括": "community-support",
        "ケアプランセンター": "care-management",
    }.items()
}


def _fold_ke(text):
    """保土ケ谷区 and 保土ヶ谷区 (and the small カ) are the same place."""
    return text.replace("ヶ", "ケ").replace("ヵ", "カ").replace("ｹ", "ケ")


def join_address(prefecture, municipality, address, building=""):
    """都道府県名 + 市区町村名 + 住所 + 方書, without doubling what 住所 already repeats: the
    prefecture, the city or the ward written again (`小倉北区小倉北区片野…`, `福岡県 北九州市 戸畑区…`,
    `保土ヶ谷区` for 保土ケ谷区), or the 方書 already at its end."""
    prefecture, municipality = cleaning.nfkc(prefecture), cleaning.nfkc(municipality)
    rest, building = cleaning.nfkc(address), cleaning.nfkc(building)
    parts = [p for p in (prefecture, municipality, *_municipality_parts(municipality)) if p]
    parts.sort(key=len, reverse=True)
    folded_parts = [_fold_ke(p) for p in parts]
    while True:
        rest = rest.lstrip(" \u3000")
        folded = _fold_ke(rest)
        part = next((p for p in folded_parts if folded.startswith(p)), None)
        if part is None:
            break
        rest = rest[len(part) :]
    address = prefecture + municipality + rest
    if building and not address.endswith(building) and building not in address:
        address = f"{address} {building}"
    return address


def _municipality_parts(municipality):
    m = re.fullmatch(r"(.+?[市郡])(.+?[区町村])", municipality)
    return m.groups() if m else ()


class Format:
    code = ""
    label = ""
    columns = []  # the header as the real files have it
    required = []
    key_column = ""
    owned = []  # model fields the format may write
    rows_merge = False  # several rows per facility (厚生局: one row per 届出)
    match_group = None  # FacilityKind.Group the key is unique in
    national = True  # a national file: rows outside the directory's scope are left out

    @classmethod
    def score(cls, header):
        known = sum(1 for h in header if h in cls.columns)
        return known / len(cls.columns) if cls.columns else 0

    def __init__(self, lookups, filename=""):
        self.lk = lookups
        self.filename = filename
        self.warnings = []  # (row, column, message): the row imported, the cell repaired or left out

    def warn(self, row, column, message):
        self.warnings.append((row, column, message))

    # Where a row is, for the scope: (municipality code, prefecture, municipality, address),
    # each the first non-empty of its columns. Nothing for a format without a scope.
    place_columns = ((), (), (), ())

    def bind(self, header):
        """Column positions of the place cells in this file's header (rows are checked against
        the scope before they are parsed, and most rows of a national file are not the city's)."""
        self._place_index = [
            [header.index(c) for c in columns if c in header] for columns in self.place_columns
        ]
        self.code_index = self._place_index[0][0] if self._place_index[0] else None
        self.labels = {}

    def place_of(self, cells):
        width = len(cells)
        return tuple(
            next((cells[i] for i in indexes if i < width and cells[i]), "") for indexes in self._place_index
        )

    def municipality_code(self, cells):
        """The row's 5-digit municipality code ("" when it has none), its number read with the
        row's prefecture (a 6-digit code Excel cut to 5 digits is told from a 5-digit one)."""
        code, prefecture, _, address = self.place_of(cells)
        if not code:
            return ""
        return municipality_code(
            code, prefecture_code(prefecture) or prefecture_of(cleaning.nfkc(address)) or ""
        )

    def key_of(self, values):
        """The key of a row set aside, when it can still be read, else None: the file lists that
        facility even though the row cannot be imported (so it is not gone from the source)."""
        return None

    def name_and_address(self, values):
        """The name and address of a row set aside, as parse() would store them ("" when the
        format has none): such a row may still be a facility the file seems to leave out."""
        return "", ""

    def label_of(self, cells, code):
        """place_label() of a row known by its municipality code (read once per code)."""
        label = self.labels.get(code)
        return label if label is not None else self.place_label(self.place_of(cells), code)

    def place_label(self, place, code=None):
        """「福岡県久留米市」 for the out-of-scope count (remembered: a file repeats its places,
        and a municipality code always names the same place)."""
        code_cell, prefecture, municipality, address = place
        key = code if code is not None else ((code_cell, prefecture, municipality) if municipality else place)
        label = self.labels.get(key)
        if label is None:
            address = cleaning.nfkc(address)
            prefecture = cleaning.nfkc(prefecture)
            if prefecture.isdigit():
                prefecture = PREFECTURE_NAME.get(f"{int(prefecture):02d}", prefecture)
            prefecture = prefecture or PREFECTURE_NAME.get(prefecture_of(address) or "", "")
            municipality = cleaning.nfkc(municipality) or municipality_of(address)
            label = self.labels[key] = f"{prefecture}{municipality}" or "（所在地不明）"
        return label

    def optional(self, number, column, cleaner, raw, *args):
        """A cell the row can do without: repaired where the cleaner can (a note), else left
        out with a warning; never a reason to set the row aside."""

        def note(message):
            self.warn(number, column, message)

        try:
            return cleaner(raw, *args, note=note) if _takes_note(cleaner) else cleaner(raw, *args)
        except CellError as exc:
            self.warn(number, column, f"{exc} この項目は取り込みません。")
            return None


def _required_name(v, column, errors):
    """The facility's name from `column` (NFKC, at most 200 characters); a row without one gets
    an error naming that column, which sets it aside."""
    name = cleaning.nfkc(v.get(column, ""))[:200]
    if not name:
        errors.append((column, f"{column}がありません。"))
    return name


def _takes_note(cleaner):
    return cleaner in (cleaning.phone, cleaning.url, cleaning.code, cleaning.office_code)


def _coordinates(fmt, number, v, lat_column, lng_column):
    """Both or neither: a pin with one bad half (outside Japan, unreadable) is left out."""
    lat = fmt.optional(number, lat_column, cleaning.latitude, v.get(lat_column, ""))
    lng = fmt.optional(number, lng_column, cleaning.longitude, v.get(lng_column, ""))
    return (lat, lng) if lat is not None and lng is not None else (None, None)


class KaigoFormat(Format):
    code = "kaigo"
    label = "介護サービス情報公表システム オープンデータ"
    columns = [
        "都道府県コード又は市町村コード",
        "No",
        "都道府県名",
        "市区町村名",
        "事業所名",
        "事業所名カナ",
        "サービスの種類",
        "住所",
        "方書（ビル名等）",
        "緯度",
        "経度",
        "電話番号",
        "FAX番号",
        "法人番号",
        "法人の名称",
        "事業所番号",
        "利用可能曜日",
        "利用可能曜日特記事項",
        "定員",
        "URL",
        "高齢者の方と障害者の方が同時一体的に利用できるサービス",
        "介護保険の通常の指定基準を満たしている",
        "障害福祉の通常の指定基準を満たしている",
        "備考",
    ]
    required = ["事業所名", "サービスの種類", "住所", "事業所番号"]
    key_column = "事業所番号"
    owned = [
        "name",
        "name_kana",
        "address",
        "latitude",
        "longitude",
        "phone",
        "fax",
        "corporation_number",
        "corporation_name",
        "opening_days",
        "capacity",
        "url",
        "public_note",
        "area",
    ]
    match_group = FacilityKind.Group.CARE

    def __init__(self, lookups, filename=""):
        super().__init__(lookups, filename)
        m = re.search(r"jigyosho_(\d{3})", filename or "")
        self.file_service = m.group(1) if m else ""

    place_columns = (("都道府県コード又は市町村コード",), ("都道府県名",), ("市区町村名",), ("住所",))

    @staticmethod
    def row_prefecture(v):
        """The row's prefecture code: from its municipality code (read with 都道府県名), else
        from 都道府県名 or the address."""
        named = prefecture_code(v.get("都道府県名", ""))
        cell = v.get("都道府県コード又は市町村コード", "")
        code = municipality_code(cell, named)
        if code:
            return code[:2]
        return prefecture_code(cell) or named or prefecture_of(cleaning.nfkc(v.get("住所", ""))) or ""

    def key_of(self, values):
        try:
            return cleaning.office_code(values.get("事業所番号", ""), prefecture=self.row_prefecture(values))
        except CellError:
            return None

    def name_and_address(self, values):
        address = join_address(
            values.get("都道府県名", ""),
            values.get("市区町村名", ""),
            values.get("住所", ""),
            values.get("方書（ビル名等）", ""),
        )
        return cleaning.nfkc(values.get("事業所名", "")), address

    def parse(self, number, v):
        errors, values = [], {}
        try:
            key = cleaning.office_code(
                v.get("事業所番号", ""),
                note=lambda m: self.warn(number, "事業所番号", m),
                prefecture=self.row_prefecture(v),
            )
        except CellError as exc:
            key = None
            errors.append(("事業所番号", str(exc)))
        service = v.get("サービスの種類", "")
        kind = self.lk.national_kind(service, self.file_service)
        if kind is None:
            errors.append(
                (
                    "サービスの種類",
                    f"「{service}」は知らないサービスの種類です（管理画面の施設種別に登録すると取り込めます）。",
                )
            )
        values["name"] = _required_name(v, "事業所名", errors)
        if errors:
            return None, errors
        values["name_kana"] = cleaning.nfkc(v.get("事業所名カナ", ""))[:200]
        values["address"] = join_address(
            v.get("都道府県名", ""), v.get("市区町村名", ""), v.get("住所", ""), v.get("方書（ビル名等）", "")
        )[:300]
        values["latitude"], values["longitude"] = _coordinates(self, number, v, "緯度", "経度")
        values["phone"] = self.optional(number, "電話番号", cleaning.phone, v.get("電話番号", "")) or ""
        values["fax"] = self.optional(number, "FAX番号", cleaning.phone, v.get("FAX番号", "")) or ""
        corporation = cleaning.nfkc(v.get("法人番号", ""))
        if corporation and not (corporation.isdigit() and len(corporation) == 13):
            self.warn(
                number,
                "法人番号",
                f"法人番号は13桁の数字です（「{corporation}」）。この項目は取り込みません。",
            )
            corporation = ""
        values["corporation_number"] = corporation
        values["corporation_name"] = cleaning.nfkc(v.get("法人の名称", ""))[:200]
        days, unknown = cleaning.opening_days(v.get("利用可能曜日", ""))
        if unknown:
            self.warn(number, "利用可能曜日", f"知らない語を除きました（「{'、'.join(unknown)}」）。")
        values["opening_days"] = days
        values["capacity"] = self.optional(number, "定員", cleaning.capacity, v.get("定員", ""))
        values["url"] = self.optional(number, "URL", cleaning.url, v.get("URL", "")) or ""
        notes = [cleaning.text(v.get("利用可能曜日特記事項", "")), cleaning.text(v.get("備考", ""))]
        values["public_note"] = "\n".join(n for n in notes if n)
        values["area"] = self.lk.area_for(values["address"])
        return Record(number, key, kind, values), []


# 地方厚生局: 区分 → the digit of the 10-digit 医療機関コード (都道府県 2 + 区分 1 + 番号 7).
DIVISIONS = {"医科": "1", "歯科": "3", "薬局": "4"}


class KouseikyokuFormat(Format):
    code = "kouseikyoku"
    label = "地方厚生局 届出受理医療機関名簿"
    columns = [
        "項番",
        "都道府県コード",
        "都道府県名",
        "区分",
        "医療機関番号",
        "併設医療機関番号",
        "医療機関記号番号",
        "医療機関名称",
        "医療機関所在地（郵便番号）",
        "医療機関所在地（住所）",
        "電話番号",
        "FAX番号",
        "病床数",
        "受理届出名称",
        "受理記号",
        "受理番号",
        "算定開始年月日",
        "個別有効開始年月日",
        "備考（見出し）",
        "備考（データ）",
        "市町村コード",
        "市町村名",
        "種別コード",
        "種別",
    ]
    required = ["項番", "医療機関番号", "医療機関名称", "医療機関所在地（住所）", "受理記号"]
    key_column = "医療機関番号"
    owned = ["name", "postal_code", "address", "phone", "fax", "capacity", "area"]
    rows_merge = True
    match_group = FacilityKind.Group.MEDICAL

    @classmethod
    def score(cls, header):
        return 1.0 if "項番" in header else 0

    place_columns = (
        ("市町村コード",),
        ("都道府県コード", "都道府県名"),
        ("市町村名",),
        ("医療機関所在地（住所）",),
    )

    def kind_for(self, division, kind_name, capacity, symbols):
        if "歯" in division:
            return self.lk.kind_by_code.get("dental")
        if "薬" in division:
            return self.lk.kind_by_code.get("pharmacy")
        named = self.lk.kind_by_name.get(normalize(kind_name))
        if named and named.group == FacilityKind.Group.MEDICAL:
            return named
        if any(s.startswith(("支援病", "在後病")) for s in symbols) or (capacity or 0) >= 20:
            return self.lk.kind_by_code.get("hospital")
        return self.lk.kind_by_code.get("clinic")

    def national_key(self, number, v, errors, warn=None):
        """The 10-digit 医療機関コード: the 7-digit 医療機関番号 repeats across prefectures and
        across 医科/歯科/薬局. `warn(row, column, message)`: the notes (self.warn by default)."""
        warn = warn or self.warn
        try:
            local = cleaning.code(
                v.get("医療機関番号", ""),
                "医療機関番号",
                7,
                note=lambda m: warn(number, "医療機関番号", m),
            )
        except CellError as exc:
            errors.append(("医療機関番号", str(exc)))
            return None, ""
        prefecture = cleaning.nfkc(v.get("都道府県コード", ""))
        if not (prefecture.isdigit() and len(prefecture) in (1, 2)):
            prefecture = PREFECTURE_CODE.get(cleaning.nfkc(v.get("都道府県名", ""))) or ""
        if not prefecture:
            errors.append(
                ("都道府県コード", "都道府県コードも都道府県名もないため、医療機関コードを作れません。")
            )
            return None, ""
        division = cleaning.nfkc(v.get("区分", ""))
        digit = next((d for name, d in DIVISIONS.items() if name[0] in division), None)
        if digit is None:
            digit = "1"
            warn(
                number,
                "区分",
                f"区分「{division}」が医科・歯科・薬局のどれでもないため、医科として扱います。",
            )
        return f"{int(prefecture):02d}{digit}{local}", division

    def key_of(self, values):
        key, _ = self.national_key(0, values, [], warn=lambda *args: None)
        return key

    def name_and_address(self, values):
        return cleaning.nfkc(values.get("医療機関名称", "")), cleaning.nfkc(
            values.get("医療機関所在地（住所）", "")
        )

    def parse(self, number, v):
        errors, values = [], {}
        key, division = self.national_key(number, v, errors)
        values["name"] = _required_name(v, "医療機関名称", errors)
        if errors:
            return None, errors
        postal = cleaning.nfkc(v.get("医療機関所在地（郵便番号）", "")).lstrip("〒").strip()
        if postal and not re.fullmatch(r"\d{3}-?\d{4}", postal):
            self.warn(
                number,
                "医療機関所在地（郵便番号）",
                f"郵便番号として読めません（「{postal}」）。この項目は取り込みません。",
            )
            postal = ""
        if re.fullmatch(r"\d{7}", postal):
            postal = f"{postal[:3]}-{postal[3:]}"
        values["postal_code"] = postal
        # The lists leave the prefecture out of the address (鳥取市湖山町…): put it in front, as
        # the other sources write it, so that the directory's addresses read alike.
        prefecture = cleaning.nfkc(v.get("都道府県名", "")) or PREFECTURE_NAME.get(key[:2], "")
        values["address"] = join_address(prefecture, "", v.get("医療機関所在地（住所）", ""))[:300]
        values["phone"] = self.optional(number, "電話番号", cleaning.phone, v.get("電話番号", "")) or ""
        values["fax"] = self.optional(number, "FAX番号", cleaning.phone, v.get("FAX番号", "")) or ""
        values["capacity"] = cleaning.beds(v.get("病床数", ""))
        values["area"] = self.lk.area_for(values["address"])
        symbol = cleaning.nfkc(v.get("受理記号", "")).replace(" ", "")
        since = None
        for column in ("算定開始年月日", "個別有効開始年月日"):
            since = since or self.optional(number, column, cleaning.date, v.get(column, ""), column)
        capabilities = {}
        capability_code = KOUSEIKYOKU_SYMBOLS.get(symbol)
        if capability_code and capability_code in self.lk.capabilities:
            capabilities[self.lk.capabilities[capability_code].pk] = since
        kind = self.kind_for(division, v.get("種別", ""), values["capacity"], [symbol])
        return Record(number, key, kind, values, capabilities=capabilities), []

    def merge(self, record, other):
        """Another 届出 row of the same facility: its capability is added."""
        record.capabilities.update(other.capabilities)
        if record.kind and record.kind.code == "clinic" and other.kind and other.kind.code == "hospital":
            record.kind = other.kind


NAVII_KINDS = {"1": "hospital", "2": "clinic", "3": "dental", "5": "pharmacy"}


class NaviiFormat(Format):
    code = "navii"
    label = "医療情報ネット（ナビイ）オープンデータ"
    columns = [
        "ID",
        "正式名称",
        "正式名称（フリガナ）",
        "略称",
        "略称（フリガナ）",
        "英語表記（ローマ字表記）",
        "機関区分",
        "都道府県コード",
        "市区町村コード",
        "所在地",
        "所在地座標（緯度）",
        "所在地座標（経度）",
        "案内用ホームページアドレス",
    ]
    required = ["ID", "正式名称", "機関区分", "所在地"]
    key_column = "ID"
    owned = [
        "navii_id",
        "name",
        "name_kana",
        "address",
        "latitude",
        "longitude",
        "url",
        "closed_days",
        "capacity",
        "area",
    ]
    match_group = FacilityKind.Group.MEDICAL

    @classmethod
    def score(cls, header):
        if header[:2] != ["ID", "正式名称"]:
            return 0
        return super().score(header)

    place_columns = (("市区町村コード",), ("都道府県コード",), (), ("所在地",))

    def key_of(self, values):
        try:
            return cleaning.code(values.get("ID", ""), "ID", 13)
        except CellError:
            return None

    def name_and_address(self, values):
        return cleaning.nfkc(values.get("正式名称", "")), cleaning.nfkc(values.get("所在地", ""))

    def parse(self, number, v):
        errors, values = [], {}
        try:
            key = cleaning.code(v.get("ID", ""), "ID", 13, note=lambda m: self.warn(number, "ID", m))
        except CellError as exc:
            key = None
            errors.append(("ID", str(exc)))
        division = cleaning.nfkc(v.get("機関区分", ""))
        kind = self.lk.kind_by_code.get(NAVII_KINDS.get(division, "")) or self.lk.kind_by_name.get(
            normalize(division)
        )
        if kind is None:
            errors.append(
                (
                    "機関区分",
                    f"「{division}」は知らない機関区分です（1 病院・2 診療所・3 歯科診療所・5 薬局）。",
                )
            )
        values["navii_id"] = key
        values["name"] = _required_name(v, "正式名称", errors)
        if errors:
            return None, errors
        values["name_kana"] = cleaning.nfkc(v.get("正式名称（フリガナ）", ""))[:200]
        values["address"] = cleaning.nfkc(v.get("所在地", ""))[:300]
        values["latitude"], values["longitude"] = _coordinates(
            self, number, v, "所在地座標（緯度）", "所在地座標（経度）"
        )
        url_column = (
            "案内用ホームページアドレス"
            if v.get("案内用ホームページアドレス")
            else "薬局のホームページアドレス"
        )
        values["url"] = self.optional(number, url_column, cleaning.url, v.get(url_column, "")) or ""
        values["closed_days"] = self.closed_days(v)[:100]
        beds = v.get("合計病床数", "")
        values["capacity"] = cleaning.beds(beds) if beds else None
        values["area"] = self.lk.area_for(values["address"])
        return Record(number, key, kind, values), []

    @staticmethod
    def closed_days(v):
        """Weekly closing days: flag columns such as `毎週決まった曜日に休診（月）` = 1/○, or a
        text column such as `休診日`."""
        days, notes = [], []
        for column, value in v.items():
            if not any(word in column for word in ("休診", "定休", "休業")):
                continue
            value = cleaning.nfkc(value)
            if not value or value in ("0", "×", "無", "なし", "false", "FALSE"):
                continue
            day = next((d for d in WEEKDAYS if f"（{d}" in column or f"({d}" in column), None)
            if day and value in ("1", "○", "有", "あり", "true", "TRUE"):
                days.append(day)
            elif not day:
                notes.append(value)
        return "・".join(days + notes)


class PortalFormat(Format):
    """The portal's own export (resources/exporting.py). A person edited it, so what it
    changes counts as a hand edit."""

    code = "portal"
    label = "このポータルの書式（書き出したファイル）"
    national = False  # the city's own data: no scope
    columns = PUBLIC_COLUMNS + PROFESSIONAL_COLUMNS
    required = ["種別", "名称"]  # without ID every row is a new facility (a city's own sheet)
    key_column = "ID"
    COLUMN_FIELDS = COLUMN_FIELDS
    TEXT_LIMITS = {f.name: f.max_length for f in Facility._meta.fields if getattr(f, "max_length", None)}

    @classmethod
    def score(cls, header):
        """The portal's columns, or a city's own sheet that uses at least 種別 and 名称 (the
        columns it does not know are reported and left out)."""
        if "種別" not in header or "名称" not in header:
            return 0
        return max(super().score(header), 0.5)

    def owned_in(self, header):
        return [self.COLUMN_FIELDS[c] for c in header if c in self.COLUMN_FIELDS] + (
            ["kind"] if "種別" in header else []
        )

    def __init__(self, lookups, filename=""):
        super().__init__(lookups, filename)
        self.unknown_kinds = {}  # a 種別 value no kind has → the first row that wrote it

    def kind_error(self, number, value):
        """The accepted values, listed once per wrong value (at its first row; later rows point
        there), so that the admin can correct the sheet without looking them up."""
        value = cleaning.nfkc(value)
        first = self.unknown_kinds.setdefault(value, number)
        said = f"「{value}」は施設種別にありません" if value else "種別がありません"
        if first != number:
            return f"{said}（使える値は{first}行目の説明にあります）。"
        names = "、".join(k.name for k in self.lk.kinds)
        return f"{said}。次のどれかで書いてください: {names}（歯科・調剤薬局・特養・老健 などの言い方も読めます）。"

    def parse(self, number, v):
        errors, values = [], {}
        raw_id = cleaning.nfkc(v.get("ID", ""))
        if raw_id and not raw_id.isdigit():
            errors.append(("ID", f"IDは数字です（「{raw_id}」）。新しい施設はIDを空にしてください。"))
        kind = self.lk.kind_for_sheet(v.get("種別", ""))
        if kind is None:
            errors.append(("種別", self.kind_error(number, v.get("種別", ""))))
        for column, name in self.COLUMN_FIELDS.items():
            if column not in v:
                continue
            raw = v[column]
            try:
                values[name] = self.clean(name, raw)
            except CellError as exc:
                errors.append((column, str(exc)))
        if not values.get("name"):
            errors.append(("名称", "名称がありません。"))
        capabilities = specialties = windows = None
        if "在宅対応機能" in v:
            capabilities, bad = self.names(v["在宅対応機能"], self.lk.capability_by_name)
            capabilities = {c.pk: None for c in capabilities}
            if bad:
                errors.append(("在宅対応機能", f"登録されていない機能です: {'、'.join(bad)}"))
        if "診療科目" in v:
            specialties, bad = self.names(v["診療科目"], self.lk.specialty_by_name)
            specialties = {s.pk for s in specialties}
            if bad:
                errors.append(("診療科目", f"登録されていない診療科目です: {'、'.join(bad)}"))
        if "ケアマネタイム" in v or "連絡を避けてほしい時間" in v:
            windows = []
            for column, window_kind in (
                ("ケアマネタイム", ContactWindow.Kind.CALL),
                ("連絡を避けてほしい時間", ContactWindow.Kind.AVOID),
            ):
                try:
                    windows += parse_windows(v.get(column, ""), window_kind)
                except CellError as exc:
                    errors.append((column, str(exc)))
        if errors:
            return None, errors
        record = Record(number, raw_id, kind, values, capabilities, specialties, windows)
        return record, []

    def clean(self, name, raw):
        if name in ("latitude", "longitude"):
            return getattr(cleaning, name)(raw)
        if name == "capacity":
            return cleaning.capacity(raw)
        if name in ("confirmed_on", "accepting_stated_on"):
            return cleaning.date(raw, "日付")
        if name in ("phone", "fax", "direct_phone"):
            return cleaning.phone(raw)
        if name == "url":
            return cleaning.url(raw)
        if name == "code":
            value = cleaning.nfkc(raw)
            return cleaning.code(value, "医療機関番号・事業所番号") if value else ""
        if name == "area":
            value = cleaning.nfkc(raw)
            if not value:
                return None
            area = self.lk.area_by_name.get(normalize(value))
            if area is None:
                raise CellError(f"地域「{value}」が登録されていません。")
            return area
        if name == "accepting":
            value = cleaning.nfkc(raw)
            labels = {label: key for key, label in Facility.Accepting.choices}
            if not value:
                return ""
            if value not in labels:
                names = "・".join(name for name in labels if name != "不明")
                raise CellError(f"「{value}」は受入状況にありません（{names}）。")
            return labels[value]
        value = cleaning.text(raw)
        limit = self.TEXT_LIMITS.get(name)
        if limit and len(value) > limit:
            raise CellError(f"長すぎます（{limit}文字まで、この値は{len(value)}文字）。")
        return value

    @staticmethod
    def names(cell, table):
        found, bad = [], []
        for name in re.split(r"[;；、]", cleaning.text(cell)):
            name = name.strip()
            if not name:
                continue
            item = table.get(normalize(name))
            (found if item else bad).append(item or name)
        return found, bad


METHODS = {label: value for value, label in ContactWindow.Method.choices}


def parse_windows(cell, kind):
    """`月 13:00-14:00 電話; 木 12:30-13:00 FAX（第2週は休み）` (what resources.exporting.windows_text
    writes) → [(kind, weekday, start, end, method, note)]. The 補足 in brackets is taken as written,
    not folded as the rest of the cell, so that an unchanged cell is an unchanged window."""
    windows = []
    note_limit = ContactWindow._meta.get_field("note").max_length
    for raw in re.split(r"[;；]", cleaning.text(cell)):
        part = cleaning.nfkc(raw)
        if not part:
            continue
        m = re.fullmatch(
            r"(\S)\s*(\d{1,2}):(\d{2})\s*[-~〜]\s*(\d{1,2}):(\d{2})\s*([^\s(]*)\s*(\(.*\))?", part
        )
        if not m or m.group(1) not in WEEKDAYS:
            raise CellError(f"「{part}」を読めません（例: 月 13:00-14:00 電話）。")
        try:
            start = datetime.time(int(m.group(2)), int(m.group(3)))
            end = datetime.time(int(m.group(4)), int(m.group(5)))
        except ValueError:
            raise CellError(f"「{part}」の時刻が正しくありません。") from None
        if start >= end:
            raise CellError(f"「{part}」の終了時刻が開始時刻より前です。")
        method = METHODS.get(m.group(6) or "電話")
        if method is None:
            raise CellError(f"「{m.group(6)}」は連絡方法にありません（{'・'.join(METHODS)}）。")
        note = ""
        if m.group(7):
            raw = raw.strip()
            opening = [at for at in (raw.find("（"), raw.find("(")) if at >= 0]
            note = (raw[min(opening) + 1 : -1] if opening else m.group(7)[1:-1]).strip()
            if len(note) > note_limit:
                raise CellError(f"「{part}」の補足は{note_limit}文字までです。")
        windows.append((kind, WEEKDAYS.index(m.group(1)), start, end, method, note))
    return windows


FORMATS = [KouseikyokuFormat, NaviiFormat, KaigoFormat, PortalFormat]
