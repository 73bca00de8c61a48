from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from coordination import fragments
from coordination.access import can_edit_directory, role_required, sees_professional_fields
from coordination.exports import csv_response, xlsx_response
from coordination.models import DIRECTORY_EDITORS, Role
from coordination.security import CREATE, UPDATE, audit, changed_fields
from resources import extensions, filters, imports
from resources.duplicates import possible_duplicates
from resources.exporting import export_rows
from resources.filters import CappedPaginator, FacilityFilter
from resources.forms import ContactWindowFormSet, FacilityForm
from resources.models import Facility, FacilityImport, contact_slot, lookup_tables

PAGE_SIZE = 20
PRINT_LIMIT = 500
EXPORT_LIMIT = 50_000


def _filtered(request, queryset=None, lookups=None):
    queryset = Facility.objects.for_listing() if queryset is None else queryset
    if sees_professional_fields(request.user):
        queryset = queryset.prefetch_related("contact_windows")
    filterset = FacilityFilter(request.GET or None, queryset=queryset, user=request.user, lookups=lookups)
    valid = filterset.is_bound and filterset.is_valid()
    return filterset, (filterset.qs if valid else filterset.queryset), valid


def search(request):
    """The result list and filter form are a cached fragment (coordination.fragments): keyed by
    the query, whether professionals-only fields show, the directory's version, the day (the
    freshness flag) and, for professionals, the minute and weekday of "callable now"."""
    pro = sees_professional_fields(request.user)
    moment = filters.now()  # through the module: tests freeze it
    version = fragments.versions("directory")["directory"]
    parts = [
        "resources.search",
        sorted(request.GET.lists()),
        pro,
        version,
        timezone.localdate(moment),
        contact_slot(moment) if pro else None,
    ]
    body = fragments.get_or_render(parts, lambda: _search_body(request, pro, moment, lookup_tables(version)))
    return render(request, "resources/search.html", {"body": body})


def _search_body(request, pro, moment, lookups):
    filterset, queryset, valid = _filtered(request, Facility.objects.all(), lookups)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = Facility.attach_list_labels(list(page.object_list), lookups)
    for facility in page.object_list:
        facility.callable_now = pro and facility.is_callable_at(moment)
    return render_to_string(
        "resources/_search_body.html",
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
        request=request,
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
    pro = sees_professional_fields(request.user)
    facility = get_object_or_404(
        Facility.objects.select_related("kind", "area", "confirmed_by").prefetch_related(
            *(["contact_windows"] if pro else [])
        ),
        pk=pk,
    )
    capabilities, specialties, services = facility.labels()
    return render(
        request,
        "resources/detail.html",
        {
            "facility": facility,
            "capabilities": capabilities,
            "specialties": specialties,
            "services": services,
            "pro": pro,
            "can_edit": can_edit_directory(request.user),
            "windows": facility.weekly_windows() if pro else None,
            "callable_now": pro and facility.is_callable_at(filters.now()),
            "panels": extensions.facility_panels(request, facility),
            "changes": facility.changes.select_related("user")[:10] if pro else [],
        },
    )


@require_POST
@role_required(*DIRECTORY_EDITORS)
def confirm(request, pk):
    facility = get_object_or_404(Facility, pk=pk)
    facility.confirm(request.user)
    audit(request, UPDATE, facility, "最新と確認")
    messages.success(request, f"「{facility.name}」の情報を本日付けで最新と確認しました。")
    return redirect(facility)


@role_required(*DIRECTORY_EDITORS)
def edit(request, pk=None):
    facility = get_object_or_404(Facility, pk=pk) if pk else None
    form = FacilityForm(request.POST or None, instance=facility)
    formset = ContactWindowFormSet(request.POST or None, instance=form.instance, prefix="windows")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            created = facility is None
            facility = form.save_with_history(request.user, formset)
            audit(request, CREATE if created else UPDATE, facility, changed_fields(form))
        messages.success(request, f"「{facility.name}」を保存しました。")
        return redirect(facility)
    return render(request, "resources/form.html", {"form": form, "formset": formset, "facility": facility})


# --- imports (admins) ------------------------------------------------------------------


@role_required(Role.ADMIN)
def import_upload(request):
    """Upload → preview (new / changed with the fields / unchanged / errors) → confirm."""
    batch = plan = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if not upload:
            messages.error(request, "ファイルを選んでください。")
        else:
            data = upload.read()
            plan = imports.run(data, upload.name)
            batch = FacilityImport.objects.create(
                user=request.user,
                file_name=upload.name[:255],
                format=plan.format.code if plan.format else "",
                content=data if plan.ok else b"",
                rows=plan.rows,
                created=plan.created,
                updated=plan.updated,
                unchanged=plan.unchanged,
                errors=len(plan.errors),
                status=FacilityImport.Status.PREVIEW if plan.ok else FacilityImport.Status.REJECTED,
            )
    history = Paginator(FacilityImport.objects.select_related("user").defer("content"), 20)
    page = history.get_page(request.GET.get("page"))
    return render(
        request,
        "resources/import.html",
        {"batch": batch, "plan": plan, "history": page.object_list, "page_obj": page},
    )


@require_POST
@role_required(Role.ADMIN)
def import_confirm(request, pk):
    batch = get_object_or_404(FacilityImport, pk=pk, status=FacilityImport.Status.PREVIEW)
    # Claim the batch first, so that a double click or a second admin cannot run it twice.
    claimed = FacilityImport.objects.filter(pk=pk, status=FacilityImport.Status.PREVIEW).update(
        status=FacilityImport.Status.DONE
    )
    if not claimed:
        raise Http404
    plan = imports.run(bytes(batch.content), batch.file_name, write=True, user=request.user, batch=batch)
    batch.finish(plan)
    audit(
        request, UPDATE, batch, f"施設の取込: 新規{plan.created} 更新{plan.updated} エラー{len(plan.errors)}"
    )
    if not plan.ok:  # the directory or the lookups changed since the preview
        messages.error(
            request,
            "確認のあとにデータが変わったため、何も取り込みませんでした。もう一度アップロードしてください。"
            + " ".join(plan.error_lines()[:3]),
        )
        return redirect("resources:import")
    messages.success(
        request, f"「{batch.file_name}」を取り込みました（新規 {plan.created}件、更新 {plan.updated}件）。"
    )
    return redirect("resources:import_detail", pk=batch.pk)


@role_required(Role.ADMIN)
def import_detail(request, pk):
    batch = get_object_or_404(FacilityImport.objects.select_related("user").defer("content"), pk=pk)
    changes = batch.changes.select_related("facility__kind").order_by("pk")
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    ids = [pk for group in batch.duplicates for pk in group]
    facilities = Facility.objects.select_related("kind").in_bulk(ids)
    groups = [[facilities[pk] for pk in group if pk in facilities] for group in batch.duplicates]
    return render(
        request,
        "resources/import_detail.html",
        {
            "batch": batch,
            "page_obj": page,
            "changes": page.object_list,
            "groups": [g for g in groups if len(g) > 1],
        },
    )


@role_required(Role.ADMIN)
def duplicates(request):
    return render(request, "resources/duplicates.html", {"groups": possible_duplicates(limit=200)})
