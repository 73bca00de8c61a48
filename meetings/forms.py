from django import forms
from django.utils import timezone

from coordination import dates
from coordination.forms import (
    CenterOwnedForm,
    DateInput,
    ProfessionCountsForm,
    TimeInput,
)
from coordination.models import Organisation, Role, User
from meetings.models import (
    ITEM_LETTERS,
    PROGRAM_ITEMS,
    EvaluationNarrative,
    Issue,
    IssueStatus,
    Measure,
    Meeting,
    Series,
    Solution,
    check_tier,
    professions_taking_part,
)
from training.models import Event


def _item_field():
    return forms.MultipleChoiceField(
        label="事業項目（ア〜ク、複数可）",
        choices=PROGRAM_ITEMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="事業評価で、選んだ項目の実績として数えます。",
    )


class ItemsMixin:
    """The item(s) ア〜ク a record serves, chosen as checkboxes and kept as letters (「イク」)."""

    def _init_items(self):
        self.fields["item_letters"].initial = list(self.instance.items or "")

    def _clean_items(self):
        chosen = self.cleaned_data.get("item_letters") or []
        self.instance.items = "".join(letter for letter in ITEM_LETTERS if letter in chosen)


def not_after_today(day, what="日付"):
    """A record of what has happened (a step of a 課題, its raising, a decision) is dated today at
    the latest: a date typed a year ahead (2027 for 2026) would count as done in the 年度 reports
    and, for a status step, stop every later step (they may not be dated before it)."""
    today = timezone.localdate()
    if day and day > today:
        raise forms.ValidationError(
            f"{what}に今日（{today:%Y/%m/%d}）より後の日は入力できません。起きた日を入力してください。"
        )
    return day


def _own(queryset, user, instance):
    if user.role == Role.OFFICIAL:
        return queryset.filter(center=None)  # the city's own records only
    center_id = user.center_id if user.role == Role.COORDINATOR else getattr(instance, "center_id", None)
    return queryset.filter(center_id=center_id) if center_id else queryset


class MeetingForm(ItemsMixin, CenterOwnedForm):
    item_letters = _item_field()

    class Meta:
        model = Meeting
        fields = [
            "center",
            "tier",
            "kind",
            "series",
            "title",
            "held_on",
            "start_time",
            "end_time",
            "delivery",
            "venue",
            "organisations",
            "professions",
            "agenda",
            "minutes",
            "attachments",
            "next_steps",
            "issues_discussed",
            "shared",
        ]
        widgets = {
            "center": forms.Select,
            "tier": forms.RadioSelect,
            "kind": forms.Select,
            "series": forms.Select,
            "held_on": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "delivery": forms.RadioSelect,
            "organisations": forms.CheckboxSelectMultiple,
            "professions": forms.CheckboxSelectMultiple,
            "issues_discussed": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "attachments": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "organisations": (
                "一次連携は1つ、二次連携は2つ以上、三次連携は3つ以上（職種と合わせて数えます。"
                "団体とその職種は1つ。センターの職員の職種は、ほかに相手がいれば数えません）"
            ),
            "attachments": "例: 配布資料 https://… （リンクがなければ名称だけ）",
            "held_on": "これから開く会議も登録できます。開催日が来るまでは「予定」として、実績には数えません。",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user.role == Role.OFFICIAL:
            self.fields.pop("center", None)  # an official records the city's own meetings
        self.fields["tier"].choices = self.fields["tier"].choices[1:]  # no empty radio
        self.fields["kind"].empty_label = None
        self.fields["series"].queryset = _own(Series.objects.filter(active=True), user, self.instance)
        self.fields["issues_discussed"].queryset = _own(
            Issue.objects.exclude(status=IssueStatus.SOLVED).select_related("organisation"),
            user,
            self.instance,
        ) | Issue.objects.filter(pk__in=self.instance.issues_discussed.all() if self.instance.pk else [])
        if not self.instance.pk:
            self.fields["held_on"].initial = timezone.localdate()
        self._init_items()

    def clean(self):
        data = super().clean()
        self._clean_items()
        tier = data.get("tier")
        if tier is not None:
            error = check_tier(
                tier, data.get("organisations") or [], data.get("professions") or [], self._own_professions()
            )
            if error:
                self.add_error("organisations", error)
        self._clean_attendance_kept(data)
        if data.get("start_time") and data.get("end_time") and data["end_time"] < data["start_time"]:
            self.add_error("end_time", "終了時刻が開始時刻より前になっています。")
        series = data.get("series")
        center_id = self.target_center_id()
        if series and center_id and series.center_id != center_id:
            self.add_error("series", "別のセンターの会議体は選べません。")
        return data

    def _clean_attendance_kept(self, data):
        """A profession whose heads were counted (出席人数) stays among those who took part: taking
        it off (or the organisation that stood for it) would leave a count the record denies."""
        if not self.instance.pk or "professions" not in data or "organisations" not in data:
            return
        taking_part = professions_taking_part(data["organisations"], data["professions"])
        # Only what this edit takes off: a count entered before counts had to agree is pointed
        # out on the meeting's page, and does not hold up every other change to the record.
        before = professions_taking_part(self.instance.organisations.all(), self.instance.professions.all())
        for a in self.instance.attendance.select_related("profession"):
            if a.profession_id in before and a.profession_id not in taking_part:
                name = a.profession.name
                self.add_error(
                    "professions",
                    f"{name}は出席人数（{a.count}名）が入力されているため、参加した職種から外せません。"
                    f"外すときは、先に「出席人数を入力」で{name}の人数を空欄にしてください。",
                )

    def _own_professions(self):
        """The professions of the center's own people (its coordinators, and the one recording):
        ticked among those who took part, they are not the partner a tier counts."""
        own = {self.user.profession_id} - {None}
        center_id = self.target_center_id()
        if center_id:
            own |= set(
                User.objects.filter(
                    center_id=center_id, role=Role.COORDINATOR, is_active=True, profession__isnull=False
                ).values_list("profession_id", flat=True)
            )
        return own


class SeriesForm(CenterOwnedForm):
    class Meta:
        model = Series
        fields = ["center", "name", "kind", "tier", "cadence", "note", "active"]
        widgets = {
            "center": forms.Select,
            "kind": forms.Select,
            "tier": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["tier"].choices = self.fields["tier"].choices[1:]


class MeetingAttendanceForm(ProfessionCountsForm):
    """Heads by profession, for the professions the meeting's record says took part (ticked, or
    those of its organisations): only those are offered (and one already counted, so that it can
    be emptied), and a count of another is refused, naming it, rather than saved beside a
    参加した職種 that leaves it out."""

    def __init__(self, *args, meeting, **kwargs):
        current = {a.profession_id: a.count for a in meeting.attendance.all()}
        super().__init__(*args, current=current, **kwargs)
        self.meeting = meeting
        self.taking_part = professions_taking_part(meeting.organisations.all(), meeting.professions.all())
        offered = [p for p in self.professions if p.pk in self.taking_part or p.pk in current]
        self.left_out = [p for p in self.professions if p not in offered]
        for p in self.left_out:
            del self.fields[f"p{p.pk}"]
        self.professions = offered

    def _refuse(self, p, field=None):
        self.add_error(
            field,
            f"{p.name}はこの会議の「参加した職種」に入っていません。"
            f"会議の記録を編集して参加した職種に{p.name}を加えてから入力するか、人数を空欄にしてください。",
        )

    def clean(self):
        data = super().clean()
        for p in self.professions:
            if data.get(f"p{p.pk}") and p.pk not in self.taking_part:
                self._refuse(p, f"p{p.pk}")
        # A page opened before the meeting's professions were changed may still send one.
        for p in self.left_out:
            if (self.data.get(f"p{p.pk}") or "").strip() not in ("", "0"):
                self._refuse(p)
        return data


class IssueForm(ItemsMixin, CenterOwnedForm):
    item_letters = _item_field()

    class Meta:
        model = Issue
        fields = [
            "center",
            "label",
            "target_group",
            "title",
            "goal",
            "organisation",
            "profession",
            "category",
            "description",
            "raised_on",
        ]
        widgets = {
            "center": forms.Select,
            "organisation": forms.Select,
            "profession": forms.Select,
            "category": forms.Select,
            "raised_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "goal": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, meeting=None, consultation=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user.role == Role.OFFICIAL:
            self.fields.pop("center", None)  # an official raises the city's own 課題
        self._init_items()
        self.meeting, self.consultation = meeting, consultation
        if meeting or consultation:
            self.fields.pop("center", None)  # it belongs to the meeting's or consultation's center
        if meeting and not self.instance.pk:
            self.fields["raised_on"].initial = meeting.held_on
            organisations = list(meeting.organisations.all())
            if len(organisations) == 1:
                self.fields["organisation"].initial = organisations[0].pk
                self.fields["label"].initial = Issue.next_label(meeting.center_id, organisations[0])
        if consultation and not self.instance.pk:
            self.fields["raised_on"].initial = timezone.localtime(consultation.received_at).date()
        if not self.instance.pk:
            # A meeting with several organisations cannot guess whose 課題 it is before one is
            # chosen: the label then follows the chosen organisation's short name (薬-C).
            self.fields["label"].required = False
            self.fields[
                "label"
            ].help_text = (
                "例: 薬-A（同じ団体の課題で重複不可）。空欄なら、提起した団体の略称から次の記号を付けます。"
            )

    def clean_raised_on(self):
        day = not_after_today(self.cleaned_data["raised_on"], "提起日")
        meeting = self.meeting or (self.instance.raised_at_meeting if self.instance.pk else None)
        if meeting and day < meeting.held_on:
            raise forms.ValidationError(
                f"会議（{meeting.held_on:%Y/%m/%d}「{meeting.display_title}」）で提起した課題です。"
                "会議より前の日付にはできません。"
            )
        if self.instance.pk:
            later = self.instance.status_changes.exclude(pk=self.instance.raising_step_id()).order_by(
                "changed_on"
            )
            first = later.first()
            if first and day > first.changed_on:
                raise forms.ValidationError(
                    f"この課題の経過（{first.changed_on:%Y/%m/%d}「{first.get_status_display()}」）"
                    "より後の日付にはできません。"
                )
        return day

    def _post_clean(self):
        self._clean_items()
        # The model's clean() checks the label per organisation: give it the owner first.
        if self.meeting:
            self.instance.center_id = self.meeting.center_id
            self.instance.raised_at_meeting = self.meeting
        elif self.consultation:
            self.instance.center_id = self.consultation.center_id
            self.instance.raised_from_consultation = self.consultation
        elif "center" in self.fields:
            self.instance.center_id = self.target_center_id()
        self._suggest_label()
        super()._post_clean()

    def _suggest_label(self):
        data = self.cleaned_data
        if "label" not in data or data["label"]:
            return
        organisation = data.get("organisation")
        center_id = self.instance.center_id or self.user.center_id
        data["label"] = Issue.next_label(center_id, organisation) if organisation else ""
        if not data["label"]:
            self.add_error(
                "label",
                "ラベルを入力してください（提起した団体に略称がないため、自動では付けられません）。",
            )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="新しい状態", choices=IssueStatus.choices, widget=forms.Select)
    changed_on = forms.DateField(label="日付", widget=DateInput())
    note = forms.CharField(label="メモ", max_length=300, required=False)

    def __init__(self, *args, issue, **kwargs):
        super().__init__(*args, **kwargs)
        self.issue = issue
        # From where the 課題 stands: a form that started at 未着手 moved an issue under way back
        # when only its date was changed.
        self.fields["status"].initial = issue.status
        self.fields["changed_on"].initial = timezone.localdate()

    def clean_changed_on(self):
        """Not before the 課題's last recorded step (or its raising): the history reads by date,
        and a step dated earlier would leave the latest line saying another state than the
        badge."""
        on = not_after_today(self.cleaned_data["changed_on"])
        last = self.issue.status_changes.order_by("-changed_on", "-pk").first()
        if last is not None and on < last.changed_on:
            raise forms.ValidationError(
                f"これまでの最後の経過（{dates.wareki(last.changed_on)}「{last.get_status_display()}」）"
                "より前の日付にはできません。"
            )
        if on < self.issue.raised_on:
            raise forms.ValidationError(
                f"課題の提起日（{dates.wareki(self.issue.raised_on)}）より前の日付にはできません。"
            )
        return on


class SolutionForm(CenterOwnedForm):
    class Meta:
        model = Solution
        fields = [
            "center",
            "title",
            "description",
            "issues",
            "decided_on",
            "decided_at_meeting",
            "meetings",
            "events",
        ]
        widgets = {
            "center": forms.Select,
            "issues": forms.CheckboxSelectMultiple,
            "decided_on": DateInput(),
            "decided_at_meeting": forms.Select,
            "meetings": forms.CheckboxSelectMultiple,
            "events": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "meetings": "実施した会議（二次連携の同行訪問研修など）",
            "events": "実施した研修・イベント",
        }
        help_texts = {
            "events": "これから開く研修も選べます。開かれた日から、解決策を実施したものとして数えます。",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["issues"].queryset = _own(
            Issue.objects.select_related("organisation"), user, self.instance
        )
        meetings = _own(Meeting.objects.select_related("kind").order_by("-held_on"), user, self.instance)[
            :200
        ]
        self.fields["meetings"].queryset = Meeting.objects.filter(
            pk__in=[m.pk for m in meetings]
        ).select_related("kind")
        self.fields["decided_at_meeting"].queryset = self.fields["meetings"].queryset
        events = _own(Event.objects.order_by("-starts_at"), user, self.instance)[:200]
        self.fields["events"].queryset = Event.objects.filter(pk__in=[e.pk for e in events])

    def clean_decided_on(self):
        return not_after_today(self.cleaned_data.get("decided_on"), "決定日")

    def clean(self):
        data = super().clean()
        center_id = self.target_center_id()
        for name in ("issues", "meetings", "events"):
            others = [o for o in data.get(name) or [] if center_id and o.center_id != center_id]
            if others:
                self.add_error(name, "別のセンターの記録は選べません。")
        return data


class OrganisationChoiceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="団体・機関", queryset=Organisation.objects.all(), widget=forms.Select, empty_label=None
    )


# --- 計画値 and the 取組事例's written sections (the targets page) -------------------------------


class TargetForm(forms.Form):
    """One row of the targets page: the 計画値 of one item and measure (blank: no target)."""

    item = forms.ChoiceField(choices=PROGRAM_ITEMS, widget=forms.HiddenInput)
    measure = forms.ChoiceField(choices=Measure.choices, widget=forms.HiddenInput)
    planned = forms.IntegerField(
        label="計画値",
        required=False,
        min_value=0,
        max_value=9_999_999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "計画値は0以上の整数で入力してください（例: 4）。",
            "min_value": "計画値は0以上の整数で入力してください。",
            "max_value": "計画値は9,999,999以下で入力してください。",
        },
    )
    note = forms.CharField(
        label="メモ",
        required=False,
        max_length=200,
        error_messages={"max_length": "メモは200文字以内で入力してください（いま%(show_value)d文字）。"},
    )

    def clean(self):
        data = super().clean()
        if data.get("note") and data.get("planned") is None and "planned" not in self.errors:
            self.add_error("planned", "メモを付けるときは計画値も入力してください。")
        return data


class BaseTargetFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            key = (form.cleaned_data.get("item"), form.cleaned_data.get("measure"))
            if key in seen:
                raise forms.ValidationError(
                    "同じ事業項目と指標の行が二つあります。画面を読み込み直してください。"
                )
            seen.add(key)


TargetFormSet = forms.formset_factory(
    TargetForm, formset=BaseTargetFormSet, extra=0, max_num=60, validate_max=True
)


NARRATIVE_FIELDS = [
    "overview",
    "features",
    "started",
    "history",
    "users",
    "bodies",
    "municipal_role",
    "national_role",
    "challenges",
    "plans",
    "other",
    "contact",
]


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = EvaluationNarrative
        fields = NARRATIVE_FIELDS
        # Each a few lines of prose for the 事業評価 sheet, but 開始年度, which is a short phrase.
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in NARRATIVE_FIELDS if name != "started"}
        help_texts = {
            "started": "例: 2019年度（空欄のときは最初のセンターの開設日から表示します）",
            "users": "記録から数えた人数（相談・研修・講座）は事業評価に並べて表示します。",
        }
