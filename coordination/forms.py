import copy
import re

from django import forms
from django.contrib import messages
from django.db import transaction
from django.forms.renderers import TemplatesSetting

from coordination.models import Area, Profession, Role
from coordination.text import normalize_phone


class PortalFormRenderer(TemplatesSetting):
    """Every form and field renders through templates/forms/ (labels tied to inputs,
    errors tied to their field with aria-describedby)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


_PHONE = re.compile(r"0[0-9]*(?:-[0-9]+)*")


def clean_phone(value):
    """A typed phone or FAX number, folded (全角, any dash) to `093-582-2018`; blank stays blank.
    Anything but digits and hyphens, or a count of digits no Japanese number has (10, or 11 for
    mobiles and IP phones), is refused with a message saying how to write it."""
    value = normalize_phone(value)
    if value and not (_PHONE.fullmatch(value) and len(value.replace("-", "")) in (10, 11)):
        raise forms.ValidationError(
            "電話番号は市外局番からの数字とハイフンで入力してください（例: 093-582-2018）。"
        )
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ProfessionCountsForm(forms.Form):
    """One number field per profession (attendance of a meeting or an event entered as counts).
    `current` maps profession id → count; `counts()` gives back {profession: n} for n > 0."""

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.professions = list(Profession.objects.all())
        for p in self.professions:
            self.fields[f"p{p.pk}"] = forms.IntegerField(
                label=p.name, min_value=0, max_value=10000, required=False, initial=current.get(p.pk)
            )

    def counts(self):
        return {
            p: self.cleaned_data[f"p{p.pk}"] for p in self.professions if self.cleaned_data.get(f"p{p.pk}")
        }


def optional_checkboxes(label, queryset, **kwargs):
    """A many-choice field that may be left empty, shown as a list of checkboxes."""
    return forms.ModelMultipleChoiceField(
        label=label, queryset=queryset, required=False, widget=forms.CheckboxSelectMultiple, **kwargs
    )


def as_stored(obj):
    """The record as read from the database, for what an edit page says around its form (title,
    heading, the way back). Taken before the form is bound: a ModelForm's validation writes what
    was typed onto its instance, so after a refused save that instance names the record by the
    unsaved values. The copy keeps the related rows already read, so it costs no query."""
    return copy.copy(obj) if obj is not None else None


def post_data(request):
    """The data of a POST, even an empty one (so that it is validated and its errors shown;
    `request.POST or None` would treat an empty POST as no submission), else None."""
    return request.POST if request.method == "POST" else None


def errors_to_messages(request, form, section):
    """A small form posted from a section of a larger page (a 課題's status, an event's 棚卸表)
    redirects back to that page, so its errors travel as messages, each naming the section and
    the field."""
    for field, errors in form.errors.items():
        # A form-wide error (a clean() that compares fields) has no field to name.
        where = f"{form.fields[field].label}：" if field in form.fields else ""
        messages.error(request, f"{section}: {where}{'、'.join(errors)}")


class CenterOwnedForm(forms.ModelForm):
    """A ModelForm of a record a center owns (event, meeting, 課題, 解決策 …). Coordinators always
    write for their own center, so the `center` field is dropped for them; `save_for(user)` stamps
    the center and `created_by`, then saves the record and its many-to-many fields."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.role == Role.COORDINATOR:
            self.fields.pop("center", None)

    def target_center_id(self):
        """The center the record will belong to (for checks on what it may link to)."""
        chosen = self.cleaned_data.get("center") if "center" in self.fields else None
        if chosen:
            return chosen.pk
        return self.instance.center_id or self.user.center_id

    def _post_clean(self):
        # Set before the model's own clean(), which may check rules within the center.
        if "center" not in self.fields and not self.instance.center_id:
            self.instance.center_id = self.user.center_id
        super()._post_clean()

    def save_for(self, user):
        with transaction.atomic():
            obj = self.save(commit=False)
            if not obj.pk and hasattr(obj, "created_by_id"):
                obj.created_by = user
            obj.save()
            self.save_m2m()
            return obj


def area_tree_choices(queryset=None, empty_label=None):
    """(pk, label) of areas in tree order, each level indented (a ward's 圏域 under it)."""
    choices = [("", empty_label)] if empty_label is not None else []
    return choices + [(area.pk, "\u3000" * depth + area.name) for area, depth in Area.tree(queryset)]


def use_area_tree(field):
    """Give a ModelChoiceField of areas its options in tree order (the queryset still checks)."""
    field.choices = area_tree_choices(field.queryset, field.empty_label)
    return field
