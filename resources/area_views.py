"""「地域の見える化」 (/resources/areas/): the page, its XLSX, and the area statistics behind it
(entered on a page or imported from a sheet by admins and officials)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coordination import area_statistics, batch_views, dates
from coordination.access import role_required
from coordination.exports import xlsx_response
from coordination.filters import fiscal_year_choices
from coordination.models import Area, AreaStatisticsImport, AuditEvent, Role
from coordination.security import UPDATE, audit
from resources.areas import AreaReport, fiscal_years

STATISTICS_EDITORS = (Role.ADMIN, Role.OFFICIAL)
IMPORT_DETAIL = "resources:area_import_detail"


def _year(request, default):
    try:
        year = int(request.GET.get("fiscal_year", ""))
    except ValueError:
        return default
    return year if 1990 <= year <= 2100 else default


def _report(request):
    """The report for the visitor: anonymous visitors (and staff who ask for it with ?public=1)
    get the public version, resource counts and rates only."""
    years, default = fiscal_years()
    year = _year(request, default)
    public = not request.user.is_authenticated or request.GET.get("public") == "1"
    return AreaReport(year, request.user, public=public).build(), years


def areas(request):
    report, years = _report(request)
    chart = report.chart(request.GET.get("indicator"))
    year_options = sorted(set(years) | {report.fiscal_year}, reverse=True)
    return render(
        request,
        "resources/areas.html",
        {
            "report": report,
            "years": [(y, dates.fiscal_year_label(y)) for y in year_options],
            "chart": chart,
            "can_edit": request.user.is_authenticated and request.user.role in STATISTICS_EDITORS,
            "query": request.GET.urlencode(),
        },
    )


def areas_export(request):
    report, _ = _report(request)
    publish = report.public or request.GET.get("publish") == "1"
    if request.user.is_authenticated:
        audit(request, AuditEvent.Action.EXPORT, None, f"地域の見える化 {report.fiscal_year}年度")
    suffix = "-公表用" if publish and not report.public else ""
    return xlsx_response(
        f"地域の見える化-{report.fiscal_year}年度{suffix}.xlsx", report.xlsx_sheets(publish=publish)
    )


@role_required(*STATISTICS_EDITORS)
def statistics(request):
    """The figures of every area for one 年度, entered on one page (a blank row has none)."""
    _, default = fiscal_years()
    year = _year(request, default)
    areas_ = list(Area.objects.all())
    data = request.POST if request.method == "POST" else None
    forms = area_statistics.entry_forms(year, areas_, data)
    if data is not None and all(form.is_valid() for _, form in forms):
        saved, removed, changed = area_statistics.save_entered(forms)
        if changed:
            audit(request, UPDATE, None, f"地域の統計 {year}年度: {'、'.join(changed)[:500]}")
        messages.success(request, f"{year}年度の統計を保存しました（保存 {saved}地域、削除 {removed}地域）。")
        return redirect(f"{request.path}?fiscal_year={year}")
    errors = [
        message for _, form in forms for field_errors in form.errors.values() for message in field_errors
    ]
    return render(
        request,
        "resources/areas_statistics.html",
        {
            "forms": forms,
            "fiscal_year": year,
            "year_label": dates.fiscal_year_label(year),
            "year_choices": fiscal_year_choices(),
            "errors": errors,
        },
    )


@role_required(*STATISTICS_EDITORS)
def statistics_import(request):
    if request.method == "POST":
        response = batch_views.upload(request, AreaStatisticsImport, IMPORT_DETAIL)
        if response:
            return response
    history = AreaStatisticsImport.objects.select_related("user").defer("content", "result")[:20]
    return render(request, "resources/areas_import.html", {"history": history})


def _batch(pk):
    return get_object_or_404(AreaStatisticsImport.objects.select_related("user"), pk=pk)


@role_required(*STATISTICS_EDITORS)
def statistics_import_detail(request, pk):
    return render(request, "resources/areas_import_detail.html", {"batch": _batch(pk)})


@role_required(*STATISTICS_EDITORS)
def statistics_import_progress(request, pk):
    return batch_views.progress(_batch(pk))


@require_POST
@role_required(*STATISTICS_EDITORS)
def statistics_import_confirm(request, pk):
    return batch_views.confirm(request, _batch(pk), IMPORT_DETAIL)


@require_POST
@role_required(*STATISTICS_EDITORS)
def statistics_import_retry(request, pk):
    return batch_views.retry(request, _batch(pk), IMPORT_DETAIL)


@role_required(*STATISTICS_EDITORS)
def statistics_import_errors(request, pk):
    batch = _batch(pk)
    if not batch.errors or not batch.content:
        raise Http404
    header, rows = area_statistics.error_table(batch)
    return batch_views.rejected_download(batch, header, rows, request)
