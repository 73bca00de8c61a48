import django_filters
from django import forms

from coordination.access import visible_centers
from coordination.filters import FiscalYearChoices, FiscalYearFilter, KeywordFilter
from coordination.models import Center, Organisation, Role
from meetings.models import Issue, IssueCategory, IssueStatus, Meeting, MeetingKind, Tier


class MeetingFilter(FiscalYearChoices, django_filters.FilterSet):
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


def sees_every_center(user):
    """Officials and admins read every center's meetings and 課題 (and tell them apart by center)."""
    return user.role in (Role.ADMIN, Role.OFFICIAL)


class IssueFilter(FiscalYearChoices, django_filters.FilterSet):
    q = KeywordFilter(["label", "title", "description"], help_text="ラベル・課題・内容")
    # A 年度's register, as a 年度 report reads it: what was raised in it and what was still open.
    fiscal_year = FiscalYearFilter(
        field_name="raised_on",
        method="filter_fiscal_year",
        help_text="前年度までに提起され、年度の初めに未解決だった課題を含む",
    )
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

    def filter_fiscal_year(self, queryset, name, value):
        return queryset.of_fiscal_year(int(value))

    def record_years(self):
        # The years whose register holds an issue, carried-over ones included, so that every year
        # offered lists something and no year that would is left out.
        return self.queryset.fiscal_years()
