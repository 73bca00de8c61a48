import django_filters
from django.db.models import Q

from coordination import dates
from coordination.forms import FastSelect
from training.models import Event, Item


def fiscal_year_choices():
    this = dates.fiscal_year(dates.today())
    return [(y, dates.fiscal_year_label(y)) for y in range(this + 1, this - 15, -1)]


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="キーワード", method="filter_q", help_text="名称・内容・会場・講師")
    fiscal_year = django_filters.ChoiceFilter(
        label="年度",
        choices=fiscal_year_choices,
        method="filter_year",
        empty_label="すべて",
        widget=FastSelect,
    )
    item = django_filters.ChoiceFilter(
        label="事業項目", choices=Item.choices, empty_label="すべて", widget=FastSelect
    )

    class Meta:
        model = Event
        fields = []

    def filter_q(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(description__icontains=term)
                | Q(venue__icontains=term)
                | Q(speakers__icontains=term)
            )
        return queryset

    def filter_year(self, queryset, name, value):
        return queryset.in_fiscal_year(int(value))
