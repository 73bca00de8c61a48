"""The directory search: one FilterSet behind /resources/, its print view and its exports."""

import functools
import typing

import django_filters
from django import forms
from django.utils import timezone
from django.utils.safestring import mark_safe

from coordination.access import sees_professional_fields
from resources import recurrence
from resources.geo import NotPlaced, locate
from resources.models import Facility, FacilityKind, LookupNames

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


class Chosen(typing.NamedTuple):
    """A kind, capability, specialty or area chosen in the form: its id and name (str() is the
    name, as for the model)."""

    pk: int
    name: str

    def __str__(self):
        return self.name


class ChosenArea:
    """A chosen area with what the area filters ask of it, from the areas the page has read: the
    area above it (`parent`, as Area has) and the ids of it and every area below it
    (`descendant_ids()`, as Area answers)."""

    def __init__(self, pk, name, parent, below):
        self.pk, self.name, self.parent, self.below = pk, name, parent, below

    def __str__(self):
        return self.name

    def descendant_ids(self):
        return self.below


class LookupChoiceField(forms.Field):
    """An id among the lookups the page has read (LookupNames), checked against them rather than
    by a query of its own. `lookup()` gives {id as text: Chosen}."""

    widget = forms.Select
    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
    }

    def __init__(self, *, lookup, **kwargs):
        self.lookup = lookup
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        chosen = self.lookup().get(str(value).strip())
        if chosen is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return chosen


class LookupMultipleChoiceField(LookupChoiceField):
    """Several ids among the lookups; an id that is not a number is an error of the form, not a 500."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "invalid_choice": forms.ModelMultipleChoiceField.default_error_messages["invalid_choice"],
    }

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, (list, tuple)):
            raise forms.ValidationError("選べない値が含まれています。", code="invalid_choice")
        known, chosen = self.lookup(), {}
        for item in value:
            if not str(item).isdigit() or int(item) > 2**62:
                raise forms.ValidationError("選べない値が含まれています。", code="invalid_choice")
            if str(int(item)) not in known:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
            chosen[int(item)] = known[str(int(item))]
        return list(chosen.values())


class LookupChoiceFilter(django_filters.Filter):
    field_class = LookupChoiceField


class LookupMultipleChoiceFilter(django_filters.Filter):
    field_class = LookupMultipleChoiceField


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
    # The kinds, areas, specialties and capabilities are checked against the lookups the page
    # reads anyway (LookupNames: one query for all of them and the form's options).
    kind = LookupChoiceFilter(label="種別", method="filter_kind")
    area = LookupChoiceFilter(label="地域", method="filter_area")
    visits = LookupChoiceFilter(label="この地域に訪問できる", method="filter_visits")
    specialty = LookupChoiceFilter(label="診療科目", method="filter_specialty")
    capabilities = LookupMultipleChoiceFilter(
        label="在宅対応（選んだものすべてに対応）", method="filter_capabilities"
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
        error_messages={"invalid_choice": "一覧の中から選んでください。"},
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

    def __init__(self, data=None, *args, user=None, names=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.place = None  # resolved "near" place: geo.Place
        # For the keyword's terms, the choices' checks and the form's options (`names`: those
        # another filterset of the same request has read).
        self.names = names or LookupNames()
        lookups = {
            "kind": self.kind_choices,
            "area": self.area_choices,
            "visits": self.area_choices,
            "specialty": self.specialty_choices,
            "capabilities": self.capability_choices,
        }
        for name, lookup in lookups.items():
            self.filters[name].extra["lookup"] = lookup
        self.place_problem = ""  # why the typed place could not be an origin (a postcode outside …)
        self.mode = COMMUNITY if (data or {}).get("mode") == COMMUNITY else MEDICAL
        dropped = self.MEDICAL_FILTERS if self.mode == COMMUNITY else self.COMMUNITY_FILTERS
        self.professional = bool(user and sees_professional_fields(user))
        if not self.professional:
            dropped = (*dropped, *self.PROFESSIONAL_FILTERS)
        for name in dropped:
            self.filters.pop(name, None)

    @property
    def community(self):
        return self.mode == COMMUNITY

    @staticmethod
    def _chosen(rows):
        return {str(pk): Chosen(pk, name) for pk, name, *_ in rows}

    def kind_choices(self):
        return self._chosen(self.names.kinds())

    def specialty_choices(self):
        return self._chosen(self.names.specialties())

    def capability_choices(self):
        return self._chosen(self.names.capabilities())

    def area_choices(self):
        return self.areas

    @functools.cached_property
    def areas(self):
        """{id as text: ChosenArea} for every area, each knowing the areas above and below it."""
        areas = {area.pk: area for area, _depth in self.names.area_tree()}
        children = {}
        for area in areas.values():
            children.setdefault(area.parent_id, []).append(area.pk)

        def below(pk):
            ids, frontier = {pk}, [pk]
            while frontier:
                frontier = [child for p in frontier for child in children.get(p, []) if child not in ids]
                ids.update(frontier)
            return ids

        chosen = {}

        def make(pk):
            if pk not in chosen:
                area = areas[pk]
                parent = make(area.parent_id) if area.parent_id in areas else None
                chosen[pk] = ChosenArea(pk, area.name, parent, below(pk))
            return chosen[pk]

        return {str(pk): make(pk) for pk in areas}

    def filter_q(self, queryset, name, value):
        return queryset.search(value, self.names, direct_lines=self.professional)

    def filter_kind(self, queryset, name, value):
        return queryset.of_kind(value.pk)

    def filter_area(self, queryset, name, value):
        return queryset.in_area(value)

    def filter_visits(self, queryset, name, value):
        return queryset.visiting(value)

    def filter_specialty(self, queryset, name, value):
        return queryset.with_specialty(value.pk)

    def filter_capabilities(self, queryset, name, value):
        return queryset.with_capabilities([c.pk for c in value])

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

    def ordered(self, rows):
        """`rows` (facilities, not searched) in the order of this search's results: nearest first
        when a place was found, else the directory's order. For DirectoryPaginator, which reads
        the page's rows by the matches' ids."""
        return rows.near(self.place.latitude, self.place.longitude) if self.place else rows


SELECTED, CHECKED = mark_safe(" selected"), mark_safe(" checked")  # noqa: S308 — constant markup


def search_choices(form, names, community=False):
    """The options of the search form (templates/resources/_search_form.html) as plain tuples
    (value, label, " selected" or ""), the capabilities by their group (" checked" or ""); a group
    is open when one of its capabilities is chosen, and the first one always. The attribute comes
    written out, so that each of the hundred options is three values in the template, no tag."""
    data = form.data

    def options(values, name):  # values as strings: the template writes them as they are
        chosen = str(data.get(name, ""))
        return [(str(pk), label, SELECTED if str(pk) == chosen else "") for pk, label in values]

    chosen = set(data.getlist("capabilities")) if hasattr(data, "getlist") else set()
    area_options = [(a.pk, "\u3000" * depth + a.name) for a, depth in names.area_tree()]
    groups = {}
    for pk, name, group, description in names.capabilities():
        checked = CHECKED if str(pk) in chosen else ""
        groups.setdefault(group or "その他", []).append((str(pk), name, checked, description))
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
        "errors": form_errors(form),
    }


def form_errors(form):
    """[(where, message)] of the form's errors, each naming the field it is about (「種別：」), so
    that a visitor with several wrong values in a link sees which to change. The hidden fields
    (the device's position) have messages that name themselves."""
    errors = []
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        where = f"{field.label}：" if field is not None and field.label and not field.widget.is_hidden else ""
        errors += [(where, message) for message in messages]
    return errors
