import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django_filters.fields import ModelChoiceField

from coordination.access import visible_centers
from coordination.filters import FiscalYearChoices, FiscalYearFilter, KeywordFilter
from coordination.models import Center, Organisation, Role
from meetings.models import Issue, IssueCategory, IssueStatus, Meeting, MeetingKind, Tier


def sees_every_center(user):
    """Officials and admins read every center's meetings and 課題 (and tell them apart by center)."""
    return user.role in (Role.ADMIN, Role.OFFICIAL)


class CenterChoiceField(ModelChoiceField):
    """A center by its code (`?center=C01`, as the 月報, the 年度の実績 and the 事業評価 read it);
    a number is read as the center's id too, which the 課題一覧's links carried before."""

    def __init__(self, *args, **kwargs):
        kwargs["to_field_name"] = "code"
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            value = str(value)
            found = self.queryset.filter(pk=value).first() if value.isascii() and value.isdigit() else None
            if found is None:
                raise
            return found


class CenterFilter(django_filters.ModelChoiceFilter):
    field_class = CenterChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "センター")
        kwargs.setdefault("queryset", Center.objects.all())
        kwargs.setdefault("empty_label", "すべてのセンター")
        kwargs.setdefault("widget", forms.Select)
        super().__init__(*args, **kwargs)


class CenterChoice:
    """A FilterSet mixin: its `center` filter offers the centers the reader sees (a ward's
    official: that ward's only) to officials and admins; a coordinator's list is its own center's,
    so the filter is left out for everyone else and `?center=` means nothing to them."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is None or not sees_every_center(request.user):
            del self.filters["center"]
        else:
            self.filters["center"].queryset = visible_centers(request.user)


def refuse_unreadable_center(filter_form):
    """A `?center=` naming a center the reader may not see (another ward's, or no center at all)
    answers 404, as everywhere else a center is asked for (coordination.access.get_center_for_user):
    never the reader's own list as if nothing had been asked."""
    if filter_form.is_bound and "center" in filter_form.errors:
        raise Http404


class MeetingFilter(CenterChoice, FiscalYearChoices, django_filters.FilterSet):
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
    center = CenterFilter()

    class Meta:
        model = Meeting
        fields = []


class IssueFilter(CenterChoice, FiscalYearChoices, django_filters.FilterSet):
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
    center = CenterFilter()

    class Meta:
        model = Issue
        fields = []

    def filter_fiscal_year(self, queryset, name, value):
        return queryset.of_fiscal_year(int(value))

    def record_years(self):
        # The years whose register holds an issue, carried-over ones included, so that every year
        # offered lists something and no year that would is left out.
        return self.queryset.fiscal_years()
