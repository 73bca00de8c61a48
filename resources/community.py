"""Community resources (生活支援): the form a coordinator or a 生活支援コーディネーター fills in, and the
one service that saves it (the facility, its CommunityActivity and its MeetingRules together).

A community resource is a resources.Facility whose kind is in the 「地域の活動」 group, so the
directory's search, areas, map pin and 最終確認日 serve it unchanged; what only a サロン has lives
in CommunityActivity, its meeting days in MeetingRule (resources/recurrence.py)."""

import re
from decimal import Decimal

from django import forms
from django.db import transaction
from django.utils import timezone

from coordination.forms import DateInput, TimeInput, clean_phone, use_area_tree
from coordination.models import Area
from coordination.security import UPDATE, audit
from coordination.text import nfkc
from resources import geo
from resources.forms import PostcodeField, log_hand_edit
from resources.models import CommunityActivity, Facility, FacilityKind, MeetingRule


class CommunityFacilityForm(forms.ModelForm):
    """The facility's side: kind (地域の活動 kinds only), name, place and its area. A
    生活支援コーディネーター chooses among the areas of its own 圏域 only (`area_ids`)."""

    confirm = forms.BooleanField(
        label="内容を確認した（最終確認日を今日にする）", required=False, initial=True
    )

    class Meta:
        model = Facility
        fields = [
            "kind",
            "name",
            "name_kana",
            "postal_code",
            "address",
            "area",
            "latitude",
            "longitude",
            "url",
        ]
        labels = {"name": "活動の名称", "address": "開催場所（住所・会場名）", "url": "ホームページ・SNS"}
        field_classes = {"postal_code": PostcodeField}

    def __init__(self, *args, area_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = FacilityKind.objects.filter(group=FacilityKind.Group.COMMUNITY)
        self.fields["kind"].empty_label = "選んでください"
        area = self.fields["area"]
        area.required = True
        area.empty_label = "選んでください"
        if area_ids is not None:
            area.queryset = Area.objects.filter(pk__in=area_ids)
            # A coordinator of one 圏域 has one answer; a new entry starts on it.
            if len(area_ids) == 1 and not self.instance.area_id:
                self.initial.setdefault("area", next(iter(area_ids)))
        use_area_tree(area)


class CommunityActivityForm(forms.ModelForm):
    class Meta:
        model = CommunityActivity
        fields = [
            "organiser",
            "audience",
            "fee",
            "booking_required",
            "schedule_note",
            "contact_name",
            "contact_phone",
            "contact_public",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        booking = self.fields["booking_required"]
        booking.widget = forms.RadioSelect(choices=BOOKING_CHOICES)
        booking.choices = BOOKING_CHOICES

    def clean_contact_phone(self):
        return clean_phone(self.cleaned_data["contact_phone"])


# The unknown answer is a choice of its own, offered first: an activity entered from a flyer
# that does not say stays 「未確認」 rather than reading as needing no booking.
BOOKING_CHOICES = [("", "まだ確認していない"), (True, "予約が必要"), (False, "予約はいらない")]


class MeetingRuleForm(forms.ModelForm):
    class Meta:
        model = MeetingRule
        fields = ["pattern", "weekday", "weeks", "day", "start_time", "end_time", "skips_holidays"]
        widgets = {"start_time": TimeInput(), "end_time": TimeInput()}
        help_texts = {"weeks": "「毎月 第n曜日」のとき（第2・第4なら「2・4」または「24」）"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weekday"].empty_label = None
        self.fields["weekday"].choices = [("", "—"), *self.fields["weekday"].choices[1:]]
        # 「第2・第4」 is longer than the stored 「24」: the length is the stored value's.
        weeks = self.fields["weeks"]
        weeks.max_length, weeks.validators = None, []
        weeks.widget.attrs.pop("maxlength", None)

    def clean_weeks(self):
        return weeks_typed(self.cleaned_data["weeks"])


WEEK_SEPARATORS = re.compile(r"[\s・･,、，/／]+")


def weeks_typed(value):
    """第何週 as people write it (「2・4」「2,4」「２、４」「2 4」「第2・第4」「24」) → 「24」. Anything
    else is returned as typed (cut to the stored length, so that the only message is the one
    MeetingRule.clean() gives when a 第n rule has no usable weeks)."""
    text = nfkc(value or "").replace("第", " ").replace("週", " ")
    parts = [p for p in WEEK_SEPARATORS.split(text) if p]
    joined = "".join(parts)
    if (len(parts) > 1 and any(len(p) != 1 for p in parts)) or any(c not in "12345" for c in joined):
        return (value or "")[:5]
    return "".join(sorted(set(joined)))


MeetingRuleFormSet = forms.inlineformset_factory(
    CommunityActivity,
    MeetingRule,
    form=MeetingRuleForm,
    extra=2,
    can_delete=True,
    max_num=10,
    validate_max=True,
)


def forms_for(data, facility, area_ids):
    """(facility form, activity form, rules formset) for a new resource or an existing one."""
    activity = getattr(facility, "community", None) if facility else None
    activity = activity or CommunityActivity()
    return (
        CommunityFacilityForm(data, instance=facility, area_ids=area_ids, prefix="facility"),
        CommunityActivityForm(data, instance=activity, prefix="activity"),
        MeetingRuleFormSet(data, instance=activity, prefix="rules"),
    )


def all_valid(facility_form, activity_form, rules):
    # Every form is validated (not stopping at the first), so each shows its own errors.
    return all([facility_form.is_valid(), activity_form.is_valid(), rules.is_valid()])


def _place_on_map(facility, changed):
    """A サロン is entered by its address, not by 緯度・経度: without a position typed in, it is
    placed from the address (near the directory's facilities of the same 町名) and marked as
    approximate, so that it reaches the map; a position typed in is kept as it is."""
    typed = {"latitude", "longitude"} & set(changed)
    if typed:
        facility.location_approximate = False
        return
    if not facility.address:
        return
    if facility.latitude is not None and "address" not in changed:
        return
    place = geo.geocode_address(facility.address, exclude=facility.pk)  # not at its own old pin
    if place is not None:
        facility.latitude = Decimal(str(round(place.latitude, 6)))
        facility.longitude = Decimal(str(round(place.longitude, 6)))
        facility.location_approximate = True


@transaction.atomic
def save_community(user, facility_form, activity_form, rules):
    """Save the three forms as one change (all or nothing), with the facility's history row."""
    creating = facility_form.instance.pk is None
    changed = [facility_form.fields[n].label for n in facility_form.changed_data if n != "confirm"]
    changed += [activity_form.fields[n].label for n in activity_form.changed_data]
    if rules.has_changed():
        changed.append("開催日のきまり")
    facility = facility_form.save(commit=False)
    facility.updated_by = user
    facility.mark_manual(facility_form.changed_data)
    if facility_form.cleaned_data.get("confirm"):
        facility.confirmed_on = timezone.localdate()
        facility.confirmed_by = user
    _place_on_map(facility, facility_form.changed_data)
    facility.save()
    activity = activity_form.save(commit=False)
    activity.facility = facility
    activity.save()
    rules.instance = activity
    rules.save()
    log_hand_edit(facility, user, creating, changed)
    return facility


class EndActivityForm(forms.Form):
    """When a community resource stopped (the last session, or the day it was decided). Not a
    day still to come: the entry leaves the residents' lists at once, so a planned end is a
    note in 日程の補足 until the day."""

    closed_on = forms.DateField(label="終了した日", widget=DateInput(), initial=timezone.localdate)

    def clean_closed_on(self):
        day = self.cleaned_data["closed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                "終了した日に未来の日付は入れられません。終わる予定は「日程の補足」に書いておき、"
                "その日が来てから記録してください。"
            )
        return day


@transaction.atomic
def end_activity(request, facility, day):
    """The resource has stopped: off the search, the residents' list and its print from now on,
    its page saying since when; kept, with its history, for the area's records."""
    facility.closed_on = day
    facility.updated_by = request.user
    facility.save(update_fields=["closed_on", "updated_by", "updated_at"])
    log_hand_edit(facility, request.user, False, ["活動の終了"])
    audit(request, UPDATE, facility, f"地域の活動の終了（{day:%Y-%m-%d}）")


@transaction.atomic
def resume_activity(request, facility):
    """An end recorded by mistake, or the activity started again: back on the lists."""
    facility.closed_on = None
    facility.updated_by = request.user
    facility.save(update_fields=["closed_on", "updated_by", "updated_at"])
    log_hand_edit(facility, request.user, False, ["活動の終了の取り消し"])
    audit(request, UPDATE, facility, "地域の活動の終了を取り消し")
