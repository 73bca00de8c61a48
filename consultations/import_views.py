"""Past consultation logs: upload → preview → confirm, through the shared batch flow
(coordination.batch_views). Admins only."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from consultations.importing import error_table
from consultations.models import ConsultationImport
from coordination import batch_views
from coordination.access import role_required
from coordination.models import Role

DETAIL = "consultations:import_detail"


@role_required(Role.ADMIN)
def upload(request):
    if request.method == "POST":
        response = batch_views.upload(request, ConsultationImport, DETAIL)
        if response:
            return response
    history = ConsultationImport.objects.select_related("user").defer("content", "result")[:20]
    return render(request, "consultations/import.html", {"history": history})


def _batch(pk):
    return get_object_or_404(ConsultationImport.objects.select_related("user"), pk=pk)


@role_required(Role.ADMIN)
def detail(request, pk):
    return render(request, "consultations/import_detail.html", {"batch": _batch(pk)})


@role_required(Role.ADMIN)
def progress(request, pk):
    return batch_views.progress(_batch(pk))


@require_POST
@role_required(Role.ADMIN)
def confirm(request, pk):
    return batch_views.confirm(request, _batch(pk), DETAIL)


@require_POST
@role_required(Role.ADMIN)
def retry(request, pk):
    return batch_views.retry(request, _batch(pk), DETAIL)


@role_required(Role.ADMIN)
def errors(request, pk):
    batch = _batch(pk)
    if not batch.errors or not batch.content:
        raise Http404
    header, rows = error_table(batch)
    return batch_views.rejected_download(batch, header, rows, request)
