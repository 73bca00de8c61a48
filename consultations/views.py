import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from consultations import published, services
from consultations.directory import directory_searches
from consultations.filters import ConsultationFilter
from consultations.forms import ConsentForm, ConsultationForm, CoordinationForm, ProvisionForm
from consultations.models import AccessLog, Consultation, Coordination, MonthClosing, Topic, attach_topics
from consultations.reports import PeriodError, Report, period_from
from coordination import access, dates, extensions
from coordination.access import get_center_for_user, get_for_user, role_required, visible_centers
from coordination.exports import csv_response, xlsx_response
from coordination.filters import filtered_page
from coordination.forms import as_stored
from coordination.models import Role
from resources.models import Facility

WRITERS, REPORT_READERS = access.CENTER_WRITERS, access.CENTER_READERS
PAGE_SIZE = 25


_htmx = access.is_htmx


def _warn_if_closed(request, consultation):
    """An edit to a record of a closed month is kept, and said to be one: the report shows it
    as 「提出後の修正」 against the submitted figures."""
    closing = MonthClosing.objects.covering(consultation)
    if closing:
        messages.warning(
            request,
            f"{closing.year}年{closing.month}月は締め済みです。この修正は月報に「提出後の修正」として表示されます。",
        )


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
    # The rows show excerpts of the records (相談者所属, the start of 相談概要): logged like an opening.
    AccessLog.log_list(request, page.object_list)
    return render(
        request,
        "consultations/index.html",
        {
            "filter_form": filter_form,
            "page_obj": page,
            "consultations": page.object_list,
            "today": dates.today(),  # a row whose follow-up day has come offers 「フォロー済み」
        },
    )


def _as_token(value):
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return None


def _form_token(request):
    """The one-time token of this new-consultation form: the one sent with it, else the one in
    its address (links carry one, see consultation_links), else a fresh one."""
    return (
        _as_token(request.POST.get("submission_token")) or _as_token(request.GET.get("form")) or uuid.uuid4()
    )


def _address_with_token(request):
    """The form's address with a fresh token, for a form opened without one (typed, bookmarked,
    an old link). Browser Back fetches the form again by its address: a token only in the page
    would be a new one each time, and the form sent again would save a second consultation."""
    if request.GET.get("client", "").isdigit():
        # Another center's consultation answers 404 here, before the address leads anywhere.
        get_for_user(Consultation.objects, request.user, pk=int(request.GET["client"]))
    query = request.GET.copy()
    query["form"] = str(uuid.uuid4())
    return f"{request.path}?{query.urlencode()}"


def _same_client_initial(request):
    """「この対象者の新しい相談を記録」: the new form linked to the client's first consultation and
    filled with what describes the client (not the call: who phoned, when, about what). The
    consultation it starts from is opened through the access rule (another center's: 404) and
    logged, since its client's details show on the form."""
    pk = request.GET.get("client", "")
    if not pk.isdigit():
        return None, {}
    source = get_for_user(Consultation.objects, request.user, pk=int(pk))
    _log(request, source)
    initial = {
        "earlier": f"#{source.client_first_id}",
        "client_age": source.client_age,
        "client_sex": source.client_sex,
        "client_area": source.client_area_id,
        "client_care_level": source.client_care_level,
        "client_condition": source.client_condition,
    }
    if request.user.role != Role.COORDINATOR:
        initial["center"] = source.center_id
    return source, initial


def _say_area(request, consultation):
    """A client living in another center's area: said after saving, with what happens to the
    record (it stays, and counts, with the center that took the call)."""
    notice = consultation.area_notice()
    if notice:
        messages.warning(request, notice)


@never_cache
@role_required(*WRITERS)
def create(request):
    if request.method == "GET" and _as_token(request.GET.get("form")) is None:
        return redirect(_address_with_token(request))
    token = _form_token(request)
    source, initial = _same_client_initial(request) if request.method == "GET" else (None, {})
    form = ConsultationForm(request.POST or None, user=request.user, token=token, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.save_consultation(request, form)
        except services.AlreadySaved as found:
            messages.warning(request, _saved_already(found.consultation))
            return redirect(found.consultation)
        messages.success(request, f"{consultation}を登録しました。続けて連絡調整や同意を記録できます。")
        _warn_if_closed(request, consultation)
        _say_area(request, consultation)
        return redirect(consultation)
    if request.method == "GET":
        # Browser Back to a form that was saved: said at once, before anything is retyped.
        earlier = Consultation.objects.for_user(request.user).filter(submission_token=token).first()
        if earlier:
            messages.warning(
                request,
                f"この入力画面の相談はすでに登録されています（相談 #{earlier.pk}）。もう一度保存しても"
                "新しくは登録されず、登録済みの相談を開きます。別の相談はメニューの「相談を記録」から記録してください。",
            )
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "same_client_of": source,
            "panels": extensions.panels("consultation_form", request, None),
        },
    )


def _focus_first_error(form, default=None):
    """The cursor on the first field to correct (else on `default`, else the first field): a
    refused form of the consultation page comes back with the cursor there, not at the top."""
    first = next(iter(form.errors), None) if form.is_bound else None
    focus = first if first in form.fields else default or next(iter(form.fields))
    form.fields[focus].widget.attrs["autofocus"] = True


def _saved_already(consultation):
    return (
        f"この相談はすでに登録されています（相談 #{consultation.pk}）。"
        "内容を変える場合は、この画面の「編集する」から修正してください。"
    )


DETAIL_RELATED = (
    "center",
    "consultant_type",
    "consultant_facility",
    # With the areas above it (圏域 → 区 → 市): whose 担当地域 it is costs no query per level.
    "client_area__parent__parent",
    "handled_by",
    "updated_by",
)


# The query the page is opened with after a 連絡調整 was added without JavaScript.
NEXT_COORDINATION = "next_coordination"


def _detail(request, pk, status=200, **forms):
    """The consultation page, with the given bound forms (a refused entry keeps what was typed)
    and fresh ones for the rest. Every rendering is an opening of the record: logged."""
    consultation = get_for_user(
        Consultation.objects.select_related(*DETAIL_RELATED).prefetch_related(
            Prefetch("topics", queryset=Topic.objects.select_related("parent", "kind")),
            "topics__capabilities",
            "provisions__consent",
        ),
        request.user,
        pk=pk,
    )
    _log(request, consultation)
    searches = directory_searches(consultation, request.user)
    coordination_form = forms.get("coordination_form")
    # Just after a 連絡調整 was added without JavaScript: the add form stays open, cursor in it.
    next_coordination = coordination_form is None and request.GET.get(NEXT_COORDINATION) == "1"
    # From a directory search result's 「この相談に記録」: the add form opens with that facility.
    facility = _facility_asked(request) if coordination_form is None else None
    if facility is not None:
        coordination_form = CoordinationForm(
            prefix="co", initial={"facility_query": CoordinationForm.query_for(facility)}
        )
        _focus_first_error(coordination_form, "means")
        next_coordination = True
    if coordination_form is None:
        coordination_form = CoordinationForm(prefix="co")
        if next_coordination:
            _focus_first_error(coordination_form, "facility_query")
    # The client's other consultations (numbers, dates and states only: no excerpt of them).
    linked = list(
        consultation.same_client()
        .exclude(pk=consultation.pk)
        .order_by("received_at", "pk")
        .only("pk", "received_at", "status", "first_consultation_id")
    )
    shown = list(messages.get_messages(request))
    in_section = [m for m in shown if IN_COORDINATIONS in (m.extra_tags or "").split()]
    context = {
        "consultation": consultation,
        "page_messages": [m for m in shown if IN_COORDINATIONS not in (m.extra_tags or "").split()],
        "coordination_messages": in_section,
        "today": dates.today(),
        "follow_ups": [c for c in linked if c.pk != consultation.first_consultation_id],
        "consents": list(consultation.client_consents()),
        "area_centers": consultation.area_centers(),
        "search": searches.all,
        "search_parts": searches.parts,
        "directory_browse": searches.browse,
        "coordinations": _coordinations(consultation),
        "coordination_form": coordination_form,
        "next_coordination": next_coordination,
        "consent_form": forms.get("consent_form") or ConsentForm(prefix="consent"),
        "provision_form": forms.get("provision_form")
        or ProvisionForm(prefix="prov", consultation=consultation),
        "panels": extensions.panels("consultation", request, consultation),
    }
    return render(request, "consultations/detail.html", context, status=status)


# The parameter of 「この相談に記録」 on a directory search result (consultations.panels): the
# facility the add form starts with.
RECORD_FACILITY = "co_facility"


def _facility_asked(request):
    value = request.GET.get(RECORD_FACILITY, "")
    return (
        Facility.objects.open().filter(pk=int(value)).only("pk", "name").first() if value.isdigit() else None
    )


def _coordinations(consultation):
    return consultation.coordinations.select_related("facility__kind", "facility__area", "recorded_by")


@never_cache
@role_required(*WRITERS)
def detail(request, pk):
    return _detail(request, pk)


@never_cache
@role_required(*WRITERS)
def edit(request, pk):
    consultation = get_for_user(Consultation.objects, request.user, pk=pk)
    stored = as_stored(consultation)
    form = ConsultationForm(request.POST or None, instance=consultation, user=request.user)
    conflict = False
    if request.method == "POST" and form.is_valid():
        saved = services.save_consultation(request, form)
        if saved:
            messages.success(request, f"{saved}を更新しました。")
            _warn_if_closed(request, saved)
            if "client_area" in form.changed_data:
                _say_area(request, saved)
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
        request,
        "consultations/form.html",
        {
            "form": form,
            "consultation": stored,
            "conflict": conflict,
            "panels": extensions.panels("consultation_form", request, consultation),
        },
    )


@require_POST
@role_required(*WRITERS)
def add_coordination(request, pk):
    consultation = get_for_user(Consultation.objects, request.user, pk=pk)
    form = CoordinationForm(request.POST, prefix="co", consultation=consultation)
    done = ""
    if form.is_valid():
        row = services.add_coordination(request, consultation, form)
        done = f"連絡調整「{row.facility_label}：{row.get_result_display()}」を記録しました。"
        if not _htmx(request):
            messages.success(request, done)
            # Back at the add form, open, for the next call of a series (三件続けて電話する).
            return redirect(f"{consultation.get_absolute_url()}?{NEXT_COORDINATION}=1#coordination-add")
        form = CoordinationForm(prefix="co")
    # The cursor goes back to where the next entry, the choice of facility or the correction starts.
    _focus_first_error(form, "facility_choice" if form.asks_which_facility else "facility_query")
    if not _htmx(request):
        # Without JavaScript: the page again, with the errors beside everything typed.
        return _detail(request, pk, coordination_form=form)
    # htmx: the row list and a fresh form (or the refused one, still filled) replace the section.
    _log(request, consultation)
    return render(
        request,
        "consultations/_coordinations.html",
        {
            "consultation": consultation,
            "coordinations": _coordinations(consultation),
            "coordination_form": form,
            "done": done,
        },
    )


@never_cache
@role_required(*WRITERS)
def edit_coordination(request, pk, cid):
    consultation = get_for_user(Consultation.objects, request.user, pk=pk)
    row = get_object_or_404(consultation.coordinations.select_related("facility"), pk=cid)
    stored = as_stored(row)
    form = CoordinationForm(request.POST or None, instance=row, prefix="co", consultation=consultation)
    if request.method == "POST" and form.is_valid():
        services.update_coordination(request, row, form)
        messages.success(
            request, f"連絡調整「{row.facility_label}」を更新しました。", extra_tags=IN_COORDINATIONS
        )
        return redirect(f"{consultation.get_absolute_url()}#coordinations")
    _log(request, consultation, AccessLog.Action.EDIT)
    return render(
        request,
        "consultations/coordination_form.html",
        {"consultation": consultation, "row": stored, "form": form},
    )


# A message of the 連絡調整 section: shown in that section (the page a redirect to #coordinations
# lands on scrolls past the messages at the top), not at the top of the page.
IN_COORDINATIONS = "in-coordinations"


@require_http_methods(["GET", "POST"])
@never_cache
@role_required(*WRITERS)
def delete_coordination(request, pk, cid):
    """GET (or a POST without `confirm`, as a form opened before this step posts) is the
    confirmation: which row (facility, date, result) goes; its 削除する posts `confirm`."""
    consultation = get_for_user(Consultation.objects, request.user, pk=pk)
    row = get_object_or_404(
        consultation.coordinations.select_related("facility__kind", "recorded_by"), pk=cid
    )
    if request.method == "GET" or not request.POST.get("confirm"):
        _log(request, consultation, AccessLog.Action.EDIT)
        return render(
            request,
            "consultations/coordination_delete.html",
            {
                "consultation": consultation,
                "row": row,
                "closing": MonthClosing.objects.covering(consultation),
            },
        )
    when = timezone.localtime(row.contacted_at)
    label = f"{row.facility_label}（{when.month}/{when.day} {when:%H:%M}・{row.get_result_display()}）"
    services.delete_coordination(request, row)
    messages.success(request, f"連絡調整「{label}」を削除しました。", extra_tags=IN_COORDINATIONS)
    _warn_if_closed(request, consultation)
    return redirect(f"{consultation.get_absolute_url()}#coordinations")


def _back_to(request, default):
    """The page the button was on (`next`, a path of this site), else `default`."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_POST
@role_required(*WRITERS)
def follow_up_done(request, pk):
    """「フォロー済み」 on the home panel, the list or the consultation page: the 次回フォロー日
    cleared in one click, back on the page it was pressed on."""
    consultation = get_for_user(Consultation.objects, request.user, pk=pk)
    day = services.mark_followed_up(request, consultation)
    if day:
        messages.success(
            request,
            f"相談 #{consultation.pk} をフォロー済みにしました（次回フォロー日 {day:%Y/%m/%d} を消しました）。",
        )
    else:
        messages.info(
            request, f"相談 #{consultation.pk} はすでにフォロー済みです（次回フォロー日はありません）。"
        )
    return redirect(_back_to(request, consultation.get_absolute_url()))


@never_cache
@role_required(*WRITERS)
def same_client(request):
    """Finds an earlier consultation of the same client among the center's own records (by the
    caller's name or affiliation, the client's age or condition), to link a new one to it."""
    query = (request.GET.get("q") or "").strip()[:100]
    age = (request.GET.get("age") or "").strip()
    rows, error = [], ""
    if age and not age.isdigit():
        error = "年齢は数字で入力してください。"
    elif query or age:
        rows = Consultation.objects.for_user(request.user).matching_client(query, int(age) if age else None)
        rows = list(rows.select_related("center", "consultant_facility", "client_area")[:SAME_CLIENT_LIMIT])
        AccessLog.log_list(request, rows)
    return render(
        request,
        "consultations/same_client.html",
        {"query": query, "age": age, "rows": rows, "error": error, "limit": SAME_CLIENT_LIMIT},
    )


SAME_CLIENT_LIMIT = 30


@role_required(Role.ADMIN)
def unlisted_facilities(request):
    """Facilities contacted in 連絡調整 that are not in the directory yet, most contacted first,
    for an admin to add (names of facilities only; nothing about the clients)."""
    rows = (
        Coordination.objects.filter(facility=None)
        .values("facility_text")
        .annotate(n=Count("id"), last=Max("contacted_at"))
        .order_by("-n", "facility_text")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "consultations/unlisted_facilities.html", {"page_obj": page, "rows": page.object_list}
    )


def _back_to_consent(request, consultation, message):
    """After a consent or a third-party provision is recorded: said, and back to the section of
    the consultation's page where both are listed."""
    messages.success(request, message)
    return redirect(f"{consultation.get_absolute_url()}#consent")


@require_POST
@role_required(*WRITERS)
def add_consent(request, pk):
    consultation = get_for_user(Consultation.objects, request.user, pk=pk)
    form = ConsentForm(request.POST, prefix="consent", consultation=consultation)
    if not form.is_valid():
        # The page answers at this form's address with #consent-form (the form's action), and the
        # cursor is on the field to correct.
        _focus_first_error(form)
        return _detail(request, pk, consent_form=form)
    consent = services.record_consent(request, consultation, form)
    return _back_to_consent(request, consultation, f"同意（{consent.label}）を記録しました。")


@require_POST
@role_required(*WRITERS)
def add_provision(request, pk):
    consultation = get_for_user(Consultation.objects, request.user, pk=pk)
    form = ProvisionForm(request.POST, prefix="prov", consultation=consultation)
    if not form.is_valid():
        _focus_first_error(form)
        return _detail(request, pk, provision_form=form)
    provision = services.record_provision(request, consultation, form)
    return _back_to_consent(request, consultation, f"第三者提供（{provision}）を記録しました。")


def _report_scope(user, centers):
    """(ward, name): the ward of a ward-scoped official (None otherwise), and what the report
    covers in a file name: its one center, that ward, or 全センター."""
    ward = user.ward if user.role == Role.OFFICIAL and user.ward_id else None
    if len(centers) == 1:
        return ward, centers[0].name
    return ward, ward.name if ward else "全センター"


@never_cache
@role_required(*REPORT_READERS)
def reports(request):
    user = request.user
    readable = list(visible_centers(user))
    code = request.GET.get("center")
    centers = [c for c in readable if c.code == code] if code else readable
    if code and not centers:
        # Another center's code from a coordinator or a ward's official, or an unknown code.
        raise Http404
    try:
        period = period_from(request.GET)
    except PeriodError as exc:
        messages.error(request, str(exc))
        period = period_from({})
    fmt = request.GET.get("format")
    prefetch_related_objects(centers, "closures")
    ward, scope = _report_scope(user, centers)
    if fmt in ("csv", "xlsx"):
        publish = request.GET.get("publish") == "1"
        # 前年度同期 only in the files as read (the file for publication hides cells by the
        # current figures, which a comparison column would give away by subtraction).
        report = Report(period, centers)
        year_closings = report.closings(whole_fiscal_year=True)
        report.build(compare=not period.month and not publish, closings=year_closings)
        return _report_export(report, fmt, publish, scope, year_closings)
    if fmt:
        raise PermissionDenied
    report = Report(period, centers)
    # The closings of the 年度 (one query): the month's for the page, and each report's for its
    # 最少/最大 (a month closed with nothing logged is a real 0).
    year_closings = report.closings(whole_fiscal_year=True)
    closings = [c for c in year_closings if report.month_in_period(c.year, c.month)]
    # A fiscal-year report compares with the previous 年度's same months (read by the same queries).
    report.build(compare=not period.month, closings=year_closings)
    table = report.table()
    if period.month:
        report.compare_with_submitted(table, closings)
    cumulative = (
        Report(period.fiscal_to_date(), centers).build(closings=year_closings) if period.month else None
    )
    if cumulative:
        cumulative_lines = {line.key: line for line in cumulative.table()}
        for line in table:
            line.cumulative = cumulative_lines.get(line.key)
    monthly = report.monthly()
    comparison = report.compare_with_previous(table)
    chart = {
        "centers": [c.code for c in centers],
        "months": [label for label, _ in monthly],
        "monthly": [values for _, values in monthly],
        "types": [
            [line.label, line.total] for line in table if line.section == "相談者" and line.kind == "item"
        ],
        "topics": [
            [line.label, line.total] for line in table if line.section == "相談内容" and line.kind == "item"
        ],
        "titles": {
            "monthly": f"月別の相談件数 {period.fiscal_year_label}（センター別）",
            "types": f"相談者内訳（{period.label}）",
            "topics": f"相談内容内訳（重複可、{period.label}）",
        },
    }
    # The centers that owe this month a closing: open for some of it (開設日..閉所日) and not closed.
    not_closed = report.not_closed(closings)
    # Offered only for a month that has ended and has a center still to close it.
    can_close = user.role in WRITERS and bool(not_closed)
    # 締め直す: the coordinator of a closed center (or an admin) whose figures changed since.
    resubmittable = (
        report.changed_closings(table, closings) if period.month and user.role in WRITERS else set()
    )
    # (label, query) or None at the range's ends, in place: [前, 次].
    neighbours = [
        (n[0], n[1] + (f"&center={code}" if code else "")) if n else None for n in period.neighbours()
    ]
    return render(
        request,
        "consultations/reports.html",
        {
            "report": report,
            "period": period,
            "centers": centers,
            # The center choice only where there is a choice (a ward with one center has none).
            "all_centers": readable if user.role != Role.COORDINATOR and len(readable) > 1 else [],
            # 最少/最大 across one center repeat its figure: shown only for several.
            "show_range": len(centers) > 1,
            # Which centers 最少/最大 leave out (nothing logged) or count before their closing.
            "range_notes": report.range_notes(cumulative, closings),
            # One center: its column, the 合計 and the closed centers' 現在値 are the same numbers,
            # so the table shows one column of them (the downloads keep every column).
            "single_center": centers[0] if len(centers) == 1 else None,
            "ward": ward,
            "lines": table,
            "comparison": comparison,
            "cumulative": cumulative,
            "monthly": monthly,
            # The table's 合計 row (each center's months added up; the last cell the whole).
            "monthly_totals": [sum(column) for column in zip(*(values for _, values in monthly), strict=True)]
            if monthly
            else [],
            "chart": chart,
            "selected_center": code or "",
            "closings": closings,
            # Said on every ended month, so that a missing center is not just a missing line.
            "not_closed": not_closed,
            "earlier_submissions": report.earlier_submissions(),
            "resubmittable": resubmittable,
            "compared": bool(period.month and closings),
            "can_close": can_close,
            "can_reopen": user.role == Role.ADMIN,
            "previous_period": neighbours[0],
            "next_period": neighbours[1],
        },
    )


@require_http_methods(["GET", "POST"])
@never_cache
@role_required(*WRITERS)
def close_month(request):
    """A coordinator (or an admin) closes a month of a center: the report as it is now is kept
    as submitted. GET is the confirmation (what closing does, what can be undone afterwards and
    by whom, the figures that will be submitted); its button POSTs here."""
    data = request.POST if request.method == "POST" else request.GET
    center = get_center_for_user(request.user, data.get("center", ""))
    try:
        period = period_from(data)
    except PeriodError as exc:
        messages.error(request, str(exc))
        return redirect("consultations:reports")
    year, month = period.month or (None, None)
    back = f"{reverse('consultations:reports')}?year={year}&month={month}&center={center.code}"
    if not period.month or not data.get("month"):
        messages.error(request, "締める年と月を指定してください。")
        return redirect(back)
    if request.method == "GET":
        try:
            services.check_closable(center, year, month)
        except services.ClosingError as exc:
            messages.error(request, str(exc))
            return redirect(back)
        lines = Report(period, [center]).build().table()
        shown = [line for line in lines if line.section in ("窓口開設日数", "相談件数")]
        return render(
            request,
            "consultations/close_month.html",
            {"center": center, "period": period, "lines": shown, "line_count": len(lines), "back": back},
        )
    try:
        services.close_month(request, center, year, month)
    except services.ClosingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{center.name}の{year}年{month}月を締めました（提出値を保存しました）。")
    return redirect(back)


@require_POST
@role_required(*WRITERS)
def resubmit_month(request, pk):
    """締め直す: the coordinator of the closing's center (or an admin) submits the month's
    figures as they are now; the earlier submission stays on record."""
    closing = get_object_or_404(
        MonthClosing.objects.active()
        .filter(center__in=visible_centers(request.user))
        .select_related("center"),
        pk=pk,
    )
    back = f"{reverse('consultations:reports')}?year={closing.year}&month={closing.month}&center={closing.center.code}"
    try:
        services.resubmit_month(request, closing)
    except services.ClosingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{closing.center.name}の{closing.year}年{closing.month}月を締め直しました（現在の数値を提出値として保存しました）。",
        )
    return redirect(back)


@require_POST
@role_required(Role.ADMIN)
def reopen_month(request, pk):
    closing = get_object_or_404(MonthClosing.objects.active().select_related("center"), pk=pk)
    back = f"{reverse('consultations:reports')}?year={closing.year}&month={closing.month}&center={closing.center.code}"
    try:
        services.reopen_month(request, closing, request.POST.get("reason", ""))
    except services.ClosingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{closing}を解除しました。")
    return redirect(back)


SUBMITTED_HEADER = ["提出値", "現在値", "提出後の修正"]
PREVIOUS_HEADER = ["今年度同期", "前年度同期", "増減"]


RANGE_COLUMNS = ("最少", "最大", "累計 最少", "累計 最大")


def _one_center_columns(codes, header, rows):
    """A file of one center without 最少/最大, as on the screen: across one center they repeat
    its figure (a coordinator's own 月報, a ward of one center)."""
    if len(codes) != 1:
        return header, rows
    keep = [i for i, name in enumerate(header) if name not in RANGE_COLUMNS]
    return [header[i] for i in keep], [[row[i] for i in keep] for row in rows]


def _difference_cell(line):
    """「提出後の修正」 in a file: the difference, or あり for a line whose centers differ (two
    centers' 窓口開設日数 have no 合計 to subtract), blank when unchanged."""
    if not line.changed_after_submission:
        return ""
    return "あり" if line.difference is None else line.difference


def _report_export(report, fmt, publish, scope, year_closings):
    codes = [c.code for c in report.centers]
    header = ["区分", "項目", "合計", *codes, "最少", "最大"]
    stamp = f"{report.period.start:%Y%m}" if report.period.month else f"FY{report.period.fiscal_year}"
    if publish:
        stamp += "-public"
    period_name = (
        f"{report.period.month[0]}年{report.period.month[1]}月"
        if report.period.month
        else f"{report.period.fiscal_year}年度"
    )
    # 相談実績_2026年11月_東センター.xlsx; the ASCII name for clients that cannot read it.
    filename = f"相談実績_{period_name}_{scope}{'_公表用' if publish else ''}.{fmt}"
    fallback = f"consultation-report-{stamp}{'-' + codes[0] if len(codes) == 1 else ''}.{fmt}"
    lines = report.table()
    closings = [c for c in year_closings if report.month_in_period(c.year, c.month)]
    # A closed month's file says what the screen says: the submitted figure beside the current
    # one (the centers' columns are the records as they are now). Not in the file for
    # publication, whose hidden cells are worked out on the current figures only.
    compared = bool(report.period.month and closings and not publish)
    if compared:
        report.compare_with_submitted(lines, closings)
    cumulative_report = cumulative = None
    if report.period.month:
        # The 月報 carries the 年度累計 beside the month, as the 大阪市 format does: in the CSV as
        # in the XLSX and on the screen.
        cumulative_report = Report(report.period.fiscal_to_date(), report.centers).build(
            closings=year_closings
        )
        cumulative = cumulative_report.table()
    monthly = report.monthly() if fmt == "xlsx" or publish else []
    if publish:
        # The cells to hide are worked out on everything the XLSX shows (小計 lines, 年度累計,
        # 月別推移) for the CSV too, so that the two files hide the same cells.
        shown = published.Published(lines, cumulative, [values for _label, values in monthly])
        cells = shown.lines()
        cum_cells = shown.lines("cumulative")
        month_cells = shown.months()
    else:
        cells = [line.cells()[2:] for line in lines]
        cum_cells = [[c.total, *c.per_center, c.low, c.high] for c in cumulative or []]
        month_cells = [[*values, sum(values)] for _label, values in monthly]
    rows = [[line.section, line.label, *row] for line, row in zip(lines, cells, strict=True)]
    comparison = report.compare_with_previous(lines)
    if comparison and comparison.span:
        # The compared months of this 年度, the 前年度同期 and the 増減 after the centers' range,
        # as on the page; empty where a year has no record to give (the notes say so), never 0.
        header += PREVIOUS_HEADER
        rows = [row + [line.now, line.previous, line.change] for line, row in zip(lines, rows, strict=True)]
    closed_codes = "・".join(c.center.code for c in closings)
    submitted_note = (
        f"提出値・現在値: 締めたセンター（{closed_codes}）の合計。提出後の修正 = 現在値 − 提出値"
        "（合計と各センターの列は現在値）"
    )
    if compared:
        header += SUBMITTED_HEADER
        rows = [
            row + [line.submitted, line.current_of_closed, _difference_cell(line)]
            for line, row in zip(lines, rows, strict=True)
        ]
    open_days_note = (
        f"窓口開設日数は{report.open_days_cut:%Y年%-m月%-d日}までの日数（相談件数と同じ日まで）"
        if report.open_days_cut
        else None
    )
    if report.period.month:
        cum_header = ["年度累計", *[f"累計 {code}" for code in codes], "累計 最少", "累計 最大"]
        by_key = {c.key: row for c, row in zip(cumulative, cum_cells, strict=True)}
        width = len(codes) + 3
        if compared:
            # The 年度累計 before the 提出値 columns, which belong to the month.
            base = len(header) - len(SUBMITTED_HEADER)
            header = header[:base] + cum_header + SUBMITTED_HEADER
            rows = [
                row[:base] + by_key.get(line.key, [""] * width) + row[base:]
                for line, row in zip(lines, rows, strict=True)
            ]
        else:
            header += cum_header
            rows = [row + by_key.get(line.key, [""] * width) for line, row in zip(lines, rows, strict=True)]
    header, rows = _one_center_columns(codes, header, rows)
    names = "・".join(c.name for c in report.centers) or "センターなし"
    title = f"{names} 相談実績 {report.period.label}"
    closed_note = _closed_note(closings)
    notes = ["相談内容は重複計上（1件の相談を該当する項目それぞれに計上）", closed_note]
    if compared:
        notes.append(submitted_note)
    if open_days_note:
        notes.append(open_days_note)
    notes += report.range_notes(cumulative_report, closings)
    if comparison:
        notes += comparison.notes()
    if publish:
        notes.append(published.note())
    if fmt == "csv":
        # The page's lines in its order, 小計 included (a reader setting the file beside the page
        # finds every row; a program tells a 小計 by its 項目 「…/小計」). The notes the XLSX
        # carries above its table follow the lines, one a row under 注記, as wide as the table.
        rows += [["注記", note] + [""] * (len(header) - 2) for note in notes]
        return csv_response(filename, header, rows, fallback=fallback)
    # 月別推移: every month of the fiscal year marked from its closings, not only the report's.
    closed = _closed_by_month(year_closings)
    month_rows = []
    for (label, _values), (y, m), counts in zip(monthly, _months_of(report), month_cells, strict=False):
        state = "締め済み（" + "・".join(closed[(y, m)]) + "）" if (y, m) in closed else "未締め"
        month_rows.append([label, *counts, state])
    sheets = [
        (
            "相談実績",
            header,
            rows,
            {
                "title_rows": [title, *notes],
                "widths": [14, 44, 8] + [10] * (len(header) - 3),
                "orientation": "portrait" if not report.period.month else "landscape",
            },
        ),
        (
            "月別推移",
            ["月", *codes, "合計", "締め"],
            month_rows,
            {
                "title_rows": [
                    f"{names} 月別の相談件数 {report.period.fiscal_year_label}",
                    _closed_note(year_closings),
                ],
                "widths": [14] + [10] * (len(codes) + 1) + [22],
            },
        ),
    ]
    return xlsx_response(filename, sheets, fallback=fallback)


def _closed_by_month(closings):
    """{(year, month): [center codes]} of the closings."""
    closed = {}
    for c in closings:
        closed.setdefault((c.year, c.month), []).append(c.center.code)
    return closed


def _closed_note(closings):
    closed = _closed_by_month(closings)
    if not closed:
        return "締め済みの月: なし"
    return "締め済みの月: " + "、".join(
        f"{y}年{m}月（{'・'.join(cs)}）" for (y, m), cs in sorted(closed.items())
    )


def _months_of(report):
    return [
        m
        for m in dates.fiscal_months(report.period.fiscal_year)
        if dates.month_range(*m)[0] <= report.period.end
    ]
