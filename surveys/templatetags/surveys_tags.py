from django import template

from surveys.results import HIDDEN, shown

register = template.Library()


@register.filter
def rate_text(rate, public=False):
    """「82.4%」, 「-」 for a small count made public, 「―」 when there is nothing to divide."""
    value = rate.shown(bool(public))
    if value == HIDDEN:
        return HIDDEN if rate.total else "―"
    return f"{value}%"


@register.filter
def rate_value(rate, public=False):
    """The data-value: the percentage with one decimal, empty when hidden or undefined."""
    value = rate.shown(bool(public))
    return "" if value == HIDDEN else value


@register.filter
def count_text(n, public=False):
    return shown(n, bool(public))


@register.filter
def total_text(rate, public=False):
    """A rate's 件数 as it may be printed (hidden also as the complement of another's)."""
    return rate.total_shown(bool(public))
