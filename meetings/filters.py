import functools

import django_filters
from django import forms

from coordination import dates
from coordination.access import visible_centers
from coordination.filters import FiscalYearFilter, KeywordFilter, fiscal_year_choices
from coordination.models import Center, Organisation, Role
from meetings.models import Issue, IssueCategory, IssueStatus, Meeting, MeetingKind, Tier


class MeetingFilter(django_filters.FilterSet):
    q = KeywordFilter(
        ["title", "agenda", "minutes", "venue", "kind__name"], help_text="名称・議題・記録・会場"
    )
    fiscal_year = FiscalYearFilter(field_name="held_on")
    tier = django_filters.ChoiceFilter(
        label="連携の段階", choices=Tier.choices, empty_label="すべて", widget=forms.Select
    )
    kind = django_filters.ModelChoiceFilter(
        label="種類", queryset=MeetingKind.objects.all(), empty_label="すべて", widget=forms.Select
    )
    organisation = django_filters.ModelChoiceFilter(
        label="団体・機関",
        field_name="organisations",
        queryset=Organisation.objects.all(),
        empty_label="すべて",
        widget=forms.Select,
    )

    class Meta:
        model = Meeting
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["fiscal_year"].extra["choices"] = lambda: self.fiscal_years

    @functools.cached_property
    def fiscal_years(self):
        """The 年度 to choose from: those with a meeting this reader can see, this 年度, and the one
        asked for (a link to a year without meetings shows an empty list rather than every year's),
        newest first. One query, the months that have meetings, whether the form checks the choice
        and renders it or only renders it."""
        months = self.queryset.prefetch_related(None).order_by().dates("held_on", "month")
        years = {dates.fiscal_year(month) for month in months} | {dates.fiscal_year(dates.today())}
        asked = str((self.data or {}).get("fiscal_year", ""))
        possible = dict(fiscal_year_choices())
        if asked.isdigit() and int(asked) in possible:
            years.add(int(asked))
        return [(year, dates.fiscal_year_label(year)) for year in sorted(years, reverse=True)]


def sees_every_center(user):
    """Officials and admins read every center's meetings and 課題 (and tell them apart by center)."""
    return user.role in (Role.ADMIN, Role.OFFICIAL)


class IssueFilter(django_filters.FilterSet):
    q = KeywordFilter(["label", "title", "description"], help_text="ラベル・課題・内容")
    status = django_filters.ChoiceFilter(
        label="状態", choices=IssueStatus.choices, empty_label="すべて", widget=forms.Select
    )
    organisation = django_filters.ModelChoiceFilter(
        label="提起した団体", queryset=Organisation.objects.all(), empty_label="すべて", widget=forms.Select
    )
    category = django_filters.ModelChoiceFilter(
        label="分類", queryset=IssueCategory.objects.all(), empty_label="すべて", widget=forms.Select
    )
    center = django_filters.ModelChoiceFilter(
        label="センター", queryset=Center.objects.all(), empty_label="すべてのセンター", widget=forms.Select
    )

    class Meta:
        model = Issue
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_every_center(request.user):
            del self.filters["center"]  # a coordinator's register is its own center's only
        else:
            # A ward's official chooses among that ward's centers only.
            self.filters["center"].queryset = visible_centers(request.user)
