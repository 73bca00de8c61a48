"""The views every import shares (coordination.batches): upload, the batch page's progress,
confirm, retry and the download of the rows that could not be imported. Each app's views call
these with its own batch model and URL names, after their own access check."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect

from coordination.batches import PREVIEW
from coordination.exports import csv_response
from coordination.models import AuditEvent
from coordination.security import CREATE, UPDATE, audit


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


def confirm(request, batch, detail_url):
    if batch.request_confirm():
        audit(request, UPDATE, batch, "取込の実行")
        messages.success(request, "取込を始めました。このページで進み具合を確認できます。")
    else:
        messages.error(request, "この取込はすでに実行中か、実行済みです（二重には取り込みません）。")
    return redirect(detail_url, pk=batch.pk)


def retry(request, batch, detail_url):
    if batch.request_retry():
        audit(request, UPDATE, batch, "取込のやり直し")
        messages.success(request, "やり直しを始めました。")
    else:
        messages.error(request, "この取込はやり直せる状態ではありません。")
    return redirect(detail_url, pk=batch.pk)


def rejected_download(batch, header, rows, request):
    audit(request, AuditEvent.Action.EXPORT, batch, f"取り込めなかった行 {len(rows)}行")
    stem = batch.file_name.rsplit(".", 1)[0]
    return csv_response(f"{stem}-取り込めなかった行.csv", header, rows)
