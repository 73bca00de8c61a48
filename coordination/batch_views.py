"""The views every import shares (coordination.batches): upload, the batch page's progress,
confirm, retry and the download of the rows that could not be imported. An import describes
itself as a `BatchFlow` (its batch model, templates, access check and URL names) and mounts
`flow.urls(prefix)`; the functions below are the steps the flow's views call."""

from importlib import import_module

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from coordination.access import role_required
from coordination.batches import PREVIEW
from coordination.exports import csv_response
from coordination.models import AuditEvent, Role
from coordination.security import CREATE, UPDATE, audit


class UploadRefused(Exception):
    """A flow's upload_fields cannot take what was posted (a center to choose again): the upload
    page says why, in these words, and nothing is uploaded."""


def upload(request, model, detail_url, **fields):
    """POST with a file: a new batch holding it, its preview queued; redirects to the batch page
    (a reload of that page never uploads again). Returns None when there was no file."""
    upload = request.FILES.get("file")
    if not upload:
        messages.error(request, "ファイルを選んでください。")
        return None
    batch = model.objects.create(
        user=request.user,
        file_name=upload.name[:255],
        content=upload.read(),
        phase="読み込みの順番を待っています",
        **fields,
    )
    audit(request, CREATE, batch, f"取込ファイルのアップロード: {batch.file_name}")
    batch.enqueue(PREVIEW)
    return redirect(detail_url, pk=batch.pk)


def progress(batch):
    """The batch page's progress as JSON (static/js/batch-progress.js polls it)."""
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "phase": batch.phase,
            "done": batch.done,
            "total": batch.total,
            "percent": batch.percent,
            "running": batch.is_running and not batch.is_stale,
            "waiting": batch.is_waiting_long,
        }
    )


# step → (audit entry, message when it started, message when it was refused)
STEP_MESSAGES = {
    "confirm": (
        "取込の実行",
        "取込を始めました。このページで進み具合を確認できます。",
        "この取込はすでに実行中か、実行済みです（二重には取り込みません）。",
    ),
    "retry": ("取込のやり直し", "やり直しを始めました。", "この取込はやり直せる状態ではありません。"),
}


def start(request, batch, detail_url, step, **fields):
    """Confirm (`step` "confirm") or retry ("retry"): the batch claimed for it, or refused (never
    twice), audited, and the user sent back to the batch page with what happened. `fields` go
    with the confirm's claim."""
    started = batch.request_confirm(**fields) if step == "confirm" else batch.request_retry()
    audit_text, success, refusal = STEP_MESSAGES[step]
    if started:
        audit(request, UPDATE, batch, audit_text)
        messages.success(request, success)
    else:
        messages.error(request, refusal)
    return redirect(detail_url, pk=batch.pk)


def rejected_download(batch, header, rows, request):
    audit(request, AuditEvent.Action.EXPORT, batch, f"取り込めなかった行 {len(rows)}行")
    stem = batch.file_name.rsplit(".", 1)[0]
    return csv_response(f"{stem}-取り込めなかった行.csv", header, rows)


class BatchFlow:
    """One import's pages: the upload page (with the earlier uploads), the batch page, its
    progress, confirm, retry and, when `rejected_file` is set, the CSV of the rows it could not
    import. URL names are `name`, `name_detail`, `name_progress`, `name_confirm`, `name_retry`
    and `name_<rejected_file without its extension>` in `namespace`; a subclass says what differs
    (which batches a user may open, the upload's own fields, the batch page's context)."""

    model = None
    namespace = ""
    name = "import"
    upload_template = ""
    detail_template = ""
    rejected_file = None  # e.g. "errors.csv"
    roles = (Role.ADMIN,)
    history_size = 20

    def access(self, view):
        """The check every page of the flow goes through (404 for another's batch comes later,
        from `batches`)."""
        return role_required(*self.roles)(view)

    @property
    def detail_url(self):
        return f"{self.namespace}:{self.name}_detail"

    def batches(self, request):
        """The batches this user may open."""
        return self.model.objects.select_related("user")

    def batch(self, request, pk):
        return get_object_or_404(self.batches(request), pk=pk)

    def upload_fields(self, request):
        """The new batch's own fields besides the file (raise Http404 for a user who may not
        upload, UploadRefused for a POST whose choices cannot be taken)."""
        return {}

    def upload_context(self, request):
        return {"history": self.batches(request).defer("content", "result")[: self.history_size]}

    def detail_context(self, request, batch):
        return {"batch": batch}

    def rejected_table(self, batch):
        """(header, rows) of the CSV of the rows the import set aside. By default every error of the
        file, read again (the page shows the first few), or the rows an import kept of its file
        (`result["refused_table"]`); 404 when it has none or is gone."""
        if not batch.errors or not (batch.content or (batch.result or {}).get("refused_table")):
            raise Http404
        return import_module(self.model.pipeline).error_table(batch)

    # --- the views -----------------------------------------------------------------------------

    def upload_view(self, request):
        try:
            fields = self.upload_fields(request)
        except UploadRefused as refused:
            messages.error(request, str(refused))
        else:
            if request.method == "POST":
                response = upload(request, self.model, self.detail_url, **fields)
                if response:
                    return response
        return render(request, self.upload_template, self.upload_context(request))

    def detail_view(self, request, pk):
        return render(request, self.detail_template, self.detail_context(request, self.batch(request, pk)))

    def progress_view(self, request, pk):
        return progress(self.batch(request, pk))

    def confirm_view(self, request, pk):
        return start(request, self.batch(request, pk), self.detail_url, "confirm")

    def retry_view(self, request, pk):
        return start(request, self.batch(request, pk), self.detail_url, "retry")

    def rejected_view(self, request, pk):
        batch = self.batch(request, pk)
        header, rows = self.rejected_table(batch)
        return rejected_download(batch, header, rows, request)

    def urls(self, prefix):
        """The flow's URL patterns under `prefix` (e.g. "import/")."""
        name, guard = self.name, self.access
        patterns = [
            path(prefix, guard(self.upload_view), name=name),
            path(f"{prefix}<int:pk>/", guard(self.detail_view), name=f"{name}_detail"),
            path(
                f"{prefix}<int:pk>/confirm/", require_POST(guard(self.confirm_view)), name=f"{name}_confirm"
            ),
            path(f"{prefix}<int:pk>/progress/", guard(self.progress_view), name=f"{name}_progress"),
            path(f"{prefix}<int:pk>/retry/", require_POST(guard(self.retry_view)), name=f"{name}_retry"),
        ]
        if self.rejected_file:
            stem = self.rejected_file.rsplit(".", 1)[0]
            patterns.append(
                path(
                    f"{prefix}<int:pk>/{self.rejected_file}", guard(self.rejected_view), name=f"{name}_{stem}"
                )
            )
        return patterns
