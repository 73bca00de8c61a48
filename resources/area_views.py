"""「地域の見える化」 (/resources/areas/): the page, its XLSX, and the area statistics behind it
(entered on a page or imported from a sheet by admins and officials)."""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coordination import area_statistics, dates
from coordination.access import can_edit_directory, role_required
from coordination.batch_views import BatchFlow
from coordination.exports import xlsx_response
from coordination.filters import fiscal_year_choices
from coordination.models import DIRECTORY_EDITORS, Area, AreaStatisticsImport, AuditEvent, Role
from coordination.security import UPDATE, audit
from resources import geo
from resources.areas import AreaReport, fiscal_years

STATISTICS_EDITORS = (Role.ADMIN, Role.OFFICIAL)


def may_edit_statistics(user):
    """Admins and the city's officials: the figures are the city's, so a ward's official (区役所)
    reads them but does not enter or import them."""
    return user.is_authenticated and user.role in STATISTICS_EDITORS and user.ward_id is None


def statistics_editor(view):
    """role_required for the editors' roles, then 403 for a ward's official."""

    @role_required(*STATISTICS_EDITORS)
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_edit_statistics(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


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
            "can_edit": may_edit_statistics(request.user),
            "query": request.GET.urlencode(),
            "filing": _filing(request.user),
        },
    )


def _filing(user):
    """For the directory's editors: how many facilities are filed under a ward only, and whether
    the towns of any 圏域 are listed, so that the page can offer to file them (None for others)."""
    if not can_edit_directory(user):
        return None
    count = geo.filed_under_ward_only().count()
    listed = Area.objects.filter(kind=Area.Kind.DAILY).exclude(towns="").exists() if count else False
    return {"count": count, "towns_listed": listed}


@require_POST
@role_required(*DIRECTORY_EDITORS)
def file_by_towns(request):
    moved, left = geo.file_by_towns(request)
    if moved:
        messages.success(request, f"{moved}件の施設を、住所の町名から圏域に振り分けました。")
    else:
        messages.info(request, "町名から振り分けられる施設はありませんでした。")
    if left:
        messages.warning(
            request,
            f"{left}件はまだ区までの登録です。住所の町名がどの圏域の「含まれる町名」にもないか、住所に区の名前がありません。",
        )
    return redirect("resources:areas")


def areas_export(request):
    report, _ = _report(request)
    publish = report.public or request.GET.get("publish") == "1"
    if request.user.is_authenticated:
        audit(request, AuditEvent.Action.EXPORT, None, f"地域の見える化 {report.fiscal_year}年度")
    suffix = "-公表用" if publish and not report.public else ""
    return xlsx_response(
        f"地域の見える化-{report.fiscal_year}年度{suffix}.xlsx", report.xlsx_sheets(publish=publish)
    )


@statistics_editor
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


class AreaStatisticsFlow(BatchFlow):
    """The area statistics' sheet: upload → preview → confirm, for the statistics' editors."""

    model = AreaStatisticsImport
    namespace = "resources"
    name = "area_import"
    upload_template = "resources/areas_import.html"
    detail_template = "resources/areas_import_detail.html"
    rejected_file = "errors.csv"

    def access(self, view):
        return statistics_editor(view)


statistics_import_flow = AreaStatisticsFlow()
