"""Filters shared by the list pages of several apps."""

import functools
import operator
import unicodedata

import django_filters
from django.core.paginator import Paginator
from django.db.models import Q

from coordination import dates


def fiscal_year_choices():
    this = dates.fiscal_year(dates.today())
    return [(y, dates.fiscal_year_label(y)) for y in range(this + 1, this - 15, -1)]


class FiscalYearFilter(django_filters.ChoiceFilter):
    """年度 (April–March) of a date or datetime field: FiscalYearFilter(field_name="held_on")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "年度")
        kwargs.setdefault("choices", fiscal_year_choices)
        kwargs.setdefault("empty_label", "すべて")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return qs.filter(**{f"{self.field_name}__range": dates.fiscal_year_range(int(value))})


class FiscalYearChoices:
    """A FilterSet mixin: its `fiscal_year` filter offers the 年度 that have records this reader
    can see (`record_years()`), this 年度, and the one asked for (a link to a year without records
    shows an empty list rather than every year's), newest first. The years are asked once,
    whether the form checks the choice and renders it or only renders it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["fiscal_year"].extra["choices"] = lambda: self.fiscal_years

    def record_years(self):
        """The 年度 of the records' date field, in one query (the months that have a record)."""
        field = self.filters["fiscal_year"].field_name
        months = self.queryset.prefetch_related(None).order_by().dates(field, "month")
        return {dates.fiscal_year(month) for month in months}

    @functools.cached_property
    def fiscal_years(self):
        years = set(self.record_years()) | {dates.fiscal_year(dates.today())}
        asked = str((self.data or {}).get("fiscal_year", ""))
        if asked.isdigit() and int(asked) in dict(fiscal_year_choices()):
            years.add(int(asked))
        return [(year, dates.fiscal_year_label(year)) for year in sorted(years, reverse=True)]


class KeywordFilter(django_filters.CharFilter):
    """キーワード of a list page: every word typed (split on spaces) must appear in one of `fields`
    (icontains), so that two words narrow the list. KeywordFilter(["title", "venue"], help_text=…).
    A record named by its number on the pages (「相談 #471」) is found by it too with
    `number_field="pk"`: a term that is a number, with or without # (full-width folded), also
    matches that field exactly."""

    def __init__(self, fields, *args, number_field=None, **kwargs):
        self.search_fields = fields
        self.number_field = number_field
        kwargs.setdefault("label", "キーワード")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        for term in (value or "").split():
            match = functools.reduce(
                operator.or_, (Q(**{f"{f}__icontains": term}) for f in self.search_fields)
            )
            number = self.number_of(term)
            if number is not None:
                match |= Q(**{self.number_field: number})
            qs = qs.filter(match)
        return qs

    def number_of(self, term):
        """The number a term names (「#471」「＃４７１」「471」), or None."""
        if not self.number_field:
            return None
        digits = unicodedata.normalize("NFKC", term).removeprefix("#")
        # isascii: NFKC leaves digits of other scripts (which int() would read) as they are.
        if digits.isascii() and digits.isdigit() and int(digits) < 2**63:
            return int(digits)
        return None


def filtered(http_request, filterset_class, queryset, **filter_kwargs):
    """(filter form, results) of a list page: the filter applied when the query is valid.
    (`http_request`, so that a FilterSet taking `request=` can be given it in filter_kwargs.)"""
    filterset = filterset_class(http_request.GET or None, queryset=queryset, **filter_kwargs)
    results = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    return filterset.form, results


def filtered_page(http_request, filterset_class, queryset, page_size, **filter_kwargs):
    """(filter form, page) of a list page."""
    form, results = filtered(http_request, filterset_class, queryset, **filter_kwargs)
    return form, Paginator(results, page_size).get_page(http_request.GET.get("page"))
