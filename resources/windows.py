"""ケアマネタイム editing: one row of the form is several weekdays (月〜金) with one time range,
stored as one ContactWindow per weekday (the search asks "which weekday, which minute").

The staff form and the facility's update form both edit through these rows; a row left blank is
skipped, never an error."""

import datetime

from django import forms

from coordination.forms import TimeInput
from resources.models import WEEKDAYS, ContactWindow


class WindowRowForm(forms.Form):
    # Not required: a blank extra row (whatever its selects say) is skipped, never an error.
    kind = forms.ChoiceField(
        label="種類", choices=ContactWindow.Kind.choices, initial=ContactWindow.Kind.CALL, required=False
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="曜日",
        choices=list(enumerate(WEEKDAYS)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "weekday-choices"}),
    )
    start = forms.TimeField(label="開始", required=False, widget=TimeInput())
    end = forms.TimeField(label="終了", required=False, widget=TimeInput())
    method = forms.ChoiceField(
        label="方法", choices=ContactWindow.Method.choices, initial=ContactWindow.Method.PHONE, required=False
    )
    note = forms.CharField(label="補足", max_length=200, required=False)
    DELETE = forms.BooleanField(label="この行を削除", required=False)

    def has_content(self):
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("weekdays") or data.get("start") or data.get("end") or data.get("note"))

    def clean(self):
        data = super().clean()
        if data.get("DELETE") or not self.has_content():
            return data
        if not data.get("weekdays"):
            self.add_error("weekdays", "曜日を1つ以上選んでください。")
        if not data.get("start"):
            self.add_error("start", "開始時刻を入力してください。")
        if not data.get("end"):
            self.add_error("end", "終了時刻を入力してください。")
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            self.add_error("end", "終了時刻は開始時刻より後にしてください。")
        return data


class BaseWindowRowFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        # Every row is read, however the management form counts them: a row that repeats its
        # initial values is still a row (a blank one is skipped by has_content()).
        return {**super().get_form_kwargs(index), "empty_permitted": False, "use_required_attribute": False}

    def rows(self):
        """The filled rows as (kind, weekdays, start, end, method, note), blank and deleted ones left out."""
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not form.has_content():
                continue
            out.append(
                (
                    data["kind"],
                    sorted(data["weekdays"]),
                    data["start"],
                    data["end"],
                    data["method"],
                    data["note"],
                )
            )
        return out


WindowRowFormSet = forms.formset_factory(WindowRowForm, formset=BaseWindowRowFormSet, extra=2)


def group_rows(windows):
    """Existing windows as form rows: the same kind, time range, method and note on several
    weekdays make one row."""
    groups = {}
    for w in sorted(windows, key=lambda w: (w.kind, w.start, w.end, w.weekday)):
        key = (w.kind, w.start, w.end, w.method, w.note)
        groups.setdefault(key, []).append(w.weekday)
    return [
        {"kind": kind, "weekdays": days, "start": start, "end": end, "method": method, "note": note}
        for (kind, start, end, method, note), days in groups.items()
    ]


def windows_formset(data=None, windows=(), prefix="windows"):
    return WindowRowFormSet(data, initial=group_rows(windows) or None, prefix=prefix)


def expand(rows):
    """One (kind, weekday, "HH:MM", "HH:MM", method, note) per weekday of each row, sorted: what
    is stored, and what a change request compares."""
    out = set()
    for kind, weekdays, start, end, method, note in rows:
        for day in weekdays:
            out.add((kind, int(day), _hhmm(start), _hhmm(end), method, note or ""))
    return sorted(out)


def stored(facility):
    return expand(
        (w.kind, [w.weekday], w.start, w.end, w.method, w.note) for w in facility.contact_windows.all()
    )


def replace(facility, expanded):
    """Makes the facility's windows exactly `expanded` (the output of expand())."""
    facility.contact_windows.all().delete()
    ContactWindow.objects.bulk_create(
        ContactWindow(
            facility=facility,
            kind=kind,
            weekday=day,
            start=datetime.time.fromisoformat(start),
            end=datetime.time.fromisoformat(end),
            method=method,
            note=note,
        )
        for kind, day, start, end, method, note in expanded
    )


def describe(expanded):
    """「月・火・水 13:00–14:00（電話）」 lines for the diff view and the history."""
    methods = dict(ContactWindow.Method.choices)
    kinds = {ContactWindow.Kind.CALL: "ケアマネタイム", ContactWindow.Kind.AVOID: "避けてほしい時間"}
    groups = {}
    for kind, day, start, end, method, note in expanded:
        groups.setdefault((kind, start, end, method, note), []).append(day)
    lines = []
    for (kind, start, end, method, note), days in groups.items():
        line = f"{kinds.get(kind, kind)} {'・'.join(WEEKDAYS[d] for d in sorted(days))} {start}–{end}"
        if kind == ContactWindow.Kind.CALL:
            line += f"（{methods.get(method, method)}）"
        if note:
            line += f" {note}"
        lines.append(line)
    return lines


def _hhmm(value):
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)[:5]
