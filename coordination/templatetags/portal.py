from django import template
from django.utils.safestring import mark_safe

from coordination import dates

register = template.Library()


@register.filter
def wareki(value):
    """令和8年11月25日"""
    return dates.wareki(value)


@register.filter
def fiscal_label(year):
    return dates.fiscal_year_label(int(year))


@register.filter
def hidden_errors(form):
    """The errors of a form's hidden fields (a stale version, a tampered value): forms/form.html
    says them above the form, since those fields show nowhere."""
    return [error for field in form.hidden_fields() for error in field.errors]


@register.filter
def error_fields(form):
    """The shown fields of a form that have errors, in the form's order: forms/form.html names
    them at the top (「受付日時、相談者区分を確認してください」), since on a long form the
    messages under the fields are out of sight."""
    return [field for field in form.visible_fields() if field.errors]


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current URL with page= replaced (keeps the filters)."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()


CURRENT = mark_safe(' aria-current="page"')  # noqa: S308 — constant markup


@register.simple_tag(takes_context=True)
def current_page(context, *url_names):
    """` aria-current="page"` on a section menu's item when the page is one of `url_names` (the
    item's list and the pages under it: 重複の可能性 is current on its dismissed pairs too)."""
    match = getattr(context.get("request"), "resolver_match", None)
    return CURRENT if match is not None and match.url_name in url_names else ""
