import datetime
import decimal
import re

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError

from coordination.forms import DateInput, DateTimeInput, use_area_tree
from coordination.models import Area, Center, Profession, Role
from resources.models import FacilityKind
from surveys.models import Question, Survey, default_fiscal_year

# A question's 識別名 stays ASCII (it names the question across the series' years and in the raw
# workbook's sheet names); people leave it blank and get q1, q2 … (next_question_key).
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
KEY_INVALID = (
    "識別名は半角の英字・数字・ハイフン（-）・下線（_）で入れてください。空欄にすると自動で付けます。"
)


def next_question_key(survey, exclude=None):
    """q<n>, one more than the highest q<n> of the survey's other questions: a new question keeps
    its key for good, and the same survey made again question by question gets the same keys."""
    used = set(survey.questions.exclude(pk=exclude).values_list("key", flat=True)) if survey.pk else set()
    numbers = [int(k[1:]) for k in used if k[:1] == "q" and k[1:].isdigit()]
    n = max(numbers, default=0) + 1
    while f"q{n}" in used:
        n += 1
    return f"q{n}"


# How many empty client rows the answer page offers at first, and at most.
ROWS_START = 5
ROWS_MAX = 60


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


NEW_SERIES = "new"


def new_series_key(fiscal_year):
    """s<年度>-<n>: an ASCII name for a new series whatever its (Japanese) title, unique and never
    changed afterwards (the next years' surveys pick the series by its title)."""
    used = set(Survey.objects.exclude(series_key="").values_list("series_key", flat=True))
    n = 1
    while f"s{fiscal_year}-{n}" in used:
        n += 1
    return f"s{fiscal_year}-{n}"


class SurveyForm(forms.ModelForm):
    series_key = forms.ChoiceField(
        label="毎年くり返す調査",
        required=False,
        help_text="同じシリーズの調査は、前の年度の結果と質問ごとに比べられます",
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "description",
            "center",
            "fiscal_year",
            "series_key",
            "opens_at",
            "closes_at",
            "audience",
            "results_public",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.instance.pk:
            self.fields["fiscal_year"].initial = default_fiscal_year()
        if user.role == Role.COORDINATOR:
            # A coordinator's surveys are their center's; the city's are the admins'.
            self.fields.pop("center")
            self.instance.center_id = self.instance.center_id or user.center_id
        else:
            self.fields["center"].empty_label = "市（センター共通）"
        self.fields["series_key"].choices = self._series_choices()
        audience = self.fields["audience"]
        if self.instance.audience == Survey.Audience.EVENT and self.instance.event_id:
            # An event's survey stays its attendees'; the event owns its center too.
            audience.disabled = True
            self.fields.pop("center", None)
        else:
            audience.choices = [c for c in audience.choices if c[0] != Survey.Audience.EVENT]

    def _series_choices(self):
        """くり返さない, a new series, and the series the user's surveys already have, each named by
        its latest title and 年度 (the key itself is never shown)."""
        latest = {}
        for key, title, year in (
            Survey.objects.readable_by(self.user)
            .exclude(series_key="")
            .order_by("fiscal_year", "pk")
            .values_list("series_key", "title", "fiscal_year")
        ):
            latest[key] = (title, year)
        current = self.instance.series_key
        if current and current not in latest:
            latest[current] = (self.instance.title or current, self.instance.fiscal_year)
        series = sorted(latest.items(), key=lambda kv: (kv[1][0], kv[0]))
        return [
            ("", "くり返さない（この年度だけの調査）"),
            (NEW_SERIES, "新しいシリーズにする（次の年度から、この調査と比べられます）"),
            *[(key, f"{title}（{year}年度まで）") for key, (title, year) in series],
        ]

    def clean_series_key(self):
        value = self.cleaned_data.get("series_key") or ""
        if value == NEW_SERIES:
            return new_series_key(self.cleaned_data.get("fiscal_year") or default_fiscal_year())
        return value


class AnswerPeriodChecks:
    """The answer period of a form with `opens_at` and `closes_at` (the same rule as
    Survey.clean(): the close after the opening), on the form's own fields."""

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "回答受付終了は開始より後にしてください。")
        return data


class EventSurveyForm(AnswerPeriodChecks, forms.Form):
    """The survey of a training event: when its link takes answers, whether it is 無記名, and what
    the attendees read first. Its questions start as the usual ones (presets.EVENT_QUESTIONS)."""

    description = forms.CharField(
        label="はじめの説明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    opens_at = forms.DateTimeField(label="回答受付開始", widget=DateTimeInput())
    closes_at = forms.DateTimeField(label="回答受付終了", widget=DateTimeInput())
    anonymous = forms.BooleanField(
        label="無記名", required=False, initial=True, help_text="オフにすると氏名欄（任意）を表示します"
    )


class TemplateSurveyForm(AnswerPeriodChecks, forms.Form):
    template = forms.ChoiceField(
        label="ひな形",
        choices=[c for c in Survey.Template.choices if c[0]],
        widget=forms.RadioSelect,
    )
    center = forms.ModelChoiceField(
        label="実施するセンター",
        queryset=Center.objects.all(),
        required=False,
        empty_label="市（センター共通）",
    )
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    opens_at = forms.DateTimeField(label="回答受付開始", widget=DateTimeInput())
    closes_at = forms.DateTimeField(label="回答受付終了", widget=DateTimeInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].initial = default_fiscal_year()
        if user.role == Role.COORDINATOR:
            self.fields.pop("center")


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label="選択肢（1行に1つ）", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    rows_text = forms.CharField(
        label="表の行（1行に1つ。表の質問のとき）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    # What may still change once someone has answered: the wording only.
    LOCKED_FIELDS = (
        "key",
        "kind",
        "sort_order",
        "choices_text",
        "rows_text",
        "show_if_question",
        "show_if_value",
    )

    class Meta:
        model = Question
        fields = [
            "key",
            "text",
            "help_text",
            "kind",
            "required",
            "sort_order",
            "show_if_question",
            "show_if_value",
            "at_most",
        ]

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.instance.survey = survey
        key = self.fields["key"]
        key.required = False
        key.help_text = (
            "空欄にすると自動で付けます（q1, q2 …）。毎年の調査で同じ質問に同じ識別名を付けると、"
            "前年度と比べられます。"
        )
        key.error_messages["invalid"] = KEY_INVALID
        key.validators = [v for v in key.validators if not isinstance(v, validators.RegexValidator)]
        self.fields["kind"].widget = forms.Select(choices=Question.Kind.choices)
        others = survey.questions.exclude(pk=self.instance.pk).filter(
            kind__in=[Question.Kind.SINGLE, Question.Kind.MULTIPLE], show_if_question__isnull=True
        )
        self.fields["show_if_question"].queryset = others
        self.fields["show_if_question"].empty_label = "条件なし（いつも表示）"
        self.fields["show_if_question"].required = False
        limit = self.fields["at_most"]
        limit.queryset = survey.questions.exclude(pk=self.instance.pk).filter(kind=Question.Kind.NUMBER)
        limit.empty_label = "上限なし"
        limit.required = False
        self.initial.setdefault("choices_text", "\n".join(self.instance.choices or []))
        self.initial.setdefault("rows_text", "\n".join(self.instance.rows or []))
        if not self.instance.pk:
            self.initial.setdefault("sort_order", (survey.questions.count() + 1) * 10)
        self.locked = survey.has_answers()
        if self.locked:
            for name in self.LOCKED_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "回答が届いているため変更できません。"

    def _update_errors(self, errors):
        # The model names its JSON fields; the form shows them as the text boxes.
        names = {"choices": "choices_text", "rows": "rows_text", "columns": None}
        if hasattr(errors, "error_dict"):
            errors = ValidationError({names.get(k, k) or "__all__": v for k, v in errors.error_dict.items()})
        super()._update_errors(errors)

    def clean_key(self):
        key = (self.cleaned_data.get("key") or "").strip()
        if self.locked and self.instance.pk:
            return self.instance.key
        if not key:
            return next_question_key(self.survey, exclude=self.instance.pk)
        if not KEY_PATTERN.fullmatch(key):
            raise ValidationError(KEY_INVALID)
        if self.survey.questions.exclude(pk=self.instance.pk).filter(key=key).exists():
            raise ValidationError(
                "この識別名は、この調査のほかの質問で使われています。別の名前にするか、空欄にしてください。"
            )
        return key

    def clean(self):
        data = super().clean()
        if self.locked and not self.instance.pk:
            raise ValidationError("回答が届いたあとは質問を追加できません。")
        if not self.locked:
            self.instance.choices = lines(data.get("choices_text"))
            self.instance.rows = lines(data.get("rows_text"))
            if len(set(self.instance.choices)) != len(self.instance.choices):
                self.add_error("choices_text", "同じ選択肢が2回あります。")
        return data


class AudienceForm(forms.Form):
    kinds = forms.ModelMultipleChoiceField(
        label="施設種別",
        queryset=FacilityKind.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    area = forms.ModelChoiceField(
        label="地域", queryset=Area.objects.all(), required=False, empty_label="すべての地域"
    )
    professions = forms.ModelMultipleChoiceField(
        label="職種（専門職に送るとき。空欄はすべての職種）",
        queryset=Profession.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        use_area_tree(self.fields["area"])
        if survey.audience != Survey.Audience.FACILITIES:
            self.fields.pop("kinds")
            self.fields.pop("area")
        if survey.audience != Survey.Audience.PROFESSIONALS:
            self.fields.pop("professions")

    def clean(self):
        data = super().clean()
        if "kinds" in self.fields and not data.get("kinds"):
            self.add_error("kinds", "施設種別を1つ以上選んでください。")
        return data


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class AnswerForm(forms.Form):
    """The questionnaire of one respondent: one field per question (a matrix one per row, the
    client rows one per row and column). Every question is on the page, so it works without
    JavaScript; one answered 'only when …' and not applying is set aside."""

    def __init__(
        self,
        *args,
        survey,
        questions,
        initial_answers=None,
        row_count=None,
        open_link=False,
        respondent=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.questions = questions
        # About the one who answers an event's survey by its link: 職種 (the breakdown of the
        # results) and, when the survey is not 無記名, a name. Shown before the questions.
        self.about = []
        # A public lecture's residents have no 職種 to give.
        if open_link and survey.audience == Survey.Audience.EVENT and not survey.for_residents:
            self.fields["profession"] = forms.ModelChoiceField(
                label="職種",
                queryset=Profession.objects.all(),
                required=False,
                empty_label="回答しない",
            )
            self.about.append("profession")
        if open_link and not survey.anonymous:
            self.fields["respondent_name"] = forms.CharField(
                label="氏名（任意）", max_length=100, required=False
            )
            self.about.append("respondent_name")
        if open_link and respondent is not None:
            # The answer given earlier from this device, changed as a whole: what they said of
            # themselves comes back too.
            if "profession" in self.fields:
                self.initial["profession"] = Profession.objects.filter(name=respondent.group).first()
            if "respondent_name" in self.fields:
                self.initial["respondent_name"] = respondent.label
        self.by_id = {q.pk: q for q in questions}
        initial_answers = initial_answers or {}
        self.row_counts = {}
        self.layout = []
        for q in questions:
            value = initial_answers.get(q.pk)
            name = f"q{q.pk}"
            if q.kind == Question.Kind.ROWS:
                existing = value if isinstance(value, list) else []
                wanted = (
                    row_count or (self.data and self._posted_rows(q)) or max(ROWS_START, len(existing) + 2)
                )
                count = min(ROWS_MAX, max(wanted, len(existing)))
                self.row_counts[q.pk] = count
                rows = []
                for i in range(count):
                    cells = []
                    for column in q.columns:
                        field_name = f"{name}_r{i}_{column['key']}"
                        self.fields[field_name] = forms.ChoiceField(
                            label=column["label"],
                            choices=[("", "―")] + [(c, c) for c in column["choices"]],
                            required=False,
                        )
                        if i < len(existing):
                            self.initial[field_name] = existing[i].get(column["key"], "")
                        cells.append(field_name)
                    rows.append(cells)
                self.layout.append({"question": q, "rows": rows, "name": name})
                continue
            if q.kind == Question.Kind.MATRIX:
                cells = []
                for i, row in enumerate(q.rows):
                    field_name = f"{name}_m{i}"
                    self.fields[field_name] = forms.ChoiceField(
                        label=row, choices=[("", "―")] + [(c, c) for c in q.choices], required=False
                    )
                    if isinstance(value, dict):
                        self.initial[field_name] = value.get(row, "")
                    cells.append(field_name)
                self.layout.append({"question": q, "matrix": cells, "name": name})
                continue
            self.fields[name] = self._field(q)
            self.fields[name].marked_required = q.required
            if value is not None:
                self.initial[name] = value
            self.layout.append({"question": q, "field": name, "name": name})

    def _posted_rows(self, q):
        try:
            return int(self.data.get(f"q{q.pk}_rows", 0)) + (1 if f"q{q.pk}_more" in self.data else 0) * 5
        except ValueError:
            return 0

    def _field(self, q):
        # Never required to Django (a question shown only when … is checked in clean()), but
        # marked 必須 like the portal's other forms (templates/forms/field.html).
        common = {"label": q.text, "required": False, "help_text": q.help_text}
        kinds = Question.Kind
        if q.kind == kinds.RATING:
            return forms.TypedChoiceField(
                choices=[(v, Question.SCALE_LABELS[v]) for v in Question.SCALE],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                **common,
            )
        if q.kind == kinds.SINGLE:
            return forms.ChoiceField(choices=[(c, c) for c in q.choices], widget=forms.RadioSelect, **common)
        if q.kind == kinds.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(c, c) for c in q.choices], widget=forms.CheckboxSelectMultiple, **common
            )
        if q.kind == kinds.NUMBER:
            # Every number a survey asks is a count (人数, 床): never below 0 (checked in clean()).
            return forms.DecimalField(
                max_digits=12,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": 0}),
                **common,
            )
        if q.kind == kinds.DATE:
            return forms.DateField(widget=DateInput(), **common)
        if q.kind == kinds.SHORT_TEXT:
            return forms.CharField(max_length=200, **common)
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), **common)

    def clean(self):
        data = super().clean()
        values = {}
        for item in self.layout:
            q = item["question"]
            values[q.pk] = self._value(item, data)
        self.values = {}
        for item in self.layout:
            q = item["question"]
            if not q.shown_for(values):
                continue  # the condition was not met: whatever was typed there is not kept
            value = values[q.pk]
            if q.required and value in (None, "", [], {}):
                self.add_error(item.get("field"), f"「{q.text}」に答えてください。") if item.get(
                    "field"
                ) else self.add_error(None, f"「{q.text}」に答えてください。")
                continue
            if value not in (None, "", [], {}):
                self.values[q.pk] = value
        self._check_numbers()
        if not self.values and not self.errors and self.questions:
            # A blank page sent by mistake would use the respondent's one answer and count as
            # a response with nothing in it.
            self.add_error(
                None, "どの質問にも回答がありません。答えられる質問に回答してから送信してください。"
            )
        return data

    def _check_numbers(self):
        """Counts: none below 0, none above the count it is limited by (空床数 ≤ 定員)."""
        for item in self.layout:
            q = item["question"]
            value = self.values.get(q.pk)
            if q.kind != Question.Kind.NUMBER or value is None or "field" not in item:
                continue
            if value < 0:
                self.add_error(item["field"], f"「{q.text}」は0以上の数で入れてください。")
                continue
            limit = self.by_id.get(q.at_most_id)
            bound = self.values.get(limit.pk) if limit is not None else None
            if isinstance(bound, (int, float)) and bound >= 0 and value > bound:
                self.add_error(
                    item["field"],
                    f"「{q.text}」（{value}）が「{limit.text}」（{bound}）を超えています。"
                    f"「{limit.text}」以下の数にしてください。",
                )

    def _value(self, item, data):
        q = item["question"]
        if "field" in item:
            value = data.get(item["field"])
            if isinstance(value, decimal.Decimal):
                return _number(value)
            if isinstance(value, datetime.date):
                return value.isoformat()
            if isinstance(value, str):
                return value.strip()
            return value
        if "matrix" in item:
            return {q.rows[i]: data[name] for i, name in enumerate(item["matrix"]) if data.get(name)}
        rows = []
        first = q.columns[0]
        for number, cells in enumerate(item["rows"], start=1):
            row = {column["key"]: data.get(name, "") for column, name in zip(q.columns, cells, strict=True)}
            if not any(row.values()):
                continue
            if not row[first["key"]]:
                self.add_error(cells[0], f"{number}行目: 「{first['label']}」を選んでください。")
            for column, name in zip(q.columns, cells, strict=True):
                condition = column.get("required_if")
                if condition and row.get(condition[0]) == condition[1] and not row[column["key"]]:
                    self.add_error(name, f"{number}行目: 「{column['label']}」を選んでください。")
            rows.append({k: v for k, v in row.items() if v})
        return rows
