import django_filters
from django import forms
from django.utils import timezone

from consultations.models import ConsultantType, Consultation, Topic
from coordination.filters import KeywordFilter
from coordination.forms import DateInput
from coordination.models import Role, User


class ConsultationFilter(django_filters.FilterSet):
    q = KeywordFilter(
        ["summary", "response", "consultant_name", "consultant_affiliation", "consultant_facility__name"],
        number_field="pk",
        help_text="相談番号（#471 など）・相談概要・対応内容・相談者・所属",
    )
    date_from = django_filters.DateFilter(
        label="受付日（から）", field_name="received_at", lookup_expr="date__gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label="受付日（まで）", field_name="received_at", lookup_expr="date__lte", widget=DateInput()
    )
    status = django_filters.ChoiceFilter(
        label="状態", choices=Consultation.Status.choices, empty_label="すべて", widget=forms.Select
    )
    consultant_type = django_filters.ModelChoiceFilter(
        label="相談者区分", queryset=ConsultantType.objects.all(), empty_label="すべて", widget=forms.Select
    )
    topic = django_filters.ModelChoiceFilter(
        label="相談内容",
        queryset=Topic.objects.select_related("parent"),
        field_name="topics",
        empty_label="すべて",
        widget=forms.Select,
    )
    handled_by = django_filters.ModelChoiceFilter(
        label="対応者", queryset=User.objects.none(), empty_label="すべて", widget=forms.Select
    )
    follow_up_due = django_filters.BooleanFilter(
        label="フォロー期日が来ているもの", method="filter_follow_up", widget=forms.CheckboxInput
    )

    class Meta:
        model = Consultation
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = request.user
        staff = User.objects.filter(role__in=[Role.COORDINATOR, Role.ADMIN])
        self.filters["handled_by"].queryset = (
            staff.filter(center_id=user.center_id) if user.center_id else staff
        )

    def filter_follow_up(self, queryset, name, value):
        return queryset.follow_ups_due(timezone.localdate()) if value else queryset
