from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from consultations.models import Consultation
from coordination import access, dates
from coordination.access import get_center_for_user, get_for_user, role_required, visible_centers
from coordination.exports import xlsx_response
from coordination.filters import filtered, filtered_page
from coordination.forms import as_stored, errors_to_messages, post_data
from coordination.models import Area, Organisation, Role
from meetings import evaluation as evaluation_report
from meetings import services
from meetings.filters import IssueFilter, MeetingFilter, refuse_unreadable_center, sees_every_center
from meetings.forms import (
    IssueForm,
    MeetingAttendanceForm,
    MeetingForm,
    NarrativeForm,
    SeriesForm,
    SolutionForm,
    StatusForm,
    TargetFormSet,
)
from meetings.models import (
    PROGRAM_ITEMS,
    Issue,
    ItemTarget,
    Measure,
    Meeting,
    Series,
    Solution,
    professions_taking_part,
)
from training.models import Event

WRITERS, READERS = access.CENTER_WRITERS, access.CENTER_READERS
# Officials also record the city's own meetings (連絡会) and raise city-owned 課題 (no center).
CITY_WRITERS = (Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL)
PAGE_SIZE = 25


def _editable(queryset, request, pk):
    """The object for writing: admins any, coordinators their center's (another center's: 404)."""
    return get_for_user(queryset.editable_by(request.user), request.user, pk=pk)


def _program_items(letters):
    """The 事業項目 a meeting or a 課題 serves (stored as letters, 「イク」) with their meaning, in
    the program's order: (letter, 「イ 在宅医療・介護連携の課題の抽出と対応策の検討」)."""
    return [(letter, label) for letter, label in PROGRAM_ITEMS if letter in (letters or "")]


# --- Meetings --------------------------------------------------------------------------------


@role_required(Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL, Role.PROFESSIONAL)
def index(request):
    queryset = (
        Meeting.objects.for_user(request.user)
        .select_related("kind", "center", "series")
        .prefetch_related("organisations", "professions")
    )
    filter_form, page = filtered_page(request, MeetingFilter, queryset, PAGE_SIZE, request=request)
    refuse_unreadable_center(filter_form)
    return render(
        request,
        "meetings/index.html",
        {"filter_form": filter_form, "page_obj": page, "meetings": page.object_list},
    )


@never_cache
@role_required(*CITY_WRITERS)
def create(request):
    form = MeetingForm(post_data(request), user=request.user, initial=_initial_from(request))
    if request.method == "POST" and form.is_valid():
        meeting = services.save_owned(request, form)
        messages.success(request, f"{meeting.get_tier_display()}「{meeting.display_title}」を記録しました。")
        return redirect(meeting)
    return render(request, "meetings/form.html", {"form": form})


def _center_name(record):
    """Who holds the record, as a reader of the workbook knows them: the center's name (its code
    is the portal's own), or 市 for the city's own records."""
    return record.center.name if record.center_id else "市"


def _id_param(value):
    """An id from the query string: None when absent, 404 when it is not an id (`?series=abc`)."""
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404("指定された番号が正しくありません。")
    return int(value)


def _initial_from(request):
    series_id = _id_param(request.GET.get("series"))
    series = Series.objects.for_user(request.user).filter(pk=series_id).first() if series_id else None
    if not series:
        return {}
    return {"series": series.pk, "kind": series.kind_id, "tier": series.tier}


@never_cache
@role_required(*CITY_WRITERS)
def edit(request, pk):
    meeting = _editable(Meeting.objects, request, pk)
    stored = as_stored(meeting)
    form = MeetingForm(post_data(request), instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_owned(request, form)
        messages.success(request, f"「{meeting.display_title}」を更新しました。")
        return redirect(meeting)
    return render(request, "meetings/form.html", {"form": form, "meeting": stored})


@role_required(Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL, Role.PROFESSIONAL)
def detail(request, pk):
    meeting = get_for_user(
        Meeting.objects.select_related("kind", "center", "series", "created_by").prefetch_related(
            "organisations",
            "professions",
            "attendance__profession",
            "issues_discussed__organisation",
            "raised_issues__organisation",
            "solutions__issues",
        ),
        request.user,
        pk=pk,
    )
    can_edit = Meeting.objects.editable_by(request.user).filter(pk=pk).exists()
    attendance = list(meeting.attendance.all())
    # Counts entered before 出席人数 had to agree with 参加した職種 may still name another.
    taking_part = professions_taking_part(meeting.organisations.all(), meeting.professions.all())
    counted_outside = [a.profession.name for a in attendance if a.profession_id not in taking_part]
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "program_items": _program_items(meeting.items),
            "can_edit": can_edit,
            "attendance": attendance,
            "attendance_total": sum(a.count for a in attendance),
            "counted_outside": counted_outside,
            "issue_form": IssueForm(user=request.user, meeting=meeting, prefix="issue") if can_edit else None,
        },
    )


@never_cache
@role_required(*WRITERS)
def attendance(request, pk):
    meeting = _editable(Meeting.objects.select_related("kind"), request, pk)
    form = MeetingAttendanceForm(post_data(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        services.save_attendance(request, meeting, form)
        messages.success(request, "職種別の出席人数を保存しました。")
        return redirect(meeting)
    taking_part = [p.name for p in form.professions if p.pk in form.taking_part]
    return render(
        request, "meetings/attendance.html", {"meeting": meeting, "form": form, "taking_part": taking_part}
    )


@never_cache
@role_required(*WRITERS)
def raise_at_meeting(request, pk):
    meeting = _editable(Meeting.objects.select_related("kind"), request, pk)
    form = IssueForm(post_data(request), user=request.user, meeting=meeting, prefix="issue")
    if request.method == "POST" and form.is_valid():
        issue = services.save_issue(request, form, f"{meeting}で提起")
        messages.success(request, f"課題「{issue}」を起票しました。")
        return redirect(f"{meeting.get_absolute_url()}#raised")
    return render(request, "meetings/issue_form.html", {"form": form, "meeting": meeting})


# --- Series (recurring bodies) ------------------------------------------------------------------


@role_required(*READERS)
def series_index(request):
    series = (
        Series.objects.for_user(request.user)
        .select_related("kind", "center")
        .annotate(meeting_count=Count("meetings"))
        .order_by("-active", "name")
    )
    return render(request, "meetings/series_index.html", {"series_list": series})


@never_cache
@role_required(*WRITERS)
def series_create(request):
    form = SeriesForm(post_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        series = services.save_owned(request, form)
        messages.success(request, f"会議体「{series.name}」を登録しました。")
        return redirect("meetings:series_detail", pk=series.pk)
    return render(request, "meetings/series_form.html", {"form": form})


@role_required(*READERS)
def series_detail(request, pk):
    series = get_for_user(Series.objects.select_related("kind", "center"), request.user, pk=pk)
    meetings = series.meetings.select_related("kind").prefetch_related("organisations").order_by("-held_on")
    return render(
        request,
        "meetings/series_detail.html",
        {
            "series": series,
            "meetings": meetings,
            "can_edit": Series.objects.editable_by(request.user).filter(pk=pk).exists(),
        },
    )


# --- 課題 register ------------------------------------------------------------------------------

ISSUE_LIST_RELATED = ("organisation", "profession", "category", "center", "raised_at_meeting__kind")


@role_required(*READERS)
def issues(request):
    queryset = (
        Issue.objects.for_user(request.user).select_related(*ISSUE_LIST_RELATED).prefetch_related("solutions")
    )
    filter_form, results = filtered(request, IssueFilter, queryset, request=request)
    refuse_unreadable_center(filter_form)
    if request.GET.get("format") == "xlsx":
        return _issues_xlsx(results)
    if request.GET.get("format"):
        raise PermissionDenied
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/issues.html",
        {
            "filter_form": filter_form,
            "page_obj": page,
            "issues": page.object_list,
            "show_center": sees_every_center(request.user),
        },
    )


def _issues_xlsx(issues):
    header = [
        "ラベル",
        "課題",
        "提起した団体・職種",
        "分類",
        "状態",
        "提起日",
        "提起の場",
        "解決策",
        "担当センター",
    ]
    rows = []
    for i in issues:
        where = (
            str(i.raised_at_meeting)
            if i.raised_at_meeting_id
            else ("相談" if i.raised_from_consultation_id else "")
        )
        rows.append(
            [
                i.label,
                i.title,
                i.raised_by,
                str(i.category or ""),
                i.get_status_display(),
                i.raised_on,
                where,
                "、".join(s.title for s in i.solutions.all()),
                _center_name(i),
            ]
        )
    return xlsx_response(
        f"課題一覧_{dates.today():%Y%m%d}.xlsx",
        [
            (
                "課題一覧",
                header,
                rows,
                {
                    "title_rows": ["在宅医療・介護連携の課題一覧"],
                    "widths": [10, 40, 24, 20, 12, 12, 30, 40, 28],
                    "orientation": "landscape",
                },
            )
        ],
        fallback=f"issues-{dates.today():%Y%m%d}.xlsx",
    )


@never_cache
@role_required(*CITY_WRITERS)
def issue_create(request):
    consultation = None
    consultation_id = _id_param(request.GET.get("consultation") or request.POST.get("consultation"))
    if consultation_id:
        # Raising a 課題 from a consultation: only those who may open the consultation.
        consultation = get_for_user(Consultation.objects, request.user, pk=consultation_id)
    form = IssueForm(post_data(request), user=request.user, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        issue = services.save_issue(request, form, f"相談 #{consultation.pk} から" if consultation else "")
        messages.success(request, f"課題「{issue}」を起票しました。")
        return redirect(consultation or issue)
    return render(request, "meetings/issue_form.html", {"form": form, "consultation": consultation})


@never_cache
@role_required(*CITY_WRITERS)
def issue_edit(request, pk):
    issue = _editable(Issue.objects, request, pk)
    stored = as_stored(issue)
    form = IssueForm(post_data(request), instance=issue, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_issue(request, form)
        messages.success(request, f"課題「{issue}」を更新しました。")
        return redirect(issue)
    return render(request, "meetings/issue_form.html", {"form": form, "issue": stored})


@role_required(*READERS)
def issue_detail(request, pk):
    meetings_kind = Meeting.objects.select_related("kind")
    issue = get_for_user(
        Issue.objects.select_related(*ISSUE_LIST_RELATED, "raised_from_consultation").prefetch_related(
            Prefetch("status_changes"),
            Prefetch("discussed_at", queryset=meetings_kind),
            Prefetch(
                "solutions",
                queryset=Solution.objects.prefetch_related(
                    Prefetch("meetings", queryset=meetings_kind), "events", "issues"
                ),
            ),
        ),
        request.user,
        pk=pk,
    )
    can_edit = Issue.objects.editable_by(request.user).filter(pk=pk).exists()
    # The consultation link only for those who may open it (officials never see a record).
    consultation_visible = bool(
        issue.raised_from_consultation_id
        and Consultation.objects.for_user(request.user).filter(pk=issue.raised_from_consultation_id).exists()
    )
    return render(
        request,
        "meetings/issue_detail.html",
        {
            "issue": issue,
            "program_items": _program_items(issue.items),
            "lineage": issue.lineage(),
            "can_edit": can_edit,
            "status_form": StatusForm(issue=issue) if can_edit else None,
            "undoable_step": issue.last_undoable_step() if can_edit else None,
            "consultation_visible": consultation_visible,
        },
    )


@require_POST
@role_required(*CITY_WRITERS)
def issue_status(request, pk):
    issue = _editable(Issue.objects, request, pk)
    form = StatusForm(request.POST, issue=issue)
    if form.is_valid():
        d = form.cleaned_data
        services.change_issue_status(request, issue, d["status"], d["changed_on"], d["note"])
        messages.success(request, f"課題「{issue}」の状態を「{issue.get_status_display()}」にしました。")
    else:
        errors_to_messages(request, form, "状態の変更")
    return redirect(f"{issue.get_absolute_url()}#lineage")


@require_POST
@role_required(*CITY_WRITERS)
def issue_status_undo(request, pk):
    issue = _editable(Issue.objects, request, pk)
    step = services.undo_status_step(request, issue)
    if step is None:
        messages.error(request, "取り消せる経過はありません（提起の記録は取り消せません）。")
    else:
        messages.success(
            request,
            f"{step.changed_on:%Y/%m/%d}「{step.get_status_display()}」の経過を取り消しました。"
            f"課題の状態は「{issue.get_status_display()}」です。",
        )
    return redirect(f"{issue.get_absolute_url()}#lineage")


# --- 解決策 ---------------------------------------------------------------------------------------


@never_cache
@role_required(*WRITERS)
def solution_create(request):
    initial = {}
    for name, model in (("meeting", Meeting), ("event", Event), ("issue", Issue)):
        value = _id_param(request.GET.get(name))
        if value:
            obj = model.objects.for_user(request.user).filter(pk=value).first()
            if obj is None:
                raise Http404
            initial[{"meeting": "meetings", "event": "events", "issue": "issues"}[name]] = [obj.pk]
            if name == "meeting" and "issues" not in initial:
                # A 解決策 carried out at a meeting is most often for the 課題 the meeting took up.
                initial["issues"] = list(obj.issues_discussed.values_list("pk", flat=True))
    form = SolutionForm(post_data(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        solution = services.save_solution(request, form)
        messages.success(request, f"解決策「{solution.title}」を記録しました。")
        first = solution.meetings.first()
        return redirect(first or solution.issues.first())
    return render(request, "meetings/solution_form.html", {"form": form})


@never_cache
@role_required(*WRITERS)
def solution_edit(request, pk):
    solution = _editable(Solution.objects, request, pk)
    stored = as_stored(solution)
    form = SolutionForm(post_data(request), instance=solution, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_solution(request, form)
        messages.success(request, f"解決策「{solution.title}」を更新しました。")
        return redirect(solution.issues.first() or "meetings:issues")
    return render(request, "meetings/solution_form.html", {"form": form, "solution": stored})


# --- Lineage across years -----------------------------------------------------------------------


@role_required(*READERS)
def organisations(request):
    user = request.user
    meetings = Meeting.objects.for_user(user)
    orgs = Organisation.objects.all()
    counts = dict(meetings.values("organisations").annotate(n=Count("id")).values_list("organisations", "n"))
    issue_counts = dict(
        Issue.objects.for_user(user)
        .values("organisation")
        .annotate(n=Count("id"))
        .values_list("organisation", "n")
    )
    rows = [(o, counts.get(o.pk, 0), issue_counts.get(o.pk, 0)) for o in orgs]
    return render(request, "meetings/organisations.html", {"rows": rows})


@role_required(*READERS)
def organisation_timeline(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    user = request.user
    own_issues, table = services.organisation_timeline(
        organisation,
        Meeting.objects.for_user(user),
        Issue.objects.for_user(user),
        Event.objects.readable_by(user),
    )
    owners = {e["owner"] for y in table for e in y["entries"]}
    return render(
        request,
        "meetings/organisation_timeline.html",
        {
            "organisation": organisation,
            "issues": own_issues,
            "table": table,
            "several_owners": len(owners) > 1,
        },
    )


@role_required(*READERS)
def year_summary(request):
    user = request.user
    year, status = _fiscal_year_from(request)
    meetings, issues = Meeting.objects.for_user(user), Issue.objects.for_user(user)
    solutions = Solution.objects.for_user(user)
    show_center = sees_every_center(user)
    centers = list(visible_centers(user)) if show_center else []
    code = request.GET.get("center", "") if show_center else ""
    if code:
        if code not in {c.code for c in centers}:
            raise Http404
        meetings, issues = meetings.filter(center__code=code), issues.filter(center__code=code)
        solutions = solutions.filter(center__code=code)
    summary = services.fiscal_year_summary(
        year, meetings, issues, solutions=solutions, events=Event.objects.readable_by(user)
    )
    if request.GET.get("format") == "xlsx":
        return _summary_xlsx(summary)
    if request.GET.get("format"):
        raise PermissionDenied
    return render(
        request,
        "meetings/year_summary.html",
        {
            "summary": summary,
            "year": year,
            "show_center": show_center,
            "centers": centers,
            "selected_center": code,
        },
        status=status,
    )


def _summary_xlsx(s):
    title = f"在宅医療・介護連携 会議・課題の実績 {s['label']}"
    return xlsx_response(
        f"会議・課題の実績_{s['year']}年度.xlsx",
        [
            (
                "会議",
                ["連携の段階", "種類", "回数"],
                [[r["tier"], r["kind"], r["n"]] for r in s["rows"]] + [["合計", "", s["total"]]],
                {"title_rows": [title], "widths": [14, 24, 8]},
            ),
            (
                "会議一覧",
                ["センター", "開催日", "連携の段階", "種類", "名称", "参加した団体・機関", "参加人数"],
                [
                    [
                        _center_name(m),
                        m.held_on,
                        m.get_tier_display(),
                        m.kind.name,
                        m.display_title,
                        "、".join(o.name for o in m.organisations.all()),
                        m.attendees,
                    ]
                    for m in s["meetings"]
                ],
                {"title_rows": [title], "widths": [28, 12, 12, 18, 36, 40, 10]},
            ),
            (
                "提起された課題",
                ["センター", "ラベル", "課題", "提起した団体・職種", "提起日", "状態"],
                [
                    [
                        _center_name(i),
                        i.label,
                        i.title,
                        i.raised_by,
                        i.raised_on,
                        i.get_status_display(),
                    ]
                    for i in s["raised"]
                ],
                {"title_rows": [title], "widths": [28, 10, 40, 24, 12, 12]},
            ),
            (
                "解決した課題",
                ["センター", "ラベル", "課題", "提起した団体・職種", "解決日"],
                [[_center_name(i), i.label, i.title, i.raised_by, day] for day, i in s["solved"]],
                {"title_rows": [title], "widths": [28, 10, 40, 24, 12]},
            ),
            _open_sheet(s, title),
            (
                "実施した解決策",
                ["センター", "解決策", "対応する課題", "実施した場", "実施日"],
                [
                    [
                        _center_name(solution),
                        solution.title,
                        "、".join(i.label for i in solution.issues.all()),
                        _occasion_text(kind, o),
                        day,
                    ]
                    for solution, occasions in s["solutions"]
                    for day, kind, o in occasions
                ],
                {"title_rows": [title], "widths": [28, 36, 16, 44, 12]},
            ),
        ],
        fallback=f"meetings-FY{s['year']}.xlsx",
    )


def _open_sheet(s, title):
    """The 課題 open at the 年度末 (or today), as the page lists them: a past 年度 names the state
    at its end beside the state now."""
    running = s["open_running"]
    header = ["センター", "ラベル", "課題", "提起した団体・職種", "提起日"]
    header += ["状態"] if running else ["年度末の状態", "現在の状態"]
    rows = [
        [_center_name(i), i.label, i.title, i.raised_by, i.raised_on, i.status_then_display]
        + ([] if running else [i.get_status_display()])
        for i in s["open"]
    ]
    if s["open_as_of"] is None:
        note = "この年度はまだ始まっていません。"
    else:
        when = f"{s['open_as_of']:%Y/%m/%d}".replace("/0", "/")
        note = (
            f"{when}現在で未解決の課題 {len(rows)}件（うち前年度以前からの持ち越し {s['open_carried_over']}件）"
            if running
            else f"年度末（{when}）に未解決だった課題 {len(rows)}件（うち前年度以前からの持ち越し {s['open_carried_over']}件）"
        )
    return (
        "未解決の課題",
        header,
        rows,
        # One title row, as on the other sheets, so that every sheet's rows start on row 3.
        {"title_rows": [f"{title}：{note}"], "widths": [28, 10, 40, 24, 12, 14, 14]},
    )


def _occasion_text(kind, occasion):
    """Where a 解決策 was carried out, as the page says it: 二次連携「同行訪問研修」（会場）."""
    where = (
        f"{occasion.get_tier_display()}「{occasion.display_title}」"
        if kind == "meeting"
        else f"研修「{occasion.title}」"
    )
    return where + (f"（{occasion.venue}）" if occasion.venue else "")


def _fiscal_year_from(request):
    """(年度, status) from ?fiscal_year=, this 年度 with a message and 400 when unreadable."""
    try:
        year = int(request.GET.get("fiscal_year") or dates.fiscal_year(dates.today()))
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(
            request, "年度は2000〜2100の数字で指定してください（例: 2026）。今年度を表示しています。"
        )
        return dates.fiscal_year(dates.today()), 400
    return year, 200


def _ward_for(request):
    """The ward whose figures and targets are shown: a ward-scoped official's own (another ward
    answers 404), or the one chosen by an admin or a city-wide official (?ward=), else None."""
    user = request.user
    wanted = request.GET.get("ward", "")
    if user.role == Role.OFFICIAL and user.ward_id:
        if wanted and wanted != str(user.ward_id):
            raise Http404
        return user.ward
    if not wanted or user.role == Role.COORDINATOR:
        return None
    if not wanted.isdigit():
        raise Http404
    return get_object_or_404(Area, pk=wanted, kind=Area.Kind.WARD)


@never_cache
@role_required(*READERS)
def evaluation(request):
    """事業評価: per item ア〜ク, what was done in the 年度 against the 計画値, and the 取組事例（様式）
    sections (seed 000); XLSX and A4 print."""
    user = request.user
    year, status = _fiscal_year_from(request)
    ward = _ward_for(request)
    readable = list(visible_centers(user))
    centers = readable
    if ward is not None and not user.ward_id:
        ward_ids = evaluation_report.ward_center_ids(ward)
        centers = [c for c in readable if c.pk in ward_ids]
    code = request.GET.get("center", "")
    selected = None
    if code:
        selected = get_center_for_user(user, code)
        centers = [selected]
    elif user.role == Role.COORDINATOR:
        selected = centers[0] if centers else None
    result = evaluation_report.evaluate(year, centers, selected, ward)
    sections, narrative_is_city = evaluation_report.case_sheet(
        year, centers, result, Area.city(), with_city=selected is None
    )
    names = selected.name if selected else evaluation_report.scope_name(centers, ward)
    title = f"在宅医療・介護連携推進事業 事業評価 {dates.fiscal_year_label(year)}（{names}）"
    if request.GET.get("format") == "xlsx":
        return _evaluation_xlsx(title, result, sections, year)
    if request.GET.get("format"):
        raise PermissionDenied
    return render(
        request,
        "meetings/evaluation.html",
        {
            "evaluation": result,
            "items": result.items,
            "sections": sections,
            "narrative_is_city": narrative_is_city,
            "year": year,
            "title": title,
            "ward": ward,
            "centers": readable if user.role != Role.COORDINATOR else [],
            "wards": _ward_choices()
            if user.role == Role.ADMIN or (user.role == Role.OFFICIAL and not user.ward_id)
            else [],
            "selected_center": code,
            "may_enter_targets": user.role in TARGET_EDITORS,
        },
        status=status,
    )


def _ward_choices():
    return list(Area.objects.filter(kind=Area.Kind.WARD).order_by("sort_order", "name"))


def _evaluation_xlsx(title, result, sections, year):
    ward = result.targets_of == "ward"
    rows = [
        [
            report.label,
            figure.label,
            figure.planned if figure.planned is not None else "目標未設定",
            *([figure.city_planned if figure.city_planned is not None else ""] if ward else []),
            figure.actual,
            f"{figure.rate}%" if figure.rate is not None else "",
        ]
        for report in result.items
        for figure in report.figures
    ]
    if ward:
        header = [
            "事業項目",
            "指標",
            result.targets_label,
            "市全体の目標（参考）",
            f"実績（{result.ward.name}）",
            "達成率",
        ]
    else:
        header = ["事業項目", "指標", result.targets_label, "実績", "達成率"]
    title_rows = [title]
    if result.ward_without_targets:
        title_rows.append(
            f"{result.ward.name}の計画値は未入力です。実績は{result.ward.name}の数、市全体の目標は参考です（達成率は出しません）。"
        )
    sheet = (
        "事業評価",
        header,
        rows,
        {"title_rows": title_rows, "widths": [44, 30, 12, 12, 12, 12], "orientation": "portrait"},
    )
    case = (
        "取組事例",
        ["項目", "記述", "記録から"],
        [
            [f"{s.number} {s.title}", s.text or ("未登録" if s.number in "②③" else ""), "\n".join(s.data)]
            for s in sections
        ],
        {
            "title_rows": [f"取組事例（様式） {dates.fiscal_year_label(year)}"],
            "widths": [30, 60, 60],
            "orientation": "portrait",
        },
    )
    return xlsx_response(f"事業評価_{year}年度.xlsx", [sheet, case], fallback=f"evaluation-FY{year}.xlsx")


TARGET_EDITORS = (Role.ADMIN, Role.OFFICIAL)


@never_cache
@role_required(*TARGET_EDITORS)
def evaluation_targets(request):
    """The 年度's 計画値 per item ア〜ク and the 取組事例's written sections, for the city or one ward
    (a ward-scoped official: its own ward only)."""
    year, status = _fiscal_year_from(request)
    ward = _ward_for(request)
    targets = {
        (t.item, t.measure): t for t in ItemTarget.objects.filter(fiscal_year=year, center=None, ward=ward)
    }
    pairs = [(letter, m) for letter, _ in PROGRAM_ITEMS for m in evaluation_report.ITEM_MEASURES[letter]]
    pairs += sorted(k for k in targets if k not in pairs)
    initial = [
        {
            "item": item,
            "measure": measure,
            "planned": targets[(item, measure)].planned if (item, measure) in targets else None,
            "note": targets[(item, measure)].note if (item, measure) in targets else "",
        }
        for item, measure in pairs
    ]
    narrative = evaluation_report.narrative_for(year, ward)
    data = post_data(request)
    formset = TargetFormSet(data, initial=initial, prefix="t")
    narrative_form = NarrativeForm(data, instance=narrative, prefix="n")
    if data is not None and formset.is_valid() and narrative_form.is_valid():
        changed = services.save_targets(request, year, ward, formset, narrative_form)
        scope = ward.name if ward else "市全体"
        messages.success(
            request,
            f"{dates.fiscal_year_label(year)}の{scope}の計画値と取組事例を保存しました（計画値の変更 {changed}件）。",
        )
        query = f"?fiscal_year={year}" + (f"&ward={ward.pk}" if ward and not request.user.ward_id else "")
        return redirect(reverse("meetings:evaluation") + query)
    items, measures = dict(PROGRAM_ITEMS), dict(Measure.choices)
    # A ward enters its own beside the city's, for reference.
    city_targets = evaluation_report.planned_targets(year) if ward is not None else {}
    previous = None
    for form in formset:
        item = form["item"].value()
        form.item_label = items.get(item, "")
        measure = form["measure"].value()
        form.measure_label = evaluation_report.measure_label(item, measure) if measure in measures else ""
        form.city_planned = city_targets.get((item, form["measure"].value()))
        # The item's name once, over its rows (as on the 事業評価).
        form.item_rows = sum(1 for f in formset if f["item"].value() == item) if item != previous else 0
        previous = item
    if data is not None:
        status = 400
    return render(
        request,
        "meetings/evaluation_targets.html",
        {
            "formset": formset,
            "narrative_form": narrative_form,
            "year": year,
            "ward": ward,
            "wards": [] if request.user.ward_id else _ward_choices(),
            "show_city": ward is not None,
        },
        status=status,
    )
