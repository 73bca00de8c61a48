import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from coordination.access import CENTER_READERS, CENTER_WRITERS, get_for_user, role_required
from coordination.exports import xlsx_response
from coordination.forms import as_stored, post_data
from coordination.models import Role
from coordination.security import client_ip
from surveys import exports, letters, panels, presets, results, services, vacancies
from surveys.forms import (
    AnswerForm,
    AudienceForm,
    EventSurveyForm,
    QuestionForm,
    SurveyForm,
    TemplateSurveyForm,
)
from surveys.models import LinkThrottle, Question, Respondent, Survey
from training.models import Event

MANAGERS, READERS = CENTER_WRITERS, CENTER_READERS
PAGE_SIZE = 25
ANSWERED_SALT = "surveys.link-answered"


def _managed(request, pk):
    """A survey for its managers; a survey of another center answers 404, a city survey (which
    only admins manage) 403 for a coordinator."""
    survey = get_object_or_404(Survey.objects.readable_by(request.user), pk=pk)
    if not Survey.objects.for_user(request.user).filter(pk=survey.pk).exists():
        if survey.center_id:
            raise Http404
        raise PermissionDenied
    return survey


@role_required(Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL, Role.PROFESSIONAL)
def index(request):
    if request.user.role == Role.PROFESSIONAL:
        mine = (
            Respondent.objects.filter(user=request.user, survey__opens_at__lte=timezone.now())
            .select_related("survey", "survey__center")
            .order_by("-survey__closes_at")
        )
        return render(request, "surveys/mine.html", {"respondents": mine, "now": timezone.now()})
    surveys = (
        Survey.objects.readable_by(request.user)
        .select_related("center")
        .with_response_counts()
        .order_by("-fiscal_year", "-opens_at", "-pk")
    )
    page = Paginator(surveys, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/index.html",
        {"page_obj": page, "items": page.object_list, "can_manage": request.user.role in MANAGERS},
    )


@role_required(*MANAGERS)
def create(request):
    form = SurveyForm(post_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        survey = services.save_survey(request, form)
        messages.success(request, "調査を作成しました。続けて質問を追加してください。")
        return redirect(survey)
    return render(request, "surveys/form.html", {"form": form, "creating": True})


@role_required(*MANAGERS)
def from_template(request):
    form = TemplateSurveyForm(post_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        center = data.get("center") if "center" in form.fields else request.user.center
        survey = services.create_from_template(
            request,
            data["template"],
            fiscal_year=data["fiscal_year"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            center=center,
        )
        messages.success(request, f"「{survey}」をひな形から作成しました。回答する施設を選んでください。")
        return redirect("surveys:audience", pk=survey.pk)
    return render(request, "surveys/from_template.html", {"form": form})


@role_required(*READERS)
def detail(request, pk):
    survey = get_object_or_404(Survey.objects.readable_by(request.user).select_related("center"), pk=pk)
    groups, whole = survey.response_groups()
    if survey.event_id:
        # Over the event's participants, as the results page and the list count it; its link
        # respondents by 職種 are no "asked" groups.
        groups, whole = [], survey.response_figures()
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "questions": survey.questions.select_related("show_if_question", "at_most"),
            "groups": groups,
            "whole": whole,
            "can_manage": Survey.objects.for_user(request.user).filter(pk=pk).exists(),
            "link_url": _link_url(request, survey),
            "locked": survey.has_answers(),
        },
    )


def _open_link_status(request, survey):
    """A survey answered by its open link: how many answered (over an event's participants) and
    the link with its QR code to hand out again."""
    answered, asked, answer_rate = survey.response_figures()
    return {
        "answered": answered,
        "attendees": asked if survey.event_id else None,
        "rate": answer_rate if survey.event_id else None,
        "link": panels.open_link(request, survey),
    }


def _link_url(request, survey):
    if not survey.answers_by_link:
        return ""
    return request.build_absolute_uri(reverse("surveys:answer_link", args=[survey.link_token]))


@never_cache
@role_required(*MANAGERS)
def event_survey(request, event_id):
    """The survey of a training event's attendees: made here from the event's page (the usual
    questions to start from), then edited and read like any survey."""
    event = get_for_user(Event.objects.select_related("center"), request.user, pk=event_id)
    existing = Survey.objects.filter(event=event).first()
    if existing is not None:
        return redirect(existing)
    start = timezone.localtime(event.starts_at)
    form = EventSurveyForm(
        post_data(request), initial={"opens_at": start, "closes_at": start + datetime.timedelta(days=14)}
    )
    if request.method == "POST" and form.is_valid():
        survey = services.create_event_survey(request, event, **form.cleaned_data)
        messages.success(request, "アンケートを作成しました。回答用リンクを参加者に知らせてください。")
        return redirect("surveys:results", pk=survey.pk)
    return render(
        request,
        "surveys/event_survey_form.html",
        {"event": event, "form": form, "questions": presets.event_questions(event)},
    )


@role_required(*MANAGERS)
def edit(request, pk):
    survey = _managed(request, pk)
    stored = as_stored(survey)
    form = SurveyForm(post_data(request), instance=survey, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_survey(request, form)
        messages.success(request, "調査を保存しました。")
        return redirect(survey)
    return render(request, "surveys/form.html", {"form": form, "survey": stored})


@role_required(*MANAGERS)
def question_edit(request, pk, qid=None):
    survey = _managed(request, pk)
    question = get_object_or_404(Question, survey=survey, pk=qid) if qid else None
    form = QuestionForm(post_data(request), instance=question, survey=survey)
    if request.method == "POST" and form.is_valid():
        services.save_question(request, form)
        messages.success(request, "質問を保存しました。")
        return redirect(survey)
    return render(
        request, "surveys/question_form.html", {"form": form, "survey": survey, "question": question}
    )


@role_required(*MANAGERS)
def audience(request, pk):
    survey = _managed(request, pk)
    if survey.answers_by_link:
        # Answered by its one link: nobody to add, and no respondent's link or answer to show
        # (an answer is its respondent's, changed from the device that gave it): counts only.
        return render(
            request, "surveys/audience.html", {"survey": survey, "open": _open_link_status(request, survey)}
        )
    form = AudienceForm(post_data(request), survey=survey)
    if request.method == "POST" and form.is_valid():
        if survey.audience == Survey.Audience.FACILITIES:
            added = services.add_facility_respondents(
                request, survey, list(form.cleaned_data["kinds"]), form.cleaned_data.get("area")
            )
            messages.success(request, f"回答する施設を{added}件追加しました。")
        elif survey.audience == Survey.Audience.PROFESSIONALS:
            added = services.add_professional_respondents(
                request, survey, list(form.cleaned_data["professions"])
            )
            messages.success(request, f"回答する専門職を{added}人追加しました。")
        return redirect(survey)
    respondents = survey.respondents.select_related("facility__area__parent").order_by("group", "label", "pk")
    return render(
        request,
        "surveys/audience.html",
        {
            "survey": survey,
            "form": form,
            "respondents": respondents[:500],
            "count": survey.respondents.count(),
        },
    )


def _letter_respondents(request, survey):
    """The respondents of ?respondent=<id> (one), ?pending=1 (not answered yet) or all."""
    if survey.answers_by_link:
        raise Http404  # one open link, no respondent of its own to write to
    chosen = request.GET.get("respondent", "")
    if chosen and (not chosen.isdigit() or len(chosen) > 18):
        raise Http404
    found = letters.respondents(
        survey, pending=request.GET.get("pending") == "1", respondent_id=int(chosen) if chosen else None
    )
    if chosen and not found:
        raise Http404
    return found


@never_cache
@role_required(*MANAGERS)
def letters_csv(request, pk):
    """施設名・住所・FAX・メール・回答URL of the respondents, for mail merge. The links are each
    respondent's own: the download is audited."""
    survey = _managed(request, pk)
    found = _letter_respondents(request, survey)
    return letters.csv_download(request, survey, found)


@never_cache
@role_required(*MANAGERS)
def letters_print(request, pk):
    """A4 request sheets, one per respondent, with its answer link as text and a QR code."""
    survey = _managed(request, pk)
    found = _letter_respondents(request, survey)
    return render(
        request,
        "surveys/letters.html",
        {"survey": survey, "sheets": letters.sheets(request, survey, found), "today": timezone.localdate()},
    )


def _admission(survey, public=False):
    """The 入院時/退院時連絡率 of a 入退院連絡調査 (None for any other survey)."""
    if survey.template != Survey.Template.ADMISSION:
        return None
    return results.admission_report(survey, public=public)


TABLE_FORMATS = {"tables": True, "tables_internal": False}  # ?format= → public version


@role_required(*READERS)
def results_view(request, pk):
    """The results: aggregates for every reader (officials too, without the free text); the
    answers one by one (?format=raw) for the survey's managers (of a 無記名 survey answered by
    link, its counts and free text instead: exports.anonymous_sheets); the tables as a workbook, 公開用
    (small counts hidden) or 内部用 (the figures of the staff view, for partners of the center)."""
    survey = get_object_or_404(
        Survey.objects.readable_by(request.user).select_related("center", "event"), pk=pk
    )
    # The answers one by one (names, free text, contact details): an official, or a coordinator
    # reading the city's survey, reads the aggregates only (403 for the raw workbook).
    reads_answers = Survey.objects.answers_readable_by(request.user).filter(pk=survey.pk).exists()
    public = request.GET.get("view") == "public"
    fmt = request.GET.get("format")
    if fmt == "raw":
        if not reads_answers:
            raise PermissionDenied
        if survey.answers_are_anonymous:
            # 無記名: the staff's workbook gives what their page gives, counts and unlinked texts.
            return xlsx_response(
                f"{survey.title}_回答の集計.xlsx",
                exports.anonymous_sheets(survey, results.build(survey)),
                fallback=f"survey-{survey.pk}-answers.xlsx",
            )
        return xlsx_response(
            f"{survey.title}_回答一覧.xlsx",
            exports.raw_sheets(survey),
            fallback=f"survey-{survey.pk}-answers.xlsx",
        )
    if fmt in TABLE_FORMATS:
        published = TABLE_FORMATS[fmt]
        version, suffix = ("公開用", "public") if published else ("内部用", "internal")
        items = results.build(survey, public=published, free_text=False)
        return xlsx_response(
            f"{survey.title}_集計表_{version}.xlsx",
            exports.table_sheets(survey, items, _admission(survey, public=published), public=published),
            fallback=f"survey-{survey.pk}-tables-{suffix}.xlsx",
        )
    items = results.build(survey, public=public, free_text=reads_answers)
    admission = _admission(survey, public=public)
    groups, whole = survey.response_groups()
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "items": items,
            "admission": admission,
            "groups": groups,
            "whole": whole,
            "public": public,
            "reads_answers": reads_answers,
            "threshold": results.threshold(),
            "chart": exports.chart_data(items, admission),
            "event_answers": _event_answers(survey),
            "link_url": _link_url(request, survey),
        },
    )


def public_results(request, pk):
    """The aggregates of a survey marked 公開 for anyone, without login: the public version of
    the tables (counts below PUBLISH_SUPPRESS_BELOW as 「-」, no free text, no charts, whose data
    would carry the hidden counts), nothing of who answered. Any other survey answers 404."""
    survey = get_object_or_404(Survey.objects.published().select_related("center", "event"), pk=pk)
    items = results.build(survey, public=True)
    admission = _admission(survey, public=True)
    _groups, whole = survey.response_groups()
    return render(
        request,
        "surveys/public_results.html",
        {
            "survey": survey,
            "items": items,
            "admission": admission,
            "public": True,
            "threshold": results.threshold(),
            "answered": _public_answered(items, whole[0]),
        },
    )


def _public_answered(items, answered):
    """The number who answered, for the public page: hidden like a question's 回答数 that had to
    be hidden and is the same number (everybody answered it)."""
    if any(item["n"] == results.HIDDEN and item["raw_n"] == answered for item in items):
        return results.HIDDEN
    return results.shown(answered, True)


def _event_answers(survey):
    """An event survey's answers over the event's participants (None for other surveys)."""
    if not survey.event_id:
        return None
    answered, attendees, answer_rate = survey.response_figures()
    return {"attendees": attendees, "answered": answered, "rate": answer_rate}


@never_cache
@role_required(*MANAGERS)
def vacancies_view(request, pk):
    """The 空床状況調査's answers beside the directory's 空床, made change requests all at once or per
    facility (approved in the directory's change-request list)."""
    survey = _managed(request, pk)
    if survey.template != Survey.Template.VACANCY:
        raise Http404
    if request.method == "POST":
        chosen = request.POST.get("respondent")
        ids = None
        if chosen:
            if not chosen.isdigit():
                raise Http404
            ids = [int(chosen)]
        made = vacancies.request_changes(request, survey, ids)
        if made:
            messages.success(
                request,
                f"{made}施設の空床を変更申請にしました。「変更申請」で承認すると施設情報に反映されます。",
            )
        else:
            messages.info(
                request,
                "変更申請にする回答はありませんでした（申請中・反映済み、または名簿の方が新しい回答です）。",
            )
        return redirect("surveys:vacancies", pk=survey.pk)
    found = vacancies.rows(survey)
    return render(
        request,
        "surveys/vacancies.html",
        {"survey": survey, "rows": found, "pending": sum(r.can_apply for r in found)},
    )


@role_required(*MANAGERS)
def reminders(request, pk):
    survey = _managed(request, pk)
    if survey.answers_by_link:
        # Who has not answered is not known (no respondent exists before an answer, none is
        # named): what can be done is to hand the link out again.
        if request.method == "POST":
            return redirect("surveys:reminders", pk=survey.pk)
        return render(
            request, "surveys/reminders.html", {"survey": survey, "open": _open_link_status(request, survey)}
        )
    if request.method == "POST":
        sent = services.send_reminders(request, survey)
        messages.success(
            request, f"督促のメールを{sent}件送りました。メールのない回答者は下の一覧で連絡してください。"
        )
        return redirect("surveys:reminders", pk=survey.pk)
    pending = survey.respondents.pending().select_related("facility__area__parent", "user")
    return render(
        request,
        "surveys/reminders.html",
        {
            "survey": survey,
            "pending": pending,
            "links": [(r, services.answer_link(request, r)) for r in pending],
        },
    )


def _answer_page(request, survey, respondent, by_link=False):
    """The questionnaire (GET), or the answers saved (POST). Returns (response, values or None).
    `by_link`: answered by the open link (`respondent` the answer given earlier from this
    device, or None for a first answer)."""
    questions = list(survey.questions.select_related("show_if_question"))
    initial = {}
    if respondent is not None:
        initial = {a.question_id: a.value for a in respondent.answers.all()}
    form = AnswerForm(
        post_data(request),
        survey=survey,
        questions=questions,
        initial_answers=initial,
        open_link=by_link,
        respondent=respondent,
    )
    more = request.method == "POST" and any(k.endswith("_more") for k in request.POST)
    if more:
        # Asking for more rows is not a submission: keep what was typed, without error messages.
        form._errors = ErrorDict()
    if request.method == "POST" and not more and form.is_valid():
        return None, form
    context = {"survey": survey, "form": form, "respondent": respondent, "by_link": by_link}
    status = 200 if request.method == "GET" or more else 400
    return render(request, "surveys/answer.html", context, status=status), form


def _closed(request, survey, respondent=None):
    status = "before" if timezone.now() < survey.opens_at else "closed"
    return render(
        request,
        "surveys/answer_closed.html",
        {"survey": survey, "status": status, "respondent": respondent},
        status=410,
    )


@never_cache
def answer(request, token):
    """A respondent's own link: one answer, which they may change until the survey closes."""
    # An answer given by the open link is reached from the device that gave it only (the open
    # link and its cookie): its own token opens nothing, whoever was handed it.
    respondent = get_object_or_404(
        Respondent.objects.exclude(kind=Respondent.Kind.LINK).select_related("survey", "survey__center"),
        token=token,
    )
    survey = respondent.survey
    if not survey.is_open():
        return _closed(request, survey, respondent)
    response, form = _answer_page(request, survey, respondent)
    if response is not None:
        return response
    try:
        services.submit_answers(request, respondent, form.values)
    except services.SurveyClosed:
        return _closed(request, survey, respondent)
    return render(request, "surveys/answer_thanks.html", {"survey": survey, "respondent": respondent})


@never_cache
def answer_link(request, token):
    """The open link (anyone with it, or an event's attendees): one answer per browser, rate-limited
    per address. The browser's signed cookie names its answer, which it alone may change until
    the close (the one rule for every answer: its respondent's, by the way they answered)."""
    survey = get_object_or_404(
        Survey.objects.select_related("center", "event"), link_token=token, audience__in=Survey.OPEN_LINK
    )
    cookie = f"survey-{survey.pk}"
    own = None
    mark = request.get_signed_cookie(cookie, default=None, salt=ANSWERED_SALT)
    if mark:
        own = Respondent.objects.filter(survey=survey, kind=Respondent.Kind.LINK, token=mark).first()
    if not survey.is_open():
        return _closed(request, survey, own)
    if mark and (own is None or request.GET.get("edit") != "1"):
        # Answered from this browser: said so (a second scan of the QR code, or the form sent
        # again, changes nothing), with the way to change the answer ("?edit=1"), unless it was
        # given before the cookie named the answer, or is gone.
        return render(
            request, "surveys/answer_closed.html", {"survey": survey, "status": "answered", "respondent": own}
        )
    response, form = _answer_page(request, survey, own, by_link=True)
    if response is not None:
        return response
    if own is None and not LinkThrottle.take(survey, client_ip(request)):
        form.add_error(
            None,
            "短い時間に同じ場所から多くの回答が届いたため、いまは受け付けられませんでした。"
            "1分ほど待ってから、もう一度「回答を送信する」を押してください。",
        )
        return render(
            request, "surveys/answer.html", {"survey": survey, "form": form, "by_link": True}, status=429
        )
    try:
        given = services.submit_link_answer(
            request,
            survey,
            form.values,
            profession=form.cleaned_data.get("profession"),
            name=form.cleaned_data.get("respondent_name", ""),
            respondent=own,
        )
    except services.SurveyClosed:
        return _closed(request, survey, own)
    page = render(request, "surveys/answer_thanks.html", {"survey": survey, "by_link": True})
    page.set_signed_cookie(
        cookie,
        given.token,
        salt=ANSWERED_SALT,
        max_age=max(0, int((survey.closes_at - timezone.now()).total_seconds())) + 86400,
        path=request.path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return page
