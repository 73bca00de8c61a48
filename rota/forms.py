import datetime
import re

from django import forms
from django.db.models import Q
from django.utils import timezone

from coordination.forms import CenterOwnedForm, DateInput, DateTimeInput, use_area_tree
from resources.models import Facility
from rota.models import BackupBed, Rota, Shift

MEDICAL_KINDS = ("clinic", "hospital")
MAX_BACKUPS = 3
# How many clinics an ambiguous line of the generate form names to choose from.
CANDIDATES = 6


def medical_facilities():
    return (
        Facility.objects.filter(kind__code__in=MEDICAL_KINDS, closed_on__isnull=True)
        .select_related("kind", "area__parent")
        .order_by("name", "pk")
    )


def list_line(facility):
    """A facility as a line of the generate form's list (read back by find_clinic)."""
    return f"{facility.name}（{facility.code or f'#{facility.pk}'}）"


def _candidates(found):
    """The clinics a name could mean, each as the line to type and where it is."""
    return "、".join(f"「{list_line(f)}」（{f.where}）" for f in found)


class FacilityField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name_with_place  # 「名称（種別・所在地）」, as resources names it everywhere


class RotaForm(CenterOwnedForm):
    class Meta:
        model = Rota
        fields = ["center", "name", "district", "area", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "area" in self.fields:
            use_area_tree(self.fields["area"])


# 「名称（医療機関番号）」 or 「名称（#ID）」, as the form lists the clinics of the last month.
LABELLED = re.compile(r"(?P<name>.+?)\s*[（(]\s*(?P<key>#\d+|[0-9A-Za-z]+)\s*[）)]")


def find_clinic(line):
    """A line of the clinic list: a 医療機関番号, `#ID`, a name (exact, else the one that
    contains it), or 「名称（番号）」. Returns (facility, error)."""
    # A line pasted from the refusal's list keeps its 「」: they are the message's, not the name's.
    text = line.strip().removeprefix("「").removesuffix("」").strip()
    medical = medical_facilities()
    labelled = LABELLED.fullmatch(text)
    if labelled:
        key = labelled["key"]
        found = list(medical.filter(pk=int(key[1:])) if key.startswith("#") else medical.filter(code=key))
        if len(found) == 1:
            return found[0], ""
        text = labelled["name"]  # the number is not one of ours: try the name
    partial = False
    if text.startswith("#") and text[1:].isdigit():
        found = list(medical.filter(pk=int(text[1:])))
    else:
        found = list(medical.filter(Q(code=text) | Q(name=text))[:CANDIDATES])
        if not found:
            found, partial = list(medical.filter(name__contains=text)[:CANDIDATES]), True
    if not found:
        return None, "該当する診療所・病院がありません"
    if len(found) > 1:
        # A part of a name (「クリニック」) matches clinics of different names: say so, not that
        # they share one.
        which = f"名前に「{text}」を含む医療機関" if partial else "同じ名前の医療機関"
        return None, (
            f"{which}が複数あります。どれか1つを、番号の付いた形でこの行に入れてください: "
            + _candidates(found)
        )
    return found[0], ""


class GenerateForm(forms.Form):
    month = forms.CharField(
        label="対象の月",
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text="例: 2027-01",
        error_messages={"required": "対象の月を入力してください。"},
    )
    clinics = forms.CharField(
        label="当番の医療機関（当番の順に1行に1つ）",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="「名称（医療機関番号）」・医療機関番号・名称・#ID のいずれか。平日・土曜の夜間と日曜・祝日・年末年始を、この順に交代で受け持ちます。",
        error_messages={"required": "当番の医療機関を1つ以上入力してください。"},
    )
    first = forms.IntegerField(
        label="最初の当番（リストの何番目から）",
        min_value=1,
        initial=1,
        help_text="前の月の続きから回すときに指定します。",
    )

    def clean_month(self):
        raw = self.cleaned_data["month"].strip()
        try:
            day = datetime.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("対象の月は「2027-01」の形で入力してください。") from None
        if not 2000 <= day.year <= 2100:
            raise forms.ValidationError("対象の月の年が正しくありません。")
        return day.year, day.month

    def clean_clinics(self):
        lines = [line for line in self.cleaned_data["clinics"].splitlines() if line.strip()]
        found, errors = [], []
        for number, line in enumerate(lines, start=1):
            facility, error = find_clinic(line)
            if error:
                errors.append(f"{number}行目「{line.strip()}」: {error}。")
            else:
                found.append(facility)
        if errors:
            raise forms.ValidationError(errors)
        return found

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("clinics") and data["first"] > len(data["clinics"]):
            self.add_error("first", f"最初の当番は1〜{len(data['clinics'])}の番号にしてください。")
        return data


class ShiftForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["kind", "starts_at", "ends_at", "facility", "doctor", "contact", "note"]
        field_classes = {"facility": FacilityField}
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        medical = medical_facilities()
        self.fields["facility"].queryset = medical
        self.fields["facility"].empty_label = "（当番なし・空き）"
        current = list(self.instance.backups.all()) if self.instance.pk else []
        for i in range(1, MAX_BACKUPS + 1):
            self.fields[f"backup{i}"] = FacilityField(
                queryset=medical,
                label=f"後方当番 {i}番目",
                required=False,
                empty_label="（なし）",
                initial=current[i - 1].facility_id if len(current) >= i else None,
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end > start and self.instance.rota_id:
            clash = (
                Shift.objects.filter(rota_id=self.instance.rota_id)
                .overlapping(start, end)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if clash:
                self.add_error(
                    "starts_at",
                    f"この当番表の別の当番（{clash.local_start:%-m/%-d %H:%M}〜{clash.local_end:%-m/%-d %H:%M}）"
                    "と時間が重なっています。",
                )
        chosen = [data.get(f"backup{i}") for i in range(1, MAX_BACKUPS + 1)]
        seen = set()
        for i, facility in enumerate(chosen, start=1):
            if facility is None:
                continue
            if facility.pk in seen:
                self.add_error(f"backup{i}", "同じ医療機関が後方当番に2回入っています。")
            if data.get("facility") and facility.pk == data["facility"].pk:
                self.add_error(f"backup{i}", "当番の医療機関と同じです。別の医療機関を選んでください。")
            seen.add(facility.pk)
        return data

    def backups(self):
        return [
            self.cleaned_data[f"backup{i}"]
            for i in range(1, MAX_BACKUPS + 1)
            if self.cleaned_data.get(f"backup{i}")
        ]


class SwapForm(forms.Form):
    to_facility = FacilityField(
        queryset=Facility.objects.none(),
        label="交代後の医療機関",
        required=False,
        empty_label="（当番なし・空き）",
    )
    to_doctor = forms.CharField(label="交代後の医師（姓 名）", max_length=100, required=False)
    reason = forms.CharField(
        label="交代の理由",
        max_length=200,
        error_messages={"required": "交代の理由を入力してください（例: 学会出張のため）。"},
    )

    def __init__(self, *args, shift, **kwargs):
        super().__init__(*args, **kwargs)
        self.shift = shift
        self.fields["to_facility"].queryset = medical_facilities()

    def clean(self):
        data = super().clean()
        same_facility = (data.get("to_facility") and data["to_facility"].pk) == self.shift.facility_id
        if "to_facility" in data and same_facility and data.get("to_doctor", "") == self.shift.doctor:
            raise forms.ValidationError("交代前と同じです。交代後の医療機関か医師を変えてください。")
        return data


BED_WIDGETS = {
    "available_from": DateInput(),
    "available_until": DateInput(),
    "conditions": forms.Textarea(attrs={"rows": 3}),
}


class BedChecks:
    """The checks of a backup bed entry, by a coordinator or by the hospital's own link: at least
    one bed, and a period that does not end before it starts."""

    def clean_beds(self):
        beds = self.cleaned_data["beds"]
        if beds < 1:
            raise forms.ValidationError("病床数は1以上にしてください。")
        return beds

    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", "「いつまで」は「いつから」以降の日にしてください。")
        return data


class BackupBedForm(BedChecks, CenterOwnedForm):
    class Meta:
        model = BackupBed
        fields = ["center", "facility", "beds", "available_from", "available_until", "conditions"]
        field_classes = {"facility": FacilityField}
        widgets = BED_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = (
            Facility.objects.filter(kind__code="hospital", closed_on__isnull=True)
            .select_related("kind", "area__parent")
            .order_by("name", "pk")
        )
        self.fields["beds"].widget.attrs["min"] = 1
        today = timezone.localdate()
        bed = self.instance
        # A row already taking patients since before today: its past days are a record, so its
        # start stays and a change of the rest applies from today (rota.services.change_bed).
        self.running = bool(bed.pk) and bed.available_from < today <= bed.available_until
        # A row that has ended is the record of what was offered; it is not edited, a new
        # registration starts from it instead (backup_bed_create?copy=<pk>).
        self.ended = bool(bed.pk) and bed.available_until < today
        if self.ended:
            for field in self.fields.values():
                field.disabled = True
        if self.running:
            start = self.fields["available_from"]
            start.disabled = True
            start.help_text = "受け入れが始まっているため変えられません（昨日までの分は記録です）。"

    def clean(self):
        data = super().clean()
        if self.ended:
            raise forms.ValidationError(
                f"この登録は{self.instance.available_until:%-m月%-d日}で終わった記録のため、変更できません。"
                "続けて受け入れるときは「同じ内容で新しく登録する」から登録してください。"
            )
        until = data.get("available_until")
        if self.running and until:
            yesterday = timezone.localdate() - datetime.timedelta(days=1)
            if until < yesterday:
                self.add_error(
                    "available_until",
                    "受け入れが始まっている登録の「いつまで」は、昨日より前にはできません（昨日までの分は記録です）。",
                )
            elif until == yesterday and set(self.changed_data) - {"available_until"}:
                self.add_error(
                    "available_until",
                    "昨日で受け入れを終えるときは、ほかの項目は変えずに保存してください。",
                )
        return data


class LinkBackupBedForm(BedChecks, forms.ModelForm):
    """The backup beds a hospital states itself through its update link (no account): the
    hospital is the link's, never a choice."""

    stated_by = forms.CharField(label="ご入力者のお名前", max_length=100, required=False)

    class Meta:
        model = BackupBed
        fields = ["beds", "available_from", "available_until", "conditions"]
        widgets = BED_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beds"].widget.attrs.update({"min": 1, "inputmode": "numeric"})


class LinkBedChangeForm(BedChecks, forms.ModelForm):
    """A hospital changes the number of beds (and the conditions) of one of its rows through its
    update link; the period stays as it is (ending is its own step, with its confirmation)."""

    stated_by = forms.CharField(label="ご入力者のお名前", max_length=100, required=False)

    class Meta:
        model = BackupBed
        fields = ["beds", "conditions"]
        widgets = BED_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beds"].widget.attrs.update({"min": 1, "inputmode": "numeric"})
