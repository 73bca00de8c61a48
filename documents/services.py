"""Writes of the document library: a document and a new version, each atomic with its audit entry."""

from django.db import transaction

from coordination.security import CREATE, UPDATE, audit, changed_fields


def save_document(request, form):
    with transaction.atomic():
        creating = form.instance.pk is None
        document = form.save()
        audit(
            request, CREATE if creating else UPDATE, document, detail="" if creating else changed_fields(form)
        )
    return document


def add_version(request, form):
    """Stores the file through the storage API and the version row; if the row cannot be written
    the stored file is removed again, so nothing is left half-saved."""
    upload = form.cleaned_data["file"]
    version = form.save(commit=False)
    version.file_name = upload.name[:200]
    version.file_type = form.checked_type
    version.size = upload.size
    version.uploaded_by = request.user
    try:
        with transaction.atomic():
            version.save()
            audit(
                request,
                UPDATE,
                version.document,
                detail=f"版「{version.label}」を登録（{version.file_name}）",
            )
    except Exception:
        if version.file and version.file.name:
            version.file.storage.delete(version.file.name)
        raise
    return version
