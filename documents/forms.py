from django import forms

from coordination.forms import DateInput
from coordination.models import Role
from documents import files
from documents.models import Document, DocumentVersion
from surveys.models import Survey


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "category", "visibility", "center", "description", "monitored_by"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "visibility": forms.RadioSelect}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        surveys = Survey.objects.readable_by(user).select_related("center")
        self.fields["monitored_by"].queryset = surveys
        self.fields["monitored_by"].empty_label = "なし"
        if user.role == Role.COORDINATOR:
            self.fields.pop("center")
            self.instance.center_id = self.instance.center_id or user.center_id
        else:
            self.fields["center"].empty_label = "市"


class VersionForm(forms.ModelForm):
    class Meta:
        model = DocumentVersion
        fields = ["label", "effective_from", "file", "note"]
        widgets = {"effective_from": DateInput()}

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.document = document
        self.fields["file"].help_text = "PDF、Word、Excel、PowerPoint、PNG、JPEG"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked_type = files.file_type(upload)
        return upload
