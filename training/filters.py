import django_filters
from django import forms

from coordination.filters import FiscalYearFilter, KeywordFilter
from training.models import Event, Item


class EventFilter(django_filters.FilterSet):
    q = KeywordFilter(["title", "description", "venue", "speakers"], help_text="名称・内容・会場・講師")
    fiscal_year = FiscalYearFilter(field_name="starts_at__date")
    item = django_filters.ChoiceFilter(
        label="事業項目", choices=Item.choices, empty_label="すべて", widget=forms.Select
    )

    class Meta:
        model = Event
        fields = []
