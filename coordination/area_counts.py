"""Counts per area that a later app offers to the 「地域の見える化」 page (resources/areas.py).

The page lives in the directory (resources), which may not import the consultation log; yet it
shows consultations per 1,000 people aged 65+ beside the resources. The later app registers a
count from its AppConfig.ready(): `count(fiscal_year, center_ids)` returns {area id: number} in
one aggregate query (GROUP BY area), `center_ids` None for every center or the set of centers
whose records the visitor may count (a ward-scoped official's). Areas a count does not name
have none; the page rolls the numbers up the area tree itself.

A count registered here is never shown to anonymous visitors: `roles` says who sees it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AreaCount:
    key: str
    label: str  # the column's heading, e.g. 相談件数
    count: object  # count(fiscal_year, center_ids) -> {area_id: n}
    roles: tuple  # who sees it (never anonymous)
    order: int = 0


_counts: dict[str, AreaCount] = {}


def register(key, label, count, roles, order=0):
    _counts[key] = AreaCount(key, label, count, tuple(roles), order)


def for_user(user):
    """The counts this visitor may see, in their order."""
    if not user.is_authenticated or not user.is_active:
        return []
    return sorted((c for c in _counts.values() if user.role in c.roles), key=lambda c: (c.order, c.key))
