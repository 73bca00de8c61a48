from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from consultations import importing, tallies
from consultations.filters import ConsultationFilter
from consultations.forms import ConsentForm, ConsultationForm, CoordinationForm, ProvisionForm
from consultations.models import AccessLog, Consultation, ConsultationImport, Provision, attach_topics
from consultations.reports import PeriodError, Report, period_from
from coordination import extensions
from coordination.access import get_for_user, role_required
from coordination.exports import csv_response, xlsx_response
from coordination.filters import filtered_page
from coordination.models import Center, Role
from coordination.security import CREATE, UPDATE, audit, changed_fields

WRITERS = (Role.ADMIN, Role.COORDINATOR)
REPORT_READERS = (Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL)
PAGE_SIZE = 25


def _log(request, consultation, action=AccessLog.Action.VIEW):
    AccessLog.objects.create(
        user=request.user, consultation=consultation, action=action, path=request.path[:300]
    )


@never_cache
@role_required(*WRITERS)
def index(request):
    queryset = Consultation.objects.for_user(request.user).for_list()
    filter_form, page = filtered_page(request, ConsultationFilter, queryset, PAGE_SIZE, request=request)
    page.object_list = attach_topics(list(page.object_list))
    return render(
        request,
        "consultations/index.html",
        {
            "filter_form": filter_form,
            "page_obj": page,
            "consultations": page.object_list,
        },
    )


@never_cache
@role_required(*WRITERS)
def create(request):
    form = ConsultationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            consultation = form.save_for(request.user)
            audit(request, CREATE, consultation)
        messages.success(request, f"{consultation}を登録しました。続けて連絡調整や同意を記録できます。")
        return redirect(consultation)
    return render(request, "consultations/form.html", {"form": form})


@never_cache
@role_required(*WRITERS)
def detail(request, pk):
    consultation = get_for_user(
        Consultation.objects.select_related(
            "center", "consultant_type", "consultant_facility", "client_area", "handled_by", "updated_by"
        ).prefetch_related("topics__parent", "consents", "provisions__consent"),
        request.user,
        pk=pk,
    )
    _log(request, consultation)
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "coordinations": consultation.coordinations.select_related("facility__kind", "recorded_by"),
            "coordination_form": CoordinationForm(prefix="co"),
            "consent_form": ConsentForm(prefix="consent"),
            "provision_form": ProvisionForm(prefix="prov", consultation=consultation),
            "panels": extensions.panels("consultation", request, consultation),
        },
    )


@never_cache
@role_required(*WRITERS)
def edit(request, pk):
    consultation = get_for_user(Consultation.objects, request.user, pk=pk)
    form = ConsultationForm(request.POST or None, instance=consultation, user=request.user)
    conflict = False
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save_for(request.user)
            if saved:
                audit(request, UPDATE, saved, changed_fields(form))
        if saved:
            messages.success(request, f"{saved}を更新しました。")
            return redirect(saved)
        conflict = True
        current = Consultation.objects.select_related("updated_by").get(pk=pk)
        messages.error(
            request,
            f"この相談は{current.updated_by or '他の人'}が"
            f"{timezone.localtime(current.updated_at):%H:%M}に更新しました。あなたの変更は保存していません。"
            "下の入力内容を控えてから、最新の内容を開き直して反映してください。",
        )
    else:
        _log(request, consultation, AccessLog.Action.EDIT)
    return render(
        request, "consultations/form.html", {"form": form, "consultation": consultation, "conflict": conflict}
    )


def _add(request, pk, form_class, prefix, label, takes_consultation=False):
    """The consultation (404 for another center's) and the bound form when valid; otherwise None,
    with each error as a message naming the form and the field."""
    consultation = get_for_user(Consultation.objects, request.user, pk=pk)
    extra = {"consultation": consultation} if takes_consultation else {}
    form = form_class(request.POST, prefix=prefix, **extra)
    if form.is_valid():
        return consultation, form
    for field, errors in form.errors.items():
        name = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {name + '：' if name else ''}{error}")
    return consultation, None


@require_POST
@role_required(*WRITERS)
def add_coordination(request, pk):
    consultation, form = _add(request, pk, CoordinationForm, "co", "連絡調整")
    if form:
        row = form.save(commit=False)
        row.consultation, row.recorded_by = consultation, request.user
        row.full_clean()
        row.save()
        tallies.recount_days({(consultation.center_id, tallies.day_of(consultation.received_at))})
        audit(request, CREATE, row, f"相談 #{consultation.pk}")
        messages.success(
            request, f"連絡調整「{row.facility.name}：{row.get_result_display()}」を記録しました。"
        )
    return redirect(f"{consultation.get_absolute_url()}#coordinations")


@require_POST
@role_required(*WRITERS)
def add_consent(request, pk):
    consultation, form = _add(request, pk, ConsentForm, "consent", "同意")
    if form:
        consent = form.save(commit=False)
        consent.consultation, consent.recorded_by = consultation, request.user
        consent.save()
        audit(request, CREATE, consent, f"相談 #{consultation.pk}")
        messages.success(request, f"同意（{consent}）を記録しました。")
    return redirect(f"{consultation.get_absolute_url()}#consent")


@require_POST
@role_required(*WRITERS)
def add_provision(request, pk):
    consultation, form = _add(request, pk, ProvisionForm, "prov", "第三者提供", takes_consultation=True)
    if form:
        provision = Provision.objects.create(
            consultation=consultation, recorded_by=request.user, **form.cleaned_data
        )
        audit(request, CREATE, provision, f"相談 #{consultation.pk}: {provision.items}")
        messages.success(request, f"第三者提供（{provision}）を記録しました。")
    return redirect(f"{consultation.get_absolute_url()}#consent")


@never_cache
@role_required(*REPORT_READERS)
def reports(request):
    user = request.user
    centers = Center.objects.all()
    if user.role == Role.COORDINATOR:
        centers = centers.filter(pk=user.center_id)
    code = request.GET.get("center")
    if code:
        centers = centers.filter(code=code)
    centers = list(centers)
    if code and not centers:
        # Another center's code from a coordinator, or an unknown code: nothing to show.
        raise Http404
    try:
        period = period_from(request.GET)
    except PeriodError as exc:
        messages.error(request, str(exc))
        period = period_from({})
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        prefetch_related_objects(centers, "closures")
        return _report_export(Report(period, centers).build(), fmt)
    if fmt:
        raise PermissionDenied
    prefetch_related_objects(centers, "closures")
    report = Report(period, centers).build()
    table = report.table()
    cumulative = Report(period.fiscal_to_date(), centers).build() if period.month else None
    lines = table
    if cumulative:
        cumulative_lines = {(line[0], line[1]): line for line in cumulative.table()}
        lines = [(*line, cumulative_lines.get((line[0], line[1]))) for line in lines]
    else:
        lines = [(*line, None) for line in lines]
    monthly = report.monthly()
    chart = {
        "centers": [c.code for c in centers],
        "months": [label for label, _ in monthly],
        "monthly": [values for _, values in monthly],
        "types": [[line[1], line[2]] for line in table if line[0] == "相談者" and line[6] == "item"],
        "topics": [[line[1], line[2]] for line in table if line[0] == "相談内容" and line[6] == "item"],
    }
    return render(
        request,
        "consultations/reports.html",
        {
            "report": report,
            "period": period,
            "centers": centers,
            "all_centers": Center.objects.all() if request.user.role != Role.COORDINATOR else [],
            "lines": lines,
            "cumulative": cumulative,
            "monthly": monthly,
            "chart": chart,
            "selected_center": code or "",
        },
    )


def _report_export(report, fmt):
    codes = [c.code for c in report.centers]
    header = ["区分", "項目", "合計", *codes, "最少", "最大"]
    stamp = f"{report.period.start:%Y%m}" if report.period.month else f"FY{report.period.fiscal_year}"
    if fmt == "csv":
        rows = [
            [s, label, total, *per, low, high] for s, label, total, per, low, high, _ in report.table(False)
        ]
        return csv_response(f"consultation-report-{stamp}.csv", header, rows)
    rows = [[s, label, total, *per, low, high] for s, label, total, per, low, high, _ in report.table()]
    monthly = report.monthly()
    title = f"在宅医療・介護連携支援センター 相談実績 {report.period.label}"
    sheets = [
        (
            "相談実績",
            header,
            rows,
            {
                "title_rows": [title, "相談内容は重複計上（1件の相談を該当する項目それぞれに計上）"],
                "widths": [14, 44, 8] + [10] * len(codes) + [8, 8],
                "orientation": "portrait",
            },
        ),
        (
            "月別推移",
            ["月", *codes, "合計"],
            [[label, *values, sum(values)] for label, values in monthly],
            {
                "title_rows": [f"月別相談件数 {report.period.fiscal_year}年度"],
                "widths": [14] + [10] * (len(codes) + 1),
            },
        ),
    ]
    return xlsx_response(f"consultation-report-{stamp}.xlsx", sheets)


@role_required(Role.ADMIN)
def import_upload(request):
    """Upload → preview (errors by row and column, or the rows to be created) → confirm."""
    preview = result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if not upload:
            messages.error(request, "ファイルを選んでください。")
        else:
            data = upload.read()
            result = importing.parse(data, upload.name)
            preview = ConsultationImport.objects.create(
                user=request.user,
                file_name=upload.name[:255],
                content=data if result.ok else b"",
                rows=len(result.rows),
                errors=len(result.errors),
                status=ConsultationImport.Status.PREVIEW if result.ok else ConsultationImport.Status.REJECTED,
            )
    return render(
        request,
        "consultations/import.html",
        {
            "preview": preview,
            "result": result,
            "history": ConsultationImport.objects.select_related("user")[:20],
        },
    )


@require_POST
@role_required(Role.ADMIN)
def import_confirm(request, pk):
    batch = ConsultationImport.objects.filter(pk=pk, status=ConsultationImport.Status.PREVIEW).first()
    if not batch:
        raise Http404
    result = importing.parse(bytes(batch.content), batch.file_name)
    if not result.ok:  # the lookups changed since the preview
        messages.error(
            request, "確認後にマスタが変わったため取り込めませんでした。もう一度アップロードしてください。"
        )
        return redirect("consultations:import")
    importing.save(result, request.user)
    audit(request, CREATE, batch, f"過去の相談記録の取込: {result.created}件")
    ConsultationImport.objects.filter(pk=batch.pk).update(
        status=ConsultationImport.Status.DONE, created=result.created, content=b""
    )
    messages.success(request, f"「{batch.file_name}」から{result.created}件の相談を取り込みました。")
    return redirect("consultations:import")
