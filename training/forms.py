from django import forms
from django.db import transaction
from django.utils import timezone

from coordination.forms import (
    CenterOwnedForm,
    DateTimeInput,
    ProfessionCountsForm,
)
from coordination.models import Organisation, Profession
from training.models import (
    AttendanceCount,
    Event,
    EventOrganisation,
    Question,
    Response,
    Survey,
    Task,
    TaskTemplate,
)


class EventForm(CenterOwnedForm):
    hosts = forms.ModelMultipleChoiceField(
        label="主催", queryset=Organisation.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    co_hosts = forms.ModelMultipleChoiceField(
        label="共催", queryset=Organisation.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    supporters = forms.ModelMultipleChoiceField(
        label="後援", queryset=Organisation.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    ROLE_FIELDS = {
        "hosts": EventOrganisation.Role.HOST,
        "co_hosts": EventOrganisation.Role.CO_HOST,
        "supporters": EventOrganisation.Role.SUPPORT,
    }

    class Meta:
        model = Event
        fields = [
            "center",
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
            "speakers",
            "capacity",
            "description",
            "registration_open",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "item": forms.RadioSelect,
            "delivery": forms.RadioSelect,
            "center": forms.Select,
            "audience_professions": forms.CheckboxSelectMultiple,
            "formats": forms.CheckboxSelectMultiple,
            "speakers": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            links = list(self.instance.organiser_links.all())
            for name, role in self.ROLE_FIELDS.items():
                self.fields[name].initial = [link.organisation_id for link in links if link.role == role]

    def clean(self):
        data = super().clean()
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
    organisation = forms.CharField(label="所属", max_length=200, help_text="事業所・医療機関名")
    profession = forms.ModelChoiceField(
        label="職種", queryset=Profession.objects.all(), widget=forms.Select, empty_label="選んでください"
    )
    email = forms.EmailField(label="連絡先メール", required=False)


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


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["intro", "opens_at", "closes_at", "anonymous"]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "intro": forms.Textarea(attrs={"rows": 2}),
        }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "kind", "required"]
        widgets = {"kind": forms.Select}


QuestionFormSet = forms.inlineformset_factory(
    Survey, Question, form=QuestionForm, extra=2, can_delete=True, min_num=1, validate_min=True
)


class AnswerForm(forms.Form):
    """The public questionnaire: one field per question."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.questions = list(survey.questions.all())
        self.fields["profession"] = forms.ModelChoiceField(
            label="職種",
            queryset=Profession.objects.all(),
            required=False,
            widget=forms.Select,
            empty_label="回答しない",
        )
        if not survey.anonymous:
            self.fields["respondent_name"] = forms.CharField(
                label="氏名（任意）", max_length=100, required=False
            )
        choices = [(v, Question.SCALE_LABELS[v]) for v in Question.SCALE]
        for q in self.questions:
            if q.kind == Question.Kind.RATING:
                self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                    label=q.text, choices=choices, coerce=int, widget=forms.RadioSelect, required=q.required
                )
            else:
                self.fields[f"q{q.pk}"] = forms.CharField(
                    label=q.text,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    required=q.required,
                    max_length=2000,
                )

    @transaction.atomic
    def save(self):
        from training.models import Answer

        response = Response.objects.create(
            survey=self.survey,
            profession=self.cleaned_data.get("profession"),
            respondent_name=self.cleaned_data.get("respondent_name", ""),
        )
        answers = []
        for q in self.questions:
            value = self.cleaned_data.get(f"q{q.pk}")
            if value in (None, ""):
                continue
            if q.kind == Question.Kind.RATING:
                answers.append(Answer(response=response, question=q, rating=value))
            else:
                answers.append(Answer(response=response, question=q, text=value.strip()))
        Answer.objects.bulk_create(answers)
        return response


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["phase", "text", "owner"]
        widgets = {"phase": forms.Select}


class ApplyTemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        label="ひな形", queryset=TaskTemplate.objects.all(), widget=forms.Select, empty_label=None
    )


def default_survey_times(event):
    """Open from the start of the event for two weeks."""
    opens = event.starts_at
    return {
        "opens_at": timezone.localtime(opens),
        "closes_at": timezone.localtime(opens) + timezone.timedelta(days=14),
    }
