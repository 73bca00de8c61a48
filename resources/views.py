from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coordination.access import can_edit_directory, role_required, sees_professional_fields
from coordination.exports import csv_response, xlsx_response
from coordination.models import DIRECTORY_EDITORS
from resources import extensions
from resources.exporting import export_rows
from resources.filters import FacilityFilter, now
from resources.forms import ContactWindowFormSet, FacilityForm
from resources.models import Facility

PAGE_SIZE = 20
PRINT_LIMIT = 500
EXPORT_LIMIT = 50_000


def _filtered(request):
    queryset = Facility.objects.for_listing()
    if sees_professional_fields(request.user):
        queryset = queryset.prefetch_related("contact_windows")
    filterset = FacilityFilter(request.GET or None, queryset=queryset, user=request.user)
    valid = filterset.is_bound and filterset.is_valid()
    return filterset, (filterset.qs if valid else filterset.queryset), valid


def search(request):
    filterset, queryset, valid = _filtered(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    moment = now()
    pro = sees_professional_fields(request.user)
    for facility in page.object_list:
        facility.callable_now = pro and facility.is_callable_at(moment)
    return render(
        request,
        "resources/search.html",
        {
            "filter": filterset,
            "filter_form": filterset.form,
            "page_obj": page,
            "facilities": page.object_list,
            "place": filterset.place,
            "short_terms": [t for t in filterset.form.cleaned_data.get("q", "").split() if len(t) <= 2]
            if valid
            else [],
            "pro": pro,
            "query_string": request.GET.urlencode(),
        },
    )


def print_list(request):
    """The current result list on A4, with contacts (professionals: direct lines and ケアマネタイム)."""
    filterset, queryset, _ = _filtered(request)
    facilities = list(queryset[: PRINT_LIMIT + 1])
    return render(
        request,
        "resources/print.html",
        {
            "facilities": facilities[:PRINT_LIMIT],
            "truncated": len(facilities) > PRINT_LIMIT,
            "filter": filterset,
            "place": filterset.place,
            "pro": sees_professional_fields(request.user),
            "printed_at": timezone.localtime(),
            "query_string": request.GET.urlencode(),
        },
    )


def export(request, fmt):
    _, queryset, _ = _filtered(request)
    header, rows = export_rows(queryset[:EXPORT_LIMIT], professional=sees_professional_fields(request.user))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        return xlsx_response(f"facilities-{stamp}.xlsx", [("施設一覧", header, rows)])
    return csv_response(f"facilities-{stamp}.csv", header, rows)


def detail(request, pk):
    facility = get_object_or_404(
        Facility.objects.select_related("kind", "area", "confirmed_by").prefetch_related(
            "capabilities", "specialties", "services", "contact_windows"
        ),
        pk=pk,
    )
    pro = sees_professional_fields(request.user)
    return render(
        request,
        "resources/detail.html",
        {
            "facility": facility,
            "pro": pro,
            "can_edit": can_edit_directory(request.user),
            "windows": facility.weekly_windows() if pro else None,
            "callable_now": pro and facility.is_callable_at(now()),
            "panels": extensions.facility_panels(request, facility),
            "changes": facility.changes.select_related("user")[:10] if pro else [],
        },
    )


@require_POST
@role_required(*DIRECTORY_EDITORS)
def confirm(request, pk):
    facility = get_object_or_404(Facility, pk=pk)
    facility.confirm(request.user)
    messages.success(request, f"「{facility.name}」の情報を本日付けで最新と確認しました。")
    return redirect(facility)


@role_required(*DIRECTORY_EDITORS)
def edit(request, pk=None):
    facility = get_object_or_404(Facility, pk=pk) if pk else None
    form = FacilityForm(request.POST or None, instance=facility)
    formset = ContactWindowFormSet(request.POST or None, instance=form.instance, prefix="windows")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            facility = form.save_with_history(request.user, formset)
        messages.success(request, f"「{facility.name}」を保存しました。")
        return redirect(facility)
    return render(request, "resources/form.html", {"form": form, "formset": formset, "facility": facility})
