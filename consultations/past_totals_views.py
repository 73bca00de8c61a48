"""Past years' 月報 totals: upload → preview → confirm through the shared batch flow
(coordination.batch_views). Admins (any center's rows) and coordinators (their own center's;
another center's upload answers 404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from consultations.models import PastTotalsImport
from coordination import batch_views
from coordination.access import role_required
from coordination.models import Role

DETAIL = "consultations:past_totals_detail"
UPLOADERS = (Role.ADMIN, Role.COORDINATOR)


def _batches(user):
    batches = PastTotalsImport.objects.select_related("user", "center")
    if user.role == Role.ADMIN:
        return batches
    if user.center_id:
        return batches.filter(center_id=user.center_id)
    return batches.none()


def _batch(request, pk):
    return get_object_or_404(_batches(request.user), pk=pk)


@role_required(*UPLOADERS)
def upload(request):
    user = request.user
    if user.role == Role.COORDINATOR and not user.center_id:
        raise Http404
    if request.method == "POST":
        center = user.center if user.role == Role.COORDINATOR else None
        response = batch_views.upload(request, PastTotalsImport, DETAIL, center=center)
        if response:
            return response
    history = _batches(user).defer("content", "result")[:20]
    return render(request, "consultations/past_totals.html", {"history": history})


@role_required(*UPLOADERS)
def detail(request, pk):
    return render(request, "consultations/past_totals_detail.html", {"batch": _batch(request, pk)})


@role_required(*UPLOADERS)
def progress(request, pk):
    return batch_views.progress(_batch(request, pk))


@require_POST
@role_required(*UPLOADERS)
def confirm(request, pk):
    return batch_views.confirm(request, _batch(request, pk), DETAIL)


@require_POST
@role_required(*UPLOADERS)
def retry(request, pk):
    return batch_views.retry(request, _batch(request, pk), DETAIL)
