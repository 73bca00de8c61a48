import re

from django import forms
from django.db import transaction
from django.utils import timezone

from coordination.forms import (
    CenterOwnedForm,
    DateInput,
    DateTimeInput,
    ProfessionCountsForm,
    optional_checkboxes,
)
from coordination.models import Organisation, Profession
from coordination.text import kana_reading, normalize
from training.models import (
    AttendanceCount,
    Event,
    EventOrganisation,
    Task,
    TaskTemplate,
)


class EventForm(CenterOwnedForm):
    hosts = optional_checkboxes("主催", Organisation.objects.all())
    co_hosts = optional_checkboxes("共催", Organisation.objects.all())
    supporters = optional_checkboxes("後援", Organisation.objects.all())
    ROLE_FIELDS = {
        "hosts": EventOrganisation.Role.HOST,
        "co_hosts": EventOrganisation.Role.CO_HOST,
        "supporters": EventOrganisation.Role.SUPPORT,
    }

    class Meta:
        model = Event
        fields = [
            "center",
            "co_host_centers",
            "title",
            "item",
            "starts_at",
            "ends_at",
            "delivery",
            "venue",
            "hosts",
            "co_hosts",
            "supporters",
            "organisers_note",
            "audience_professions",
            "audience_note",
            "formats",
            "supporter_course",
            "speakers",
            "capacity",
            "description",
            "fee",
            "registration_open",
            "application_deadline",
            "application_method",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "application_deadline": DateInput(),
            "item": forms.RadioSelect,
            "delivery": forms.RadioSelect,
            "center": forms.Select,
            "co_host_centers": forms.CheckboxSelectMultiple,
            "audience_professions": forms.CheckboxSelectMultiple,
            "formats": forms.CheckboxSelectMultiple,
            "speakers": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # The host center is no co-host of its own event: a coordinator's own center (or the
        # stored event's) is left out of the choices; an admin choosing the host is checked in clean().
        host = self.instance.center_id if self.instance.pk else user.center_id
        if host:
            field = self.fields["co_host_centers"]
            field.queryset = field.queryset.exclude(pk=host)
        if self.instance.pk:
            links = list(self.instance.organiser_links.all())
            for name, role in self.ROLE_FIELDS.items():
                self.fields[name].initial = [link.organisation_id for link in links if link.role == role]

    def clean(self):
        data = super().clean()
        host = self.target_center_id()
        if any(c.pk == host for c in data.get("co_host_centers") or []):
            self.add_error("co_host_centers", "担当センター自身は共催センターに選べません。")
        capacity = data.get("capacity")
        if self.instance.pk and capacity is not None:
            # Nobody loses a confirmed seat by an edit: lowering the 定員 below those confirmed
            # would leave the event over its 定員 with no one told.
            confirmed = self.instance.registrations.confirmed().count()
            if capacity < confirmed:
                self.add_error(
                    "capacity",
                    f"参加確定の方がすでに{confirmed}名いるため、定員を{capacity}名にはできません。"
                    f"定員を{confirmed}名以上にするか、先に参加申込の一覧で申込を取り消してください。",
                )
        seen = {}
        for name in self.ROLE_FIELDS:
            for org in data.get(name) or []:
                if org.pk in seen:
                    self.add_error(
                        name,
                        f"「{org.name}」が{self.fields[seen[org.pk]].label}と重複しています。どちらか一つにしてください。",
                    )
                seen[org.pk] = name
        return data

    @transaction.atomic
    def save_for(self, user):
        event = super().save_for(user)
        EventOrganisation.objects.filter(event=event).delete()
        EventOrganisation.objects.bulk_create(
            EventOrganisation(event=event, organisation=org, role=role)
            for name, role in self.ROLE_FIELDS.items()
            for org in self.cleaned_data.get(name) or []
        )
        return event


class RegistrationForm(forms.Form):
    name = forms.CharField(label="氏名", max_length=100)
    name_kana = forms.CharField(
        label="ふりがな",
        max_length=100,
        required=False,
        help_text="ひらがなかカタカナで（例: やまだ はなこ）",
    )
    organisation = forms.CharField(label="所属", max_length=200, help_text="事業所・医療機関名")
    profession = forms.ModelChoiceField(
        label="職種", queryset=Profession.objects.all(), widget=forms.Select, empty_label="選んでください"
    )
    email = forms.EmailField(label="連絡先メール", required=False)

    def clean_name_kana(self):
        # Kept in one form (hiragana), so that ヤマダ and やまだ sort together.
        reading = kana_reading(self.cleaned_data["name_kana"])
        if reading is None:
            raise forms.ValidationError("ふりがなは、ひらがなかカタカナで入力してください。")
        return reading


class StaffRegistrationForm(RegistrationForm):
    """A sign-up staff enter for someone. From the event's day on, a walk-in at the door is checked
    in with it (ticked on the day itself: the person is standing there); before that day there is
    no 当日受付 to offer."""

    check_in = forms.BooleanField(
        label="当日受付も済ませる",
        required=False,
        help_text="会場で受け付けた方は、このまま受付済みになります。",
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        if event.check_in_refusal():
            del self.fields["check_in"]
        else:
            self.fields["check_in"].initial = event.day == timezone.localdate()


def professions_by_typed_name():
    """{folded word: profession} of every profession's name, short name and aliases, folded as
    the directory's search folds (width, kana, case, spaces). A name wins over another
    profession's short name, and that over an alias."""
    professions = list(Profession.objects.all())
    found = {}
    for words_of in (
        lambda p: [p.name],
        lambda p: [p.short_name] if p.short_name else [],
        Profession.accepted_names,
    ):
        for p in professions:
            for word in words_of(p):
                found.setdefault(normalize(word), p)
    return found


class BulkRegistrationForm(forms.Form):
    """A FAX sign-up sheet typed or pasted in one go: one person a line, 氏名, 所属, 職種 separated
    by a tab (pasted from Excel) or a comma (, ， 、). Every line is checked before anything is
    saved; an error names the line."""

    SEPARATORS = re.compile(r"\t|[,，、]")

    lines = forms.CharField(
        label="申込の一覧（1行に1名：氏名、所属、職種）",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="例: 山田 花子、○○訪問看護ステーション、看護師　Excelから3列をそのまま貼り付けても構いません。職種は「ケアマネ」「ケアマネジャー」「Ns」「Dr」などの呼び方でも入力できます。",
        max_length=50_000,
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_lines(self):
        professions = professions_by_typed_name()
        existing = {
            (normalize(name), normalize(org))
            for name, org in self.event.registrations.exclude(status="cancelled").values_list(
                "name", "organisation"
            )
        }
        rows, errors, seen = [], [], set()
        for number, line in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not line.strip():
                continue
            cells = [c.strip() for c in self.SEPARATORS.split(line)]
            cells += [""] * (3 - len(cells))
            name, organisation, profession_text = cells[0], cells[1], cells[2]
            problems = []
            if len([c for c in cells[3:] if c]):
                problems.append("項目が多すぎます（氏名、所属、職種の3つにしてください）")
            if not name:
                problems.append("氏名がありません")
            elif len(name) > 100:
                problems.append("氏名が長すぎます（100文字まで）")
            if not organisation:
                problems.append("所属がありません")
            elif len(organisation) > 200:
                problems.append("所属が長すぎます（200文字まで）")
            profession = professions.get(normalize(profession_text)) if profession_text else None
            if not profession_text:
                problems.append("職種がありません")
            elif profession is None:
                problems.append(f"職種「{profession_text}」が職種の一覧にありません")
            key = (normalize(name), normalize(organisation))
            if name and organisation and key in existing:
                problems.append(f"{name}さん（{organisation}）はすでに申し込まれています")
            elif name and organisation and key in seen:
                problems.append(f"{name}さん（{organisation}）が一覧の中で重複しています")
            seen.add(key)
            if problems:
                errors.append(f"{number}行目: " + "、".join(problems) + "。")
            else:
                rows.append(
                    {"line": number, "name": name, "organisation": organisation, "profession": profession}
                )
        if errors:
            raise forms.ValidationError(errors)
        if not rows:
            raise forms.ValidationError("申込が1行もありません。")
        # What each will become if saved now (the seats are counted again when saving).
        confirmed = self.event.registrations.confirmed().count()
        for row in rows:
            waiting = self.event.capacity is not None and confirmed >= self.event.capacity
            row["waitlisted"] = waiting
            confirmed += not waiting
        return rows

    @transaction.atomic
    def save(self, by):
        return [
            self.event.register(
                name=row["name"], organisation=row["organisation"], profession=row["profession"], by=by
            )
            for row in self.cleaned_data["lines"]
        ]


class AttendanceCountsForm(ProfessionCountsForm):
    """Attendance entered after the fact: a count per profession, and the organisations that came
    without registering."""

    extra_organisations = forms.IntegerField(
        label="申込以外の参加団体数", min_value=0, required=False, help_text="申込なしで参加した団体の数"
    )

    def __init__(self, *args, event, **kwargs):
        current = {c.profession_id: c.count for c in event.attendance_counts.all()}
        super().__init__(*args, current=current, **kwargs)
        self.event = event
        self.fields["extra_organisations"].initial = event.extra_organisations

    @transaction.atomic
    def save(self):
        AttendanceCount.objects.filter(event=self.event).delete()
        AttendanceCount.objects.bulk_create(
            AttendanceCount(event=self.event, profession=p, count=n) for p, n in self.counts().items()
        )
        self.event.extra_organisations = self.cleaned_data.get("extra_organisations") or 0
        self.event.save(update_fields=["extra_organisations"])


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["phase", "text", "owner"]
        widgets = {"phase": forms.Select}


class ApplyTemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        label="ひな形", queryset=TaskTemplate.objects.all(), widget=forms.Select, empty_label=None
    )
