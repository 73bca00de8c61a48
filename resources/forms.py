from django import forms

from coordination.forms import DateInput, TimeInput, use_area_tree
from coordination.text import normalize, normalize_phone
from resources.exporting import COLUMN_FIELDS
from resources.models import (
    Capability,
    ContactWindow,
    Facility,
    FacilityCapability,
    FacilityChange,
    FacilitySpecialty,
    Specialty,
)
from resources.places import valid_code


class FacilityForm(forms.ModelForm):
    capability_set = forms.ModelMultipleChoiceField(
        label="在宅対応機能",
        queryset=Capability.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    specialty_set = forms.ModelMultipleChoiceField(
        label="診療科目",
        queryset=Specialty.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

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
        ]
        widgets = {
            "accepting_stated_on": DateInput(),
            "public_note": forms.Textarea(attrs={"rows": 3}),
            "internal_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_area_tree(self.fields["area"])
        if self.instance.pk:
            self.fields["capability_set"].initial = list(self.instance.capabilities.all())
            self.fields["specialty_set"].initial = list(self.instance.specialties.all())

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code and not code.isdigit():
            raise forms.ValidationError("番号は数字のみで入力してください（先頭の0も含めます）。")
        return code

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_fax(self):
        return normalize_phone(self.cleaned_data["fax"])

    def clean_direct_phone(self):
        return normalize_phone(self.cleaned_data["direct_phone"])

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
        self._sync(facility, FacilityCapability, "capability", self.cleaned_data["capability_set"])
        self._sync(facility, FacilitySpecialty, "specialty", self.cleaned_data["specialty_set"])
        formset.instance = facility
        formset.save()
        if formset.has_changed():
            changed.append("ケアマネタイム・連絡時間")
        FacilityChange.objects.create(
            facility=facility,
            user=user,
            action=FacilityChange.Action.CREATE if creating else FacilityChange.Action.UPDATE,
            fields=changed,
        )
        return facility

    @staticmethod
    def _sync(facility, link_model, field, chosen):
        chosen_ids = {obj.pk for obj in chosen}
        links = link_model.objects.filter(facility=facility)
        links.exclude(**{f"{field}_id__in": chosen_ids}).delete()
        existing = set(links.values_list(f"{field}_id", flat=True))
        link_model.objects.bulk_create(
            [link_model(facility=facility, **{f"{field}_id": pk}) for pk in chosen_ids - existing]
        )


class ContactWindowForm(forms.ModelForm):
    class Meta:
        model = ContactWindow
        fields = ["kind", "weekday", "start", "end", "method", "note"]
        widgets = {"start": TimeInput(), "end": TimeInput()}


ContactWindowFormSet = forms.inlineformset_factory(
    Facility, ContactWindow, form=ContactWindowForm, extra=2, can_delete=True
)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="ファイル", widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))
    area_codes = forms.CharField(
        label="この取込だけ対象に加える地域（任意）",
        required=False,
        help_text="都道府県コード（2桁）または市町村コード（6桁）。複数はスペースか読点で区切ります（例: 40 または 402036 402052）。ここで加えた地域の施設も名簿に登録され、検索に出ます。",
    )

    def clean_area_codes(self):
        raw = self.cleaned_data["area_codes"].replace("、", " ").replace(",", " ").split()
        codes, bad = [], []
        for item in raw:
            code = valid_code(item)
            (codes if code else bad).append(code or item)
        if bad:
            raise forms.ValidationError(
                f"地域コードは2桁（都道府県）か6桁（市町村）の数字です: {'、'.join(bad)}"
            )
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
