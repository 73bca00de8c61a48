"""The directory search: one FilterSet behind /resources/, its print view and its exports."""

from math import ceil

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import cached_property

from coordination.access import sees_professional_fields
from coordination.forms import FastCheckboxSelectMultiple, FastSelect
from coordination.models import Area
from resources.geo import locate
from resources.models import Capability, Facility, FacilityKind, Specialty

RADIUS_CHOICES = [("1", "1km以内"), ("2", "2km以内"), ("3", "3km以内"), ("5", "5km以内"), ("10", "10km以内")]


class CappedPaginator(Paginator):
    """The directory's result pages. Counts at most CAP matches: past that the exact number costs
    a visit to every matching row (中央 matches a fifth of a 400,000-row directory) and tells a
    care manager nothing; the page says 「1,000件以上」 and the pages run to the CAP-th match.

    On PostgreSQL the count decides how a page in the listing order is read, not the planner's
    estimate of a LIKE (often a hundred times off). Up to CAP matches, the count's own query
    brings their sort keys, Python orders them and the page's twenty rows are read by id. Past
    CAP, the listing index is walked in order: with more than CAP matches the first page is
    found after a few thousand rows at most, and sorting every match is never chosen."""

    CAP = 1000

    @cached_property
    def _listing(self):
        """On PostgreSQL, in the model's own order (not by distance)."""
        return connection.vendor == "postgresql" and not self.object_list.query.order_by

    @cached_property
    def _head(self):
        """Up to CAP + 1 matches as (pk, *sort keys), in whatever order they are found fastest."""
        keys = [k for k in self.object_list.model._meta.ordering if k != "pk"] if self._listing else []
        matches = self.object_list.order_by().select_related(None).values_list("pk", *keys)
        return list(matches[: self.CAP + 1])

    @cached_property
    def count(self):
        return len(self._head)

    @property
    def capped(self):
        return self.count > self.CAP

    @cached_property
    def num_pages(self):
        return super().num_pages if not self.capped else ceil(self.CAP / self.per_page)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.CAP)
        if not self._listing:  # SQLite, or a distance order ("near")
            objects = list(self.object_list[bottom:top])
        elif self.capped:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_sort = off")  # walk the listing order
                objects = list(self.object_list[bottom:top])
        else:
            # Meta.ordering is (name_kana, name, pk), compared by code point: the database's own
            # order in the C.UTF-8 locale of the README (in ja_JP.UTF-8 a walked list follows that
            # collation instead; either way one result list keeps one order across its pages).
            ids = [row[0] for row in sorted(self._head, key=lambda row: (*row[1:], row[0]))[bottom:top]]
            lookups = self.object_list._prefetch_related_lookups
            rows = self.object_list.model._default_manager.filter(pk__in=ids).prefetch_related(*lookups)
            by_id = {row.pk: row for row in rows}
            objects = [by_id[pk] for pk in ids if pk in by_id]
        return self._get_page(objects, number, self)


def now():
    """The moment "callable now" is judged at (a function so tests can freeze it)."""
    return timezone.now()


class FacilityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="キーワード",
        method="filter_q",
        help_text="名称・カナ・住所・法人名。ひらがな/カタカナ、全角/半角は区別しません。",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ModelChoiceFilter(
        label="種別", queryset=FacilityKind.objects.all(), empty_label="すべて", widget=FastSelect
    )
    area = django_filters.ModelChoiceFilter(
        label="地域",
        queryset=Area.objects.all(),
        method="filter_area",
        empty_label="すべて",
        widget=FastSelect,
    )
    specialty = django_filters.ModelChoiceFilter(
        label="診療科目",
        queryset=Specialty.objects.all(),
        method="filter_specialty",
        empty_label="すべて",
        widget=FastSelect,
    )
    capabilities = django_filters.ModelMultipleChoiceFilter(
        label="在宅対応（選んだものすべてに対応）",
        queryset=Capability.objects.all(),
        method="filter_capabilities",
        widget=FastCheckboxSelectMultiple,
    )
    callable_now = django_filters.BooleanFilter(
        label="★ 今電話できる施設のみ（ケアマネタイム）",
        method="filter_callable_now",
        widget=forms.CheckboxInput,
    )
    accepting = django_filters.BooleanFilter(
        label="新規受入可のみ", method="filter_accepting", widget=forms.CheckboxInput
    )
    near = django_filters.CharFilter(
        label="近くの場所（利用者の住所または施設名）",
        method="filter_noop",
        help_text="例: 小倉北区大手町1 または 施設名。入力すると近い順に並びます。",
    )
    radius = django_filters.ChoiceFilter(
        label="範囲", choices=RADIUS_CHOICES, method="filter_noop", empty_label="指定なし", widget=FastSelect
    )
    near_facility = django_filters.NumberFilter(method="filter_noop", widget=forms.HiddenInput)

    class Meta:
        model = Facility
        fields = []

    PROFESSIONAL_FILTERS = ("callable_now", "accepting")

    # Choice fields and the lookup table (resources.models.lookup_tables) that holds their rows.
    HELD_CHOICES = (
        ("kind", "kind"),
        ("area", "area"),
        ("specialty", "specialty"),
        ("capabilities", "capability"),
    )

    def __init__(self, data=None, *args, user=None, lookups=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.place = None  # resolved "near" place: geo.Place
        self.lookups = lookups
        if not (user and sees_professional_fields(user)):
            for name in self.PROFESSIONAL_FILTERS:
                self.filters.pop(name)
        if lookups:
            # The options from the held lookup tables instead of four queries and a hundred model
            # rows a page; a chosen value is still checked against the database.
            for name, table in self.HELD_CHOICES:
                field = self.form.fields[name]
                options = [(pk, str(row)) for pk, row in lookups[table].items()]
                empty = [("", field.empty_label)] if getattr(field, "empty_label", None) is not None else []
                # Set as Django's ModelChoiceField expects manually set choices (`_choices`);
                # django-filter's `choices` setter would wrap them in a queryset iterator.
                field._choices = field.widget.choices = empty + options

    def filter_q(self, queryset, name, value):
        return queryset.search(value, self.lookups)

    def filter_area(self, queryset, name, value):
        return queryset.in_area(value)

    def filter_specialty(self, queryset, name, value):
        return queryset.with_specialty(value)

    def filter_capabilities(self, queryset, name, value):
        return queryset.with_capabilities(value)

    def filter_callable_now(self, queryset, name, value):
        return queryset.callable_at(now()) if value else queryset

    def filter_accepting(self, queryset, name, value):
        return queryset.accepting() if value else queryset

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("near") or data.get("near_facility"):
            self.place = locate(data.get("near", ""), data.get("near_facility"))
            if self.place:
                radius = float(data["radius"]) if data.get("radius") else None
                return queryset.near(self.place.latitude, self.place.longitude, radius)
        return queryset
