"""The centers' public face (/centers/): what residents and professionals read before they call.

These pages live in consultations, not coordination, because they are the consultation window's
public side and because 「どのセンターに相談すればよいか」 places an address with the directory's
geo code (resources.geo), which coordination may not import (docs/architecture.md). Nothing here
reads a consultation record: the only figure shown is a yearly count, suppressed when small."""

from dataclasses import dataclass

from django.db.models import Sum

from consultations.models import DailyTally
from consultations.reports import suppress
from coordination import dates
from coordination.models import Area, Center
from coordination.text import normalize
from resources.geo import geocode_address
from resources.models import Facility

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
    """Consultations of the last full 年度, as published (small counts as 「-」)."""
    fy = dates.fiscal_year(dates.today()) - 1
    start, end = dates.fiscal_year_range(fy)
    n = (
        DailyTally.objects.filter(center=center, kind="total", day__gte=start, day__lte=end).aggregate(
            n=Sum("n")
        )["n"]
        or 0
    )
    return dates.fiscal_year_label(fy), suppress(n)


@dataclass
class Answer:
    area: Area | None
    centers: list
    how: str


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


def find_center(text):
    """「どのセンターに相談すればよいか」: a ward (or 圏域) named in the address decides; else the
    address is placed with the directory's facilities (resources.geo, no outside geocoder) and
    the area of the nearest registered facility decides. None when nothing places it."""
    wanted = normalize(text or "")
    if not wanted:
        return None
    areas = [a for a in Area.objects.exclude(kind=Area.Kind.CITY) if normalize(a.name) in wanted]
    if areas:
        area = max(areas, key=lambda a: len(a.name))
        return Answer(area, centers_covering(area), f"住所の「{area.name}」から")
    place = geocode_address(text)
    if place is None:
        return None
    nearest = Facility.objects.near(place.latitude, place.longitude).exclude(area=None).select_related("area")
    facility = nearest.order_by("distance_sq").first()
    if facility is None:
        return None
    return Answer(facility.area, centers_covering(facility.area), place.how)
