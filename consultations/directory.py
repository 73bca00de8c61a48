"""「この相談の地域で資源を探す」: the directory searches the consultation page offers, with how
many facilities each finds. Every condition at once often finds nothing (a 小倉南区 clinic that
does 訪問診療 and registered 褥瘡 too), so the page also offers each kind and capability alone,
with the area."""

import typing

from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode

from consultations.panels import SEARCH_PARAM
from resources.filters import FacilityFilter
from resources.models import Facility, LookupNames


class Search(typing.NamedTuple):
    url: str
    asks: list  # what it asks, as the page says it
    count: int


class DirectorySearches(typing.NamedTuple):
    all: Search | None  # every condition at once (the page's button)
    parts: list  # each kind or capability alone (with the area), when there are two or more
    browse: str  # the search without conditions, for a consultation that names none


def _for(url, consultation):
    """`url` for `consultation`: the search page then offers 「この相談に記録」 on each result
    (consultations.panels; the page keeps the parameter through its form)."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode({SEARCH_PARAM: consultation.pk})}"


def _count(url, user, names):
    query = QueryDict(url.split("?", 1)[1])
    filterset = FacilityFilter(query, queryset=Facility.objects.all(), user=user, names=names)
    return filterset.qs.count() if filterset.is_valid() else 0


def directory_searches(consultation, user):
    """The searches of `consultation` for `user` (counted as the search page counts them for that
    user), or DirectorySearches(None, [], browse) when there is nothing to ask."""
    names = LookupNames()
    url, asks = consultation.directory_search(names)
    search_url = reverse("resources:search")
    if url is None:
        return DirectorySearches(None, [], _for(search_url, consultation))
    everything = Search(_for(url, consultation), asks, _count(url, user, names))
    area, conditions = consultation.directory_conditions(names)
    parts = []
    if len(conditions) > 1:
        for key, pk, name in conditions:
            part_url = f"{search_url}?{urlencode(([area[:2]] if area else []) + [(key, pk)])}"
            parts.append(Search(_for(part_url, consultation), [name], _count(part_url, user, names)))
    return DirectorySearches(everything, parts, _for(search_url, consultation))
