"""The four directory formats, each recognised from its header row. A format turns one data
row into a Record (the values of the fields it owns) or a list of (column, message) errors.
Which fields each format owns is written in docs/import.md; keep the two in step."""

import re
from dataclasses import dataclass

from coordination.text import normalize
from resources.exporting import COLUMN_FIELDS, PROFESSIONAL_COLUMNS, PUBLIC_COLUMNS
from resources.imports import cleaning
from resources.imports.cleaning import CellError
from resources.models import WEEKDAYS, ContactWindow, Facility, FacilityKind
from resources.reference import KOUSEIKYOKU_SYMBOLS, NATIONAL_SERVICES


@dataclass
class Record:
    row: int
    key: str  # what identifies the facility in this format (code, ナビイ ID, portal ID)
    kind: FacilityKind | None
    values: dict  # model field → value, only the fields the format owns
    capabilities: dict | None = None  # capability id → since (None: the format says nothing)
    specialties: set | None = None
    windows: list | None = None  # [(kind, weekday, start, end, method)]
    # The row a new facility would get, built ahead by the reading thread (Matcher.new_row).
    new_row: dict | None = None


class Lookups:
    """Small reference tables, loaded once per import."""

    def __init__(self):
        from coordination.models import Area
        from resources.models import Capability, Specialty

        self.kinds = list(FacilityKind.objects.all())
        self.kind_by_name = {normalize(k.name): k for k in self.kinds}
        self.kind_by_code = {k.code: k for k in self.kinds}
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
        self.service_by_name = {normalize(name): target for name, target in NATIONAL_SERVICES.values()}
        self._national = {}

    def area_for(self, address):
        for key, area in self.area_keys:
            if key in address:
                return area
        return None

    def national_kind(self, service):
        """サービスの種類 (name or code) → FacilityKind, or None. A file has one or a few
        distinct values, so the answer is remembered."""
        if service not in self._national:
            value = cleaning.nfkc(service)
            target = NATIONAL_SERVICES[value][1] if value in NATIONAL_SERVICES else None
            target = target or self.service_by_name.get(normalize(value))
            if target:
                kind = self.kind_by_service.get(target)
            else:
                kind = self.kind_by_name.get(normalize(value)) or self.kind_by_name.get(
                    normalize(value + "事業所")
                )
            self._national[service] = kind
        return self._national[service]


def _join_address(address, building):
    address, building = cleaning.nfkc(address), cleaning.nfkc(building)
    if building and building not in address:  # the national data often repeats the 方書
        address = f"{address} {building}"
    return address


class Format:
    code = ""
    label = ""
    columns = []  # the header as the real files have it
    required = []
    key_column = ""
    owned = []  # model fields the format may write
    rows_merge = False  # several rows per facility (厚生局: one row per 届出)
    match_group = None  # FacilityKind.Group the key is unique in

    @classmethod
    def score(cls, header):
        known = sum(1 for h in header if h in cls.columns)
        return known / len(cls.columns) if cls.columns else 0

    def __init__(self, lookups):
        self.lk = lookups
        self.warnings = []  # (row, column, message): kept, imported without the value

    def warn(self, row, column, message):
        self.warnings.append((row, column, message))


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

    def parse(self, number, v):
        errors, values = [], {}

        def take(column, cleaner, *args):
            try:
                return cleaner(v.get(column, ""), *args)
            except CellError as exc:
                errors.append((column, str(exc)))
                return None

        key = take("事業所番号", cleaning.code, "事業所番号", 10)
        kind = self.lk.national_kind(v.get("サービスの種類", ""))
        if kind is None:
            errors.append(
                (
                    "サービスの種類",
                    f"「{v.get('サービスの種類', '')}」は知らないサービスの種類です（施設種別に登録してください）。",
                )
            )
        values["name"] = cleaning.nfkc(v.get("事業所名", ""))[:200]
        if not values["name"]:
            errors.append(("事業所名", "事業所名がありません。"))
        values["name_kana"] = cleaning.nfkc(v.get("事業所名カナ", ""))[:200]
        city = cleaning.nfkc(v.get("市区町村名", ""))
        address = _join_address(v.get("住所", ""), v.get("方書（ビル名等）", ""))
        pref = cleaning.nfkc(v.get("都道府県名", ""))
        if city and city not in address:  # 住所 without the prefecture and city
            address = city + address
        if pref and not address.startswith(pref):
            address = pref + address
        values["address"] = address[:300]
        values["latitude"] = take("緯度", cleaning.latitude)
        values["longitude"] = take("経度", cleaning.longitude)
        values["phone"] = take("電話番号", cleaning.phone)
        values["fax"] = take("FAX番号", cleaning.phone)
        values["corporation_number"] = cleaning.nfkc(v.get("法人番号", ""))[:13]
        if values["corporation_number"] and not values["corporation_number"].isdigit():
            errors.append(("法人番号", f"法人番号は13桁の数字です（「{values['corporation_number']}」）。"))
        values["corporation_name"] = cleaning.nfkc(v.get("法人の名称", ""))[:200]
        values["opening_days"] = take("利用可能曜日", cleaning.opening_days)
        values["capacity"] = take("定員", cleaning.capacity)
        try:
            values["url"] = cleaning.url(v.get("URL", ""))
        except CellError as exc:
            self.warn(number, "URL", f"{exc} URLは取り込みません。")
            values["url"] = ""
        notes = [cleaning.text(v.get("利用可能曜日特記事項", "")), cleaning.text(v.get("備考", ""))]
        values["public_note"] = "\n".join(n for n in notes if n)
        values["area"] = self.lk.area_for(address)
        if errors:
            return None, errors
        return Record(number, key, kind, values), []


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

    def kind_for(self, division, kind_name, capacity, symbols):
        division = cleaning.nfkc(division)
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

    def parse(self, number, v):
        errors, values = [], {}
        try:
            key = cleaning.code(v.get("医療機関番号", ""), "医療機関番号")
        except CellError as exc:
            key = None
            errors.append(("医療機関番号", str(exc)))
        values["name"] = cleaning.nfkc(v.get("医療機関名称", ""))[:200]
        if not values["name"]:
            errors.append(("医療機関名称", "医療機関名称がありません。"))
        postal = cleaning.nfkc(v.get("医療機関所在地（郵便番号）", "")).lstrip("〒").strip()
        if postal and not re.fullmatch(r"\d{3}-?\d{4}", postal):
            errors.append(("医療機関所在地（郵便番号）", f"郵便番号として読めません（「{postal}」）。"))
        if re.fullmatch(r"\d{7}", postal):
            postal = f"{postal[:3]}-{postal[3:]}"
        values["postal_code"] = postal
        values["address"] = cleaning.nfkc(v.get("医療機関所在地（住所）", ""))[:300]
        for column, name in (("電話番号", "phone"), ("FAX番号", "fax")):
            try:
                values[name] = cleaning.phone(v.get(column, ""))
            except CellError as exc:
                errors.append((column, str(exc)))
        values["capacity"] = cleaning.beds(v.get("病床数", ""))
        values["area"] = self.lk.area_for(values["address"])
        symbol = cleaning.nfkc(v.get("受理記号", "")).replace(" ", "")
        since = None
        for column in ("算定開始年月日", "個別有効開始年月日"):
            try:
                since = since or cleaning.date(v.get(column, ""), column)
            except CellError as exc:
                errors.append((column, str(exc)))
        capabilities = {}
        capability_code = KOUSEIKYOKU_SYMBOLS.get(symbol)
        if capability_code and capability_code in self.lk.capabilities:
            capabilities[self.lk.capabilities[capability_code].pk] = since
        if errors:
            return None, errors
        kind = self.kind_for(v.get("区分", ""), v.get("種別", ""), values["capacity"], [symbol])
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

    def parse(self, number, v):
        errors, values = [], {}
        try:
            key = cleaning.code(v.get("ID", ""), "ID", 13)
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
        values["name"] = cleaning.nfkc(v.get("正式名称", ""))[:200]
        if not values["name"]:
            errors.append(("正式名称", "正式名称がありません。"))
        values["name_kana"] = cleaning.nfkc(v.get("正式名称（フリガナ）", ""))[:200]
        values["address"] = cleaning.nfkc(v.get("所在地", ""))[:300]
        for column, name, cleaner in (
            ("所在地座標（緯度）", "latitude", cleaning.latitude),
            ("所在地座標（経度）", "longitude", cleaning.longitude),
        ):
            try:
                values[name] = cleaner(v.get(column, ""))
            except CellError as exc:
                errors.append((column, str(exc)))
        raw_url = v.get("案内用ホームページアドレス", "") or v.get("薬局のホームページアドレス", "")
        try:
            values["url"] = cleaning.url(raw_url)
        except CellError as exc:
            self.warn(number, "案内用ホームページアドレス", f"{exc} URLは取り込みません。")
            values["url"] = ""
        values["closed_days"] = self.closed_days(v)[:100]
        beds = v.get("合計病床数", "")
        values["capacity"] = cleaning.beds(beds) if beds else None
        values["area"] = self.lk.area_for(values["address"])
        if errors:
            return None, errors
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

    def parse(self, number, v):
        errors, values = [], {}
        raw_id = cleaning.nfkc(v.get("ID", ""))
        if raw_id and not raw_id.isdigit():
            errors.append(("ID", f"IDは数字です（「{raw_id}」）。新しい施設はIDを空にしてください。"))
        kind = self.lk.kind_by_name.get(normalize(v.get("種別", "")))
        if kind is None:
            errors.append(("種別", f"「{v.get('種別', '')}」は施設種別にありません。"))
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
    """`月 13:00-14:00 電話; 木 12:30-13:00 FAX` (what resources.exporting.windows_text writes)."""
    import datetime

    windows = []
    for part in re.split(r"[;；]", cleaning.nfkc(cell)):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\S)\s*(\d{1,2}):(\d{2})\s*[-~〜]\s*(\d{1,2}):(\d{2})\s*(\S*)", part)
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
        windows.append((kind, WEEKDAYS.index(m.group(1)), start, end, method))
    return windows


FORMATS = [KouseikyokuFormat, NaviiFormat, KaigoFormat, PortalFormat]
