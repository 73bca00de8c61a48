import datetime
import re
import uuid

from django import forms
from django.db.models import Case, When
from django.utils import timezone

from consultations.models import Consent, Consultation, Coordination, Topic
from coordination.forms import DateInput, DateTimeInput, use_area_tree
from coordination.models import Area, Role, User
from coordination.text import normalize
from resources.models import Facility, FacilityKind


def topic_choices():
    """[(大分類, [(id, item)]), …] with the top-level items gathered under 「その他の分類」."""
    topics = list(Topic.objects.filter(active=True).select_related("parent"))
    groups, leaves = {}, []
    parents_with_children = {t.parent_id for t in topics if t.parent_id}
    for t in topics:
        if t.parent_id:
            groups.setdefault(t.parent.name, []).append((t.pk, t.name))
        elif t.pk not in parents_with_children:
            leaves.append((t.pk, t.name))
    return [*groups.items(), ("その他の分類", leaves)] if leaves else list(groups.items())


def find_facility(text, near=None):
    """A directory facility from `#123` / `123` (its ID) or a name; returns (facility, candidates).
    `near`: the client's area; the candidates in its ward come first (the coordinator calls the
    facilities near the client, and a common name such as すこやか has one in every ward)."""
    text = (text or "").strip()
    if not text:
        return None, []
    # `#123`, `123`, or `みどりクリニック #123` as the edit form shows a chosen facility.
    match = re.fullmatch(r"(?:.*\s)?[#＃]?(\d+)", text)
    if match:
        facility = Facility.objects.filter(pk=int(match.group(1))).first()
        if facility:
            return facility, []
    exact = list(Facility.objects.filter(search_text__startswith=normalize(text) + "|")[:2])
    if len(exact) == 1:
        return exact[0], []
    # Open facilities only (a closed one is no one to call), the medical and care ones before the
    # community activities of the same name; one more than are listed, to say that there are more.
    order = [
        Case(When(kind__group=FacilityKind.Group.COMMUNITY, then=1), default=0),
        "name_kana",
        "name",
        "pk",
    ]
    if near is not None:
        ward = near.parent if near.kind == Area.Kind.DAILY and near.parent_id else near
        order.insert(0, Case(When(area_id__in=ward.descendant_ids(), then=0), default=1))
    found = Facility.objects.open().search(text).select_related("kind").order_by(*order)
    candidates = list(found[: CANDIDATE_LIMIT + 1])
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates


CANDIDATE_LIMIT = 10


def candidates_question(query, candidates):
    """The question above the candidates: how many, or that there are more than are listed."""
    if len(candidates) > CANDIDATE_LIMIT:
        return (
            f"「{query}」に当たる施設が{CANDIDATE_LIMIT}件より多くあります。上から{CANDIDATE_LIMIT}件を表示しています。"
            "見つからないときは、名前をもう少し詳しく入力してください。"
        )
    return f"「{query}」に当たる施設が{len(candidates)}件あります。連絡したのはどの施設ですか。"


EARLIEST = datetime.date(2000, 1, 1)


def plausible_day(day, label):
    """A date of something that has happened: not in the future, not before 2000."""
    if day is None:
        return day
    if day > timezone.localdate():
        raise forms.ValidationError(
            f"{label}が未来の日付（{day:%Y/%m/%d}）になっています。今日までの日付を入力してください。"
        )
    if day < EARLIEST:
        raise forms.ValidationError(f"{label}は2000年1月1日以降の日付を入力してください。")
    return day


def plausible_moment(moment, label):
    """As plausible_day, for a date and time (compared in Asia/Tokyo, to the minute)."""
    if moment is None:
        return moment
    if moment > timezone.now():
        raise forms.ValidationError(
            f"{label}が未来（{timezone.localtime(moment):%Y/%m/%d %H:%M}）になっています。今までの日時を入力してください。"
        )
    plausible_day(timezone.localtime(moment).date(), label)
    return moment


class PlausibleDateTimeField(forms.DateTimeField):
    """A date and time field whose out-of-range input (0001-01-01, 9999-12-31 23:59 in Tokyo)
    is a form error naming the field, not an overflow."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except (OverflowError, ValueError):
            raise forms.ValidationError(
                "日時を正しく入力してください（2000年以降）。", code="invalid"
            ) from None


def grouped_checkboxes():
    """Django's checkboxes with each 大分類 as a labelled group (role=group), so that a screen
    reader announces 医療 or 介護 before its items."""
    widget = forms.CheckboxSelectMultiple()
    widget.template_name = "consultations/widgets/grouped_checkboxes.html"
    return widget


class ConsultationForm(forms.ModelForm):
    topic_ids = forms.TypedMultipleChoiceField(
        label="相談内容（複数選択可）",
        coerce=int,
        widget=grouped_checkboxes(),
        required=True,
        error_messages={"required": "相談内容を1つ以上選んでください。"},
    )
    consultant_org = forms.CharField(
        label="相談者所属",
        required=False,
        max_length=200,
        help_text="施設名（名簿にあれば自動でリンク）、#ID、または自由記入",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # One per opening of the new-consultation form (see Consultation.submission_token).
    submission_token = forms.UUIDField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": "画面の送信情報が正しくありません。相談の記録を開き直してください。"},
    )
    earlier = forms.CharField(
        label="同じ対象者の以前の相談（相談番号）",
        required=False,
        max_length=20,
        help_text="以前にも相談を受けた対象者なら、その相談の番号（例: #123）。実人数は同じ対象者を1人と数えます。"
        "番号は「同じ対象者の相談を探す」で調べられます。",
    )

    # On the phone: who is calling and from where, then what about, then the rest.
    field_order = [
        "consultant_type",
        "consultant_org",
        "topic_ids",
        "received_at",
        "method",
        "consultant_name",
        "consultant_location",
        "client_age",
        "client_sex",
        "client_area",
        "client_care_level",
        "client_condition",
        "earlier",
        "summary",
        "response",
        "result",
        "status",
        "follow_up_on",
        "minutes_spent",
        "center",
        "handled_by",
    ]
    # Radio groups whose empty value means 不明: no radio of theirs is chosen in advance, and
    # leaving the group alone records 不明.
    UNKNOWN_WHEN_UNCHOSEN = ("consultant_location", "client_sex")

    class Meta:
        model = Consultation
        fields = [
            "center",
            "received_at",
            "method",
            "consultant_type",
            "consultant_name",
            "consultant_location",
            "client_age",
            "client_sex",
            "client_area",
            "client_care_level",
            "client_condition",
            "summary",
            "response",
            "result",
            "status",
            "follow_up_on",
            "minutes_spent",
            "handled_by",
        ]
        field_classes = {"received_at": PlausibleDateTimeField}
        widgets = {
            "received_at": DateTimeInput(),
            "follow_up_on": DateInput(),
            "method": forms.RadioSelect,
            "consultant_type": forms.RadioSelect,
            "consultant_location": forms.RadioSelect,
            "client_sex": forms.RadioSelect,
            "status": forms.RadioSelect,
            "client_care_level": forms.Select,
            "client_area": forms.Select,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "response": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, token=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["topic_ids"].choices = topic_choices()
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["consultant_type"].empty_label = None
        for name in self.UNKNOWN_WHEN_UNCHOSEN:
            field = self.fields[name]
            field.choices = [c for c in field.choices if c[0] != ""]
            field.help_text = "分からなければ選ばずに進めます（「不明」として記録します）。"
        self.fields["client_area"].queryset = Area.objects.exclude(kind=Area.Kind.CITY)
        use_area_tree(self.fields["client_area"])
        self.fields["client_age"].widget.attrs.update(min=0, max=130)
        # A date stays a reminder after the case is closed (follow_ups_due): said where it is set,
        # so that closing a case is not taken for ending its follow-up.
        self.fields["follow_up_on"].help_text = (
            "状態を「完了」にしても、日付が入っているあいだは、その日からホームの"
            "「フォロー期日が来ている相談」と一覧の「フォロー期日が来ているもの」に出ます。"
            "フォローが済んだら日付を消してください。"
        )
        if user.role == Role.COORDINATOR:
            del self.fields["center"]
            center_id = user.center_id
        else:
            center_id = self.instance.center_id if self.instance.pk else None
        staff = User.objects.filter(role__in=[Role.COORDINATOR, Role.ADMIN], is_active=True)
        self.fields["handled_by"].queryset = staff.filter(center_id=center_id) if center_id else staff
        self.fields["handled_by"].initial = user.pk if user.role == Role.COORDINATOR else None
        if self.instance.pk:
            del self.fields["submission_token"]
        else:
            self.fields["submission_token"].initial = token or uuid.uuid4()
        if self.instance.pk:
            self.fields["topic_ids"].initial = list(
                self.instance.topic_links.values_list("topic_id", flat=True)
            )
            self.fields["consultant_org"].initial = self.instance.consultant_label
            self.fields["version"].initial = self.instance.version
            if self.instance.first_consultation_id:
                self.fields["earlier"].initial = f"#{self.instance.first_consultation_id}"

    def clean_earlier(self):
        """The earlier consultation of the same client, among the records this user may open;
        clean() checks it is the same center's and stores that client's first consultation, so
        one client is always one id."""
        text = self.cleaned_data["earlier"].strip().lstrip("#＃").strip()
        self.earlier = None
        if not text:
            return ""
        if not text.isdigit():
            raise forms.ValidationError("以前の相談は番号（例: #123）で入力してください。")
        self.earlier = Consultation.objects.for_user(self.user).filter(pk=int(text)).first()
        if self.earlier is None:
            raise forms.ValidationError(f"相談 #{text} はこのセンターの記録にありません。")
        return text

    def _check_earlier(self, data):
        self.instance.first_consultation_id = None
        earlier = getattr(self, "earlier", None)
        if earlier is None:
            return
        if self.user.role == Role.COORDINATOR:
            center_id = self.user.center_id
        else:
            center = data.get("center")
            center_id = center.pk if center else self.instance.center_id
        first_id = earlier.first_consultation_id or earlier.pk
        if earlier.center_id != center_id:
            self.add_error("earlier", f"相談 #{earlier.pk} はこのセンターの記録にありません。")
        elif self.instance.pk and self.instance.pk in (earlier.pk, first_id):
            self.add_error("earlier", "この相談自身や、この相談を初回とする相談は指定できません。")
        else:
            self.instance.first_consultation_id = first_id

    def clean_consultant_org(self):
        text = self.cleaned_data["consultant_org"].strip()
        self.linked_facility, _ = find_facility(text) if text else (None, [])
        return text

    def clean_received_at(self):
        received = self.cleaned_data["received_at"]
        return plausible_moment(received, "受付日時")

    def clean(self):
        data = super().clean()
        self._check_earlier(data)
        received, follow_up = data.get("received_at"), data.get("follow_up_on")
        if received and follow_up and follow_up < timezone.localtime(received).date():
            self.add_error(
                "follow_up_on",
                f"次回フォロー日（{follow_up:%Y/%m/%d}）が受付日（{timezone.localtime(received):%Y/%m/%d}）より前になっています。",
            )
        return data

    def clean_minutes_spent(self):
        minutes = self.cleaned_data["minutes_spent"]
        if minutes is not None and minutes > 24 * 60:
            raise forms.ValidationError("対応時間は分で入力してください（24時間以内）。")
        return minutes

    def clean_client_age(self):
        age = self.cleaned_data["client_age"]
        if age is not None and age > 130:
            raise forms.ValidationError("年齢は0〜130の範囲で入力してください。")
        return age


def candidate_label(facility):
    """What tells two facilities of the same name apart on the phone: kind, address, phone."""
    details = [facility.kind.name, facility.address, f"電話 {facility.phone}" if facility.phone else ""]
    return f"{facility.name}（{'・'.join(d for d in details if d)}）"


class CoordinationForm(forms.ModelForm):
    """A 連絡調整 row, facility first (then how, then the result), typed while on the phone. A name
    that several facilities share shows them to pick from; a facility not in the directory is
    kept as the name typed."""

    facility_query = forms.CharField(
        label="連絡先施設（施設名または #ID）",
        max_length=200,
        help_text="名前の一部でも探せます。同じ名前が複数あるときは候補から選べます。",
        error_messages={"required": "連絡した施設の名前を入力してください。"},
    )
    facility_choice = forms.TypedChoiceField(
        label="候補から選ぶ", coerce=int, required=False, widget=forms.RadioSelect
    )
    unlisted = forms.BooleanField(label="名簿にない施設として、入力した名前のまま記録する", required=False)

    field_order = ["facility_query", "facility_choice", "unlisted", "means", "result", "reason", "note"]
    # Its own layout: which of several facilities was meant is a question, not a mistake.
    template_name = "consultations/_coordination_form.html"

    class Meta:
        model = Coordination
        fields = ["means", "result", "reason", "note", "contacted_at"]
        field_classes = {"contacted_at": PlausibleDateTimeField}
        widgets = {"contacted_at": DateTimeInput(), "means": forms.RadioSelect, "result": forms.RadioSelect}

    def __init__(self, *args, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The client's area orders the candidates (find_facility): the same in the form and its check.
        self.near = (
            consultation.client_area if consultation is not None and consultation.client_area_id else None
        )
        self.fields["contacted_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["result"].choices = self.fields["result"].choices[1:]  # no empty radio
        self.fields["facility_query"].widget.attrs["autocomplete"] = "off"
        if self.instance.pk:
            if self.instance.facility_id:
                self.fields["facility_query"].initial = self.query_for(self.instance.facility)
            else:
                self.fields["facility_query"].initial = self.instance.facility_text
                self.fields["unlisted"].initial = True
        self.candidates = []
        query = self.data.get(self.add_prefix("facility_query"), "") if self.is_bound else ""
        if query:
            _, self.candidates = find_facility(query, self.near)
        if self.candidates:
            self.fields["facility_choice"].choices = [
                (f.pk, candidate_label(f)) for f in self.candidates[:CANDIDATE_LIMIT]
            ]
        else:
            del self.fields["facility_choice"]

    @staticmethod
    def query_for(facility):
        """The facility as the form's field shows a chosen one (みどりクリニック #123): its ID decides."""
        return f"{facility.name} #{facility.pk}"

    CHOOSE = "choose"

    @property
    def asks_which_facility(self):
        """The name typed fits several facilities and none was chosen: the form asks which."""
        return any(e.code == self.CHOOSE for e in self.non_field_errors().as_data())

    @property
    def which_facility_question(self):
        return next((e.message for e in self.non_field_errors().as_data() if e.code == self.CHOOSE), "")

    @property
    def other_form_errors(self):
        """The form-wide errors that are mistakes (the question of which facility is not one)."""
        return [m for e in self.non_field_errors().as_data() if e.code != self.CHOOSE for m in e.messages]

    @property
    def has_mistakes(self):
        """Errors other than the question of which facility (those are said as errors)."""
        return any(e.code != self.CHOOSE for errors in self.errors.as_data().values() for e in errors)

    def clean(self):
        data = super().clean()
        query = data.get("facility_query", "")
        if not query:
            return data
        if data.get("unlisted"):
            self.instance.facility, self.instance.facility_text = None, query
            return data
        facility, candidates = find_facility(query, self.near)
        chosen = data.get("facility_choice")
        if chosen:
            facility = next((f for f in candidates if f.pk == chosen), None)
        if facility:
            self.instance.facility, self.instance.facility_text = facility, ""
        elif candidates:
            # Not a mistake: the row waits for the answer to a question (code CHOOSE), asked above
            # the candidates by the form's template, without marking any field as wrong.
            self.add_error(
                None,
                forms.ValidationError(candidates_question(query, candidates), code=self.CHOOSE),
            )
        else:
            self.add_error(
                "facility_query",
                f"名簿に「{query}」に当たる施設がありません。名前を確かめるか、"
                "「名簿にない施設として、入力した名前のまま記録する」にチェックしてください。",
            )
        return data


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["consented_by", "consented_on", "how", "scope"]
        widgets = {"consented_on": DateInput(), "how": forms.RadioSelect}

    def __init__(self, *args, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        # Consent is usually given on the call being logged: today, as the provision's date.
        self.fields["consented_on"].initial = timezone.localdate()
        # No radio chosen in advance: a placeholder radio, checked, was sent as the choice and
        # refused as 「この項目は必須です。」 (as the 連絡調整 result, the empty choice goes).
        self.fields["how"].choices = [c for c in self.fields["how"].choices if c[0] != ""]

    def clean_consented_on(self):
        return plausible_day(self.cleaned_data["consented_on"], "同意日")


def consent_label(consent, consultation):
    """A consent as a consultation's page names it: where it was recorded when that was another
    of the client's consultations."""
    if consent.consultation_id == consultation.pk:
        return consent.label
    return f"{consent.label}（相談 #{consent.consultation_id} で記録）"


class ProvisionForm(forms.Form):
    recipient = forms.CharField(label="提供先", max_length=200)
    items = forms.CharField(label="提供した項目", max_length=300, help_text="例: 氏名、病名、ADL、服薬状況")
    provided_on = forms.DateField(label="提供日", widget=DateInput())
    consent = forms.ModelChoiceField(
        label="根拠となる同意", queryset=Consent.objects.none(), empty_label=None
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        # The client's consents, whichever of the client's consultations they were recorded on.
        self.fields["consent"].queryset = consultation.client_consents()
        self.fields["consent"].label_from_instance = lambda consent: consent_label(consent, consultation)
        self.fields["provided_on"].initial = timezone.localdate()

    def clean_provided_on(self):
        return plausible_day(self.cleaned_data["provided_on"], "提供日")

    def clean(self):
        data = super().clean()
        if not self.fields["consent"].queryset.exists():
            raise forms.ValidationError(
                "本人（または代理人）の同意が記録されていないため、第三者提供を記録できません。先に同意を記録してください。"
            )
        provided_on, consent = data.get("provided_on"), data.get("consent")
        if provided_on and consent and provided_on < consent.consented_on:
            self.add_error(
                "provided_on", "提供日が同意日より前になっています。同意前の提供は記録できません。"
            )
        return data
