import re

from django import forms
from django.utils import timezone

from coordination.forms import DateInput, area_tree_choices, clean_phone, optional_checkboxes, use_area_tree
from coordination.models import Area
from coordination.text import nfkc, normalize, normalize_phone
from resources import windows as window_rows
from resources.exporting import COLUMN_FIELDS
from resources.imports import municipalities
from resources.models import (
    Capability,
    Facility,
    FacilityCapability,
    FacilityChange,
    FacilityKind,
    FacilitySpecialty,
    Specialty,
)
from resources.updates import TEXT_FIELDS, VACANCY_PREFIX


def log_hand_edit(facility, user, creating, changed):
    """The facility's history row of an edit made on a portal form (the directory's own or a
    community resource's): who, and the labels of the fields it changed."""
    FacilityChange.objects.create(
        facility=facility,
        user=user,
        action=FacilityChange.Action.CREATE if creating else FacilityChange.Action.UPDATE,
        fields=changed,
    )


class PostcodeField(forms.CharField):
    """A 郵便番号 as people type it (全角, 〒, any dash, spaces) stored as `801-0833`; anything
    but 7 digits is refused with a message saying how to write it."""

    def to_python(self, value):
        value = nfkc(super().to_python(value)).lstrip("〒").strip()
        if not value:
            return ""
        digits = normalize_phone(value).replace("-", "")  # the phone numbers' dashes and spaces folded
        if not re.fullmatch(r"\d{7}", digits):
            raise forms.ValidationError(
                f"郵便番号は7桁の数字で入力してください（例: 801-0833）。「{value}」は読めません。"
            )
        return f"{digits[:3]}-{digits[3:]}"


class FacilityForm(forms.ModelForm):
    capability_set = optional_checkboxes("在宅対応機能", Capability.objects.all())
    specialty_set = optional_checkboxes("診療科目", Specialty.objects.all())

    class Meta:
        model = Facility
        fields = [
            "kind",
            "code",
            "name",
            "name_kana",
            "corporation_name",
            "corporation_number",
            "postal_code",
            "address",
            "area",
            "latitude",
            "longitude",
            "phone",
            "fax",
            "url",
            "opening_days",
            "opening_hours",
            "closed_days",
            "capacity",
            "public_note",
            "direct_phone",
            "contact_person",
            "avoid_note",
            "accepting",
            "accepting_stated_on",
            "internal_note",
            "contact_email",
            "contact_fax",
            "areas_served",
        ]
        field_classes = {"postal_code": PostcodeField}
        widgets = {
            "areas_served": forms.CheckboxSelectMultiple,
            "accepting_stated_on": DateInput(),
            "public_note": forms.Textarea(attrs={"rows": 3}),
            "internal_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_area_tree(self.fields["area"])
        self.fields["areas_served"].choices = area_tree_choices(self.fields["areas_served"].queryset)
        self.fields[
            "areas_served"
        ].help_text = "訪問診療・訪問看護など、訪問するサービスが伺える地域（区・圏域）"
        if self.instance.pk:
            self.fields["capability_set"].initial = list(self.instance.capabilities.all())
            self.fields["specialty_set"].initial = list(self.instance.specialties.all())

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code and not code.isdigit():
            raise forms.ValidationError("番号は数字のみで入力してください（先頭の0も含めます）。")
        return code

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_fax(self):
        return clean_phone(self.cleaned_data["fax"])

    def clean_contact_fax(self):
        return clean_phone(self.cleaned_data["contact_fax"])

    def clean_direct_phone(self):
        return clean_phone(self.cleaned_data["direct_phone"])

    def clean(self):
        data = super().clean()
        kind, code = data.get("kind"), data.get("code")
        if kind and code:
            clash = Facility.objects.filter(kind=kind, code=code).exclude(pk=self.instance.pk).first()
            if clash:
                self.add_error(
                    "code", f"この番号は同じ種別の「{clash.name}」(ID {clash.pk}) で登録済みです。"
                )
        return data

    def save_with_history(self, user, formset):
        creating = self.instance.pk is None
        changed = [self.fields[name].label for name in self.changed_data]
        facility = self.save(commit=False)
        facility.updated_by = user
        facility.mark_manual(self.changed_data)
        facility.save()
        self.save_m2m()
        self._sync(facility, FacilityCapability, "capability", self.cleaned_data["capability_set"])
        self._sync(facility, FacilitySpecialty, "specialty", self.cleaned_data["specialty_set"])
        wanted = window_rows.expand(formset.rows())
        if creating or wanted != window_rows.stored(facility):
            window_rows.replace(facility, wanted)
            if wanted or not creating:
                changed.append("ケアマネタイム・連絡時間")
        log_hand_edit(facility, user, creating, changed)
        self.changed_labels = changed  # what the history line names (the edit's re-checks say it too)
        return facility

    @staticmethod
    def _sync(facility, link_model, field, chosen):
        chosen_ids = {obj.pk for obj in chosen}
        links = link_model.objects.filter(facility=facility)
        links.exclude(**{f"{field}_id__in": chosen_ids}).delete()
        existing = set(links.values_list(f"{field}_id", flat=True))
        extra = (
            {"source": "manual", "stated_on": timezone.localdate()}
            if link_model is FacilityCapability
            else {}
        )
        link_model.objects.bulk_create(
            [link_model(facility=facility, **{f"{field}_id": pk}, **extra) for pk in chosen_ids - existing]
        )


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="ファイル", widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))
    area_codes = forms.CharField(
        label="この取込だけ対象に加える地域（任意）",
        required=False,
        help_text="都道府県コード（2桁）または市町村コード（全国地方公共団体コード。検査数字つきの6桁でも、除いた5桁でも構いません）。複数はスペースか読点で区切ります（例: 40 または 402036 402052）。ここで加えた地域の施設も名簿に登録され、検索に出ます。",
    )

    def clean_area_codes(self):
        codes, errors = municipalities.parse(self.cleaned_data["area_codes"])
        if errors:
            raise forms.ValidationError(errors)
        return codes


# Words cities use in their sheets' headers, for the first guess of the mapping step (the admin
# can change every choice).
HEADER_WORDS = {
    "カナ": "名称カナ",
    "フリガナ": "名称カナ",
    "事業所名": "名称",
    "施設名": "名称",
    "医療機関名": "名称",
    "名前": "名称",
    "名称": "名称",
    "サービス": "種別",
    "種類": "種別",
    "種別": "種別",
    "所在地": "住所",
    "住所": "住所",
    "TEL": "電話番号",
    "電話": "電話番号",
    "FAX": "FAX番号",
    "郵便番号": "郵便番号",
    "URL": "URL",
    "ホームページ": "URL",
}


class ColumnMappingForm(forms.Form):
    """One choice per column of a city's own sheet: the portal column it holds, or 取り込まない."""

    IGNORE = ""

    def __init__(self, *args, header=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.header = list(header)
        choices = [(self.IGNORE, "取り込まない"), ("種別", "種別"), *((c, c) for c in COLUMN_FIELDS)]
        choices += [(c, c) for c in ("在宅対応機能", "診療科目", "ケアマネタイム") if c not in COLUMN_FIELDS]
        names = {normalize(c): c for _, c in choices[1:]}
        names.update({normalize(word): column for word, column in HEADER_WORDS.items()})
        for index, column in enumerate(self.header):
            folded = normalize(column)
            guess = names.get(folded) or next(
                (target for word, target in HEADER_WORDS.items() if normalize(word) in folded), self.IGNORE
            )
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column or f"（{index + 1}列目・見出しなし）",
                choices=choices,
                initial=guess,
                required=False,
            )

    def clean(self):
        chosen = [v for v in self.cleaned_data.values() if v]
        missing = [c for c in ("種別", "名称") if c not in chosen]
        if missing:
            raise forms.ValidationError(f"「{'」「'.join(missing)}」にあたる列を選んでください（必須です）。")
        repeated = sorted({c for c in chosen if chosen.count(c) > 1})
        if repeated:
            raise forms.ValidationError(f"同じ項目が複数の列に選ばれています: {'、'.join(repeated)}")
        return self.cleaned_data

    def mapping(self):
        return {column: self.cleaned_data.get(f"column_{i}", "") for i, column in enumerate(self.header)}


class FacilityUpdateForm(forms.Form):
    """What a facility states about itself through its update link (no account). Only this
    facility's values are ever put in it."""

    # The facility's own 住所・電話番号・FAX, checked as the staff form checks them (clean_phone,
    # PostcodeField). A value left as the directory holds it is never an error: the facility
    # answers for what it changes, not for how an import spelled the rest.
    CONTACT_FIELDS = ("postal_code", "address", "phone", "fax")
    postal_code = PostcodeField(label="郵便番号", max_length=10, required=False, help_text="例: 801-0833")
    address = forms.CharField(label="住所", max_length=300, required=False)
    phone = forms.CharField(
        label="電話番号",
        max_length=20,
        required=False,
        help_text="名簿に載せる代表の番号（例: 093-582-2018）",
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    fax = forms.CharField(
        label="FAX番号", max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    accepting = forms.ChoiceField(
        label="受入状況",
        choices=[c for c in Facility.Accepting.choices if c[0]],
        widget=forms.RadioSelect,
        required=False,
        help_text="新しい利用者・患者さんの受け入れ",
    )
    contact_person = forms.CharField(label="連絡窓口・担当者", max_length=100, required=False)
    direct_phone = forms.CharField(
        label="直通電話", max_length=20, required=False, help_text="ケアマネジャーなど専門職だけに表示します"
    )
    contact_email = forms.EmailField(label="センター連絡用メールアドレス", max_length=200, required=False)
    contact_fax = forms.CharField(label="センター連絡用FAX", max_length=20, required=False)
    avoid_note = forms.CharField(label="連絡を避けてほしい時間（補足）", max_length=200, required=False)
    capabilities = optional_checkboxes("在宅対応機能", Capability.objects.all())
    areas_served = optional_checkboxes(
        "訪問できる地域", None, help_text="訪問診療・訪問看護などで伺える区・圏域（区を選ぶと区全体）"
    )
    message = forms.CharField(
        label="センターへの連絡事項",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    submitted_by = forms.CharField(label="ご回答者のお名前", max_length=100, required=False)

    def __init__(self, *args, facility, bed_services=(), sent=None, **kwargs):
        """`sent`: the answer of this link still waiting for the center (a ChangeRequest), which
        the form starts from, so that a second send corrects it."""
        super().__init__(*args, **kwargs)
        self.facility = facility
        areas = self.fields["areas_served"]
        areas.queryset = Area.objects.all()
        areas.choices = area_tree_choices(areas.queryset)
        self.bed_fields = []
        vacancies = {v.service_id: v for v in facility.vacancies.all()}
        for service in bed_services:
            v = vacancies.get(service.pk)
            beds, on = f"beds_{service.pk}", f"beds_on_{service.pk}"
            self.fields[beds] = forms.IntegerField(
                label=f"空床（{service.name}）",
                min_value=0,
                max_value=9999,
                required=False,
                initial=v.beds if v else None,
                help_text="空いているベッドの数",
            )
            self.fields[on] = forms.DateField(
                label=f"空床の時点（{service.name}）",
                required=False,
                widget=DateInput(),
                initial=v.stated_on if v else None,
            )
            self.bed_fields.append((self[beds], self[on]))
        if not self.is_bound:
            for name in TEXT_FIELDS:  # the update's plain fields, as its diff names them
                self.fields[name].initial = getattr(facility, name)
            self.fields["capabilities"].initial = [
                link.capability_id for link in facility.capability_links.all()
            ]
            self.fields["areas_served"].initial = [a.pk for a in facility.areas_served.all()]
        if not self.is_bound and sent is not None:
            values = sent.proposed
            for name in TEXT_FIELDS:
                if name in values:
                    self.fields[name].initial = values[name]
            for name in ("capabilities", "areas_served"):
                if name in values:
                    self.fields[name].initial = list(values[name])
            for service in bed_services:
                beds, on = values.get(f"{VACANCY_PREFIX}{service.pk}", (None, ""))
                self.fields[f"beds_{service.pk}"].initial = beds
                self.fields[f"beds_on_{service.pk}"].initial = on or None
            self.fields["message"].initial = sent.message
            self.fields["submitted_by"].initial = sent.submitted_by

    def _clean_fields(self):
        # A contact field sent back as the directory holds it stays as it is (before its checks).
        kept = {}
        for name in self.CONTACT_FIELDS:
            stored = getattr(self.facility, name) or ""
            if stored and self[name].data is not None and self[name].data.strip() == stored:
                kept[name] = stored
        super()._clean_fields()
        for name, value in kept.items():
            self._errors.pop(name, None)
            self.cleaned_data[name] = value

    # Anyone holding the link may send the form: the directory's 住所 and 電話番号 are what people
    # find and call the facility by, so a stored one can be corrected but not emptied (a move or a
    # closure is said in the message, and the staff act on it). A FAX may be given up; a 郵便番号
    # stays while there is an address.
    KEPT_MESSAGES = {
        "address": "住所は空にできません。移転・廃止の場合は「センターへの連絡事項」に書いてください。",
        "phone": "電話番号は空にできません。移転・廃止の場合は「センターへの連絡事項」に書いてください。",
        "postal_code": "住所のある施設の郵便番号は空にできません。正しい郵便番号を入力してください。",
    }

    def clean(self):
        data = super().clean()
        for name, message in self.KEPT_MESSAGES.items():
            if name in data and not data[name] and getattr(self.facility, name):
                if name == "postal_code" and not (data.get("address") or self.facility.address):
                    continue
                self.add_error(name, message)
        return data

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_fax(self):
        return clean_phone(self.cleaned_data["fax"])

    def clean_direct_phone(self):
        return clean_phone(self.cleaned_data["direct_phone"])

    def clean_contact_fax(self):
        return clean_phone(self.cleaned_data["contact_fax"])

    def contact_fields(self):
        return [self[name] for name in self.CONTACT_FIELDS]

    def other_fields(self):
        skip = {"accepting", "message", "submitted_by", *self.CONTACT_FIELDS}
        skip |= {f.name for pair in self.bed_fields for f in pair}
        return [self[name] for name in self.fields if name not in skip]


class UpdateLinkForm(forms.Form):
    contact = forms.CharField(
        label="宛先（担当者）",
        max_length=100,
        required=False,
        help_text="担当者ごとに1つのリンクを発行します（例: 事務長 足立。「様」は手紙とメールに付きます）",
    )
    email = forms.EmailField(label="送付先メールアドレス", required=False)

    def clean_contact(self):
        # The letter and the email add 様 themselves: 「足立様」 typed would read 「足立様 様」.
        contact = self.cleaned_data["contact"].strip()
        for honorific in ("様", "さま", "殿"):
            contact = contact.removesuffix(honorific).rstrip()
        return contact


class RejectForm(forms.Form):
    reason = forms.CharField(label="却下の理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RoundForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, initial="年1回の再調査")
    kind = forms.ModelChoiceField(label="種別", queryset=None, required=False, empty_label="すべて")
    area = forms.ModelChoiceField(label="地域", queryset=None, required=False, empty_label="すべて")
    remind_after_days = forms.IntegerField(label="督促までの日数", min_value=1, max_value=365, initial=21)
    # A round started from the directory's search: the search's query string, its result the set.
    search = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):

        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = FacilityKind.objects.all()
        self.fields["area"].queryset = Area.objects.all()
        use_area_tree(self.fields["area"])

    def search_filter(self, search):
        """The directory's FilterSet for a search's query string (None when it is not valid)."""
        from django.http import QueryDict  # noqa: PLC0415 — only rounds from a search need it

        from resources.filters import FacilityFilter  # noqa: PLC0415 — filters imports this module

        filterset = FacilityFilter(QueryDict(search), queryset=Facility.objects.all(), user=self.user)
        return filterset if filterset.is_valid() else None

    def clean(self):
        data = super().clean()
        # Not an error of the hidden field, which the page does not show: of the whole form.
        if data.get("search") and self.search_filter(data["search"]) is None:
            raise forms.ValidationError("検索条件を読み取れませんでした。施設の検索からやり直してください。")
        return data

    def facilities(self):
        if self.cleaned_data.get("search"):
            return self.search_filter(self.cleaned_data["search"]).qs.order_by("pk")
        qs = Facility.objects.open()
        if self.cleaned_data.get("kind"):
            qs = qs.of_kind(self.cleaned_data["kind"])
        if self.cleaned_data.get("area"):
            qs = qs.in_area(self.cleaned_data["area"])
        return qs.order_by("pk")


class ErrorReportForm(forms.Form):
    """What a user of the directory found wrong on a facility's page: which items and how."""

    ITEMS = [
        ("name", "名称"),
        ("address", "住所・地図の位置"),
        ("phone", "電話番号・FAX番号"),
        ("hours", "営業日・受付時間・休診日"),
        ("capabilities", "在宅対応・診療科目"),
        ("contact", "ケアマネタイム・直通電話・連絡窓口"),
        ("accepting", "新規受入状況・空床"),
        ("closed", "休止・廃止・移転している"),
        ("other", "その他"),
    ]

    items = forms.MultipleChoiceField(
        label="違っている項目（あてはまるものすべて）",
        choices=ITEMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    detail = forms.CharField(
        label="どう違っているか",
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="例: 電話番号が 093-000-0000 に変わっています。訪問診療は今はしていないとのことでした。",
        error_messages={
            "required": "どこがどう違っているかを書いてください。",
            "max_length": "250字以内で書いてください（いま%(show_value)d字）。",
        },
    )

    def text(self):
        """The report as the re-check list shows it: 「住所・電話番号: …」."""
        labels = dict(self.ITEMS)
        items = "・".join(labels[key] for key in self.cleaned_data["items"])
        return f"{items}: {self.cleaned_data['detail']}" if items else self.cleaned_data["detail"]


class RecheckCloseForm(forms.Form):
    note = forms.CharField(label="確認の結果", max_length=300)
