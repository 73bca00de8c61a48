import django_filters
from django import forms
from django.db.models import Q

from coordination.filters import FiscalYearFilter
from training.models import Event, Item


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="キーワード", method="filter_q", help_text="名称・内容・会場・講師")
    fiscal_year = FiscalYearFilter(field_name="starts_at__date")
    item = django_filters.ChoiceFilter(
        label="事業項目", choices=Item.choices, empty_label="すべて", widget=forms.Select
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
