"""The directory search: one FilterSet behind /resources/, its print view and its exports."""

import django_filters
from django import forms
from django.utils import timezone

from coordination.access import sees_professional_fields
from coordination.models import Area
from resources import recurrence
from resources.geo import NotPlaced, locate
from resources.models import Capability, Facility, FacilityKind, LookupNames, Specialty

POSITION_ERRORS = (
    "invalid",
    "min_value",
    "max_value",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
)
# The search's two sides: the medical and care directory (the default, as it always was) and
# the community resources (サロン, 見守り …: kinds of the 「地域の活動」 group).
MEDICAL, COMMUNITY = "", "community"
RADIUS_CHOICES = [("1", "1km以内"), ("2", "2km以内"), ("3", "3km以内"), ("5", "5km以内"), ("10", "10km以内")]


class IdChoiceField(forms.ModelMultipleChoiceField):
    """Checked ids that fit a database integer; others are an error of the form, not a 500."""

    def _check_values(self, value):
        for item in value:
            if not str(item).isdigit() or int(item) > 2**62:
                raise forms.ValidationError("選べない値が含まれています。", code="invalid_choice")
        return super()._check_values(value)


class IdMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdChoiceField


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
        label="種別", queryset=FacilityKind.objects.all(), method="filter_kind", empty_label="すべて"
    )
    area = django_filters.ModelChoiceFilter(
        label="地域",
        queryset=Area.objects.all(),
        method="filter_area",
        empty_label="すべて",
        widget=forms.Select,
    )
    visits = django_filters.ModelChoiceFilter(
        label="この地域に訪問できる",
        queryset=Area.objects.all(),
        method="filter_visits",
        empty_label="指定なし",
        widget=forms.Select,
    )
    specialty = django_filters.ModelChoiceFilter(
        label="診療科目",
        queryset=Specialty.objects.all(),
        method="filter_specialty",
        empty_label="すべて",
        widget=forms.Select,
    )
    capabilities = IdMultipleChoiceFilter(
        label="在宅対応（選んだものすべてに対応）",
        queryset=Capability.objects.all(),
        method="filter_capabilities",
        widget=forms.CheckboxSelectMultiple,
    )
    callable_now = django_filters.BooleanFilter(
        label="★ 今電話できる施設のみ（ケアマネタイム）",
        method="filter_callable_now",
        widget=forms.CheckboxInput,
    )
    accepting = django_filters.BooleanFilter(
        label="新規受入可のみ", method="filter_accepting", widget=forms.CheckboxInput
    )
    this_week = django_filters.BooleanFilter(
        label="今週ひらかれる", method="filter_this_week", widget=forms.CheckboxInput
    )
    near = django_filters.CharFilter(
        label="近くの場所（利用者の住所・郵便番号または施設名）",
        method="filter_noop",
        help_text="例: 小倉北区大手町1、802-0061 または 施設名。入力すると近い順に並びます。",
    )
    radius = django_filters.ChoiceFilter(
        label="範囲",
        choices=RADIUS_CHOICES,
        method="filter_noop",
        empty_label="指定なし",
        widget=forms.Select,
    )
    near_facility = django_filters.NumberFilter(method="filter_noop", widget=forms.HiddenInput)
    # The device's position, sent by static/js/near-me.js when the visitor asks for it (rounded
    # there); a number out of range is an error of the form, named.
    lat = django_filters.NumberFilter(
        method="filter_noop",
        widget=forms.HiddenInput,
        min_value=-90,
        max_value=90,
        error_messages=dict.fromkeys(POSITION_ERRORS, "現在地の緯度が読み取れませんでした。"),
    )
    lng = django_filters.NumberFilter(
        method="filter_noop",
        widget=forms.HiddenInput,
        min_value=-180,
        max_value=180,
        error_messages=dict.fromkeys(POSITION_ERRORS, "現在地の経度が読み取れませんでした。"),
    )

    class Meta:
        model = Facility
        fields = []

    PROFESSIONAL_FILTERS = ("callable_now", "accepting")
    # What only one side of the search asks: a サロン has no 診療科目 and a clinic no meeting days.
    MEDICAL_FILTERS = ("visits", "specialty", "capabilities", "callable_now", "accepting")
    COMMUNITY_FILTERS = ("this_week",)

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.place = None  # resolved "near" place: geo.Place
        self.names = LookupNames()  # for the keyword's terms and the form's options
        self.place_problem = ""  # why the typed place could not be an origin (a postcode outside …)
        self.mode = COMMUNITY if (data or {}).get("mode") == COMMUNITY else MEDICAL
        dropped = self.MEDICAL_FILTERS if self.mode == COMMUNITY else self.COMMUNITY_FILTERS
        if not (user and sees_professional_fields(user)):
            dropped = (*dropped, *self.PROFESSIONAL_FILTERS)
        for name in dropped:
            self.filters.pop(name, None)

    @property
    def community(self):
        return self.mode == COMMUNITY

    def filter_q(self, queryset, name, value):
        return queryset.search(value, self.names)

    def filter_kind(self, queryset, name, value):
        return queryset.of_kind(value)

    def filter_area(self, queryset, name, value):
        return queryset.in_area(value)

    def filter_visits(self, queryset, name, value):
        return queryset.visiting(value)

    def filter_specialty(self, queryset, name, value):
        return queryset.with_specialty(value)

    def filter_capabilities(self, queryset, name, value):
        return queryset.with_capabilities(value)

    def filter_callable_now(self, queryset, name, value):
        return queryset.callable_at(now()) if value else queryset

    def filter_accepting(self, queryset, name, value):
        return queryset.accepting() if value else queryset

    def filter_this_week(self, queryset, name, value):
        return queryset.meeting_between(*recurrence.rest_of_week(recurrence.today())) if value else queryset

    def filter_noop(self, queryset, name, value):
        return queryset

    def side(self, queryset):
        """The search's side (医療・介護 or 地域の活動), by the community kinds' ids the page has
        read already (LookupNames), so the switch costs no query of its own."""
        kind_ids = self.names.community_kind_ids()
        return queryset.community(kind_ids) if self.community else queryset.medical_and_care(kind_ids)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(self.side(queryset.open()))
        data = self.form.cleaned_data
        position = None
        if data.get("lat") is not None and data.get("lng") is not None:
            position = (float(data["lat"]), float(data["lng"]))
        if data.get("near") or data.get("near_facility") or position:
            try:
                self.place = locate(data.get("near", ""), data.get("near_facility"), position)
            except NotPlaced as problem:
                self.place_problem = str(problem)
            if self.place:
                radius = float(data["radius"]) if data.get("radius") else None
                return queryset.near(self.place.latitude, self.place.longitude, radius)
        return queryset


def search_choices(form, names, community=False):
    """The options of the search form (templates/resources/_search_form.html) as plain tuples
    (value, label, chosen), the capabilities by their group; a group is open when one of its
    capabilities is chosen, and the first one always."""
    data = form.data

    def options(values, name):  # values as strings: the template writes them as they are
        chosen = str(data.get(name, ""))
        return [(str(pk), label, str(pk) == chosen) for pk, label in values]

    chosen = set(data.getlist("capabilities")) if hasattr(data, "getlist") else set()
    area_options = [(a.pk, "\u3000" * depth + a.name) for a, depth in Area.tree()]
    groups = {}
    for pk, name, group, description in names.capabilities():
        groups.setdefault(group or "その他", []).append((str(pk), name, str(pk) in chosen, description))
    return {
        "kinds": options(
            [
                (pk, name)
                for pk, name, group, _ in names.kinds()
                if (group == FacilityKind.Group.COMMUNITY) == community
            ],
            "kind",
        ),
        "areas": options(area_options, "area"),
        "visits": options(area_options, "visits"),
        "specialties": options([(pk, name) for pk, name, *_ in names.specialties()], "specialty"),
        "radius": options(RADIUS_CHOICES, "radius"),
        # The first group (訪問診療, 往診, 在宅看取り …: what care managers look for most) is open.
        "capability_groups": [
            (group, items, index == 0 or any(item[2] for item in items))
            for index, (group, items) in enumerate(groups.items())
        ],
        "values": {
            name: data.get(name, "")
            for name in ("q", "near", "near_facility", "lat", "lng", "callable_now", "accepting", "this_week")
        },
    }
