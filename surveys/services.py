"""Every write of the survey engine, one function each: a survey (create, update, from a template),
a question, respondents (facilities, professionals), an answer and the reminders.

Each runs in one transaction and writes its audit entry (coordination.security.audit); forms only
validate and views call these (the convention of consultations/services.py)."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from coordination.dates import fiscal_year as fiscal_year_of
from coordination.models import Role, User
from coordination.security import CREATE, UPDATE, audit, changed_fields
from resources.models import Facility, FacilityKind
from surveys import presets
from surveys.models import NO_PROFESSION, Answer, AudienceFilter, Question, Respondent, Survey


class SurveyClosed(Exception):
    """The answer arrived outside the survey's period."""


def save_survey(request, form):
    with transaction.atomic():
        creating = form.instance.pk is None
        survey = form.save(commit=False)
        if creating:
            survey.created_by = request.user
        survey.save()
        audit(
            request, CREATE if creating else UPDATE, survey, detail="" if creating else changed_fields(form)
        )
    return survey


def create_from_template(request, template, *, fiscal_year, opens_at, closes_at, center=None):
    """A survey with the template's questions. The 入退院 template lists the directory's hospitals
    (of the center's areas, or all of them for a city survey) as the rows' choices."""
    spec = presets.TEMPLATES[template]
    hospitals = []
    if template == Survey.Template.ADMISSION:
        found = Facility.objects.filter(kind__code="hospital", closed_on__isnull=True)
        if center is not None and center.areas.exists():
            area_ids = set()
            for area in center.areas.all():
                area_ids |= area.descendant_ids()
            found = found.filter(area_id__in=area_ids)
        hospitals = list(found.order_by("name").values_list("name", flat=True)[:80])
    with transaction.atomic():
        survey = Survey.objects.create(
            title=spec["title"],
            description=spec["description"],
            center=center,
            fiscal_year=fiscal_year,
            series_key=spec["series_key"],
            template=template,
            opens_at=opens_at,
            closes_at=closes_at,
            audience=spec["audience"],
            created_by=request.user if request and request.user.is_authenticated else None,
        )
        add_questions(survey, presets.questions_for(template, hospitals))
        audit(request, CREATE, survey, detail=f"ひな形「{survey.get_template_display()}」から作成")
    return survey


def create_event_survey(request, event, *, opens_at, closes_at, anonymous=True, description=""):
    """The survey of a training event's attendees, answered by the one link shown (and printed as
    a QR code) on the event's page, with the usual questions to start from. The event's center
    owns it; its 年度 is the event's."""
    with transaction.atomic():
        survey = Survey.objects.create(
            title=f"{event.title} アンケート",
            description=description,
            center_id=event.center_id,
            fiscal_year=fiscal_year_of(timezone.localtime(event.starts_at).date()),
            opens_at=opens_at,
            closes_at=closes_at,
            audience=Survey.Audience.EVENT,
            event=event,
            anonymous=anonymous,
            created_by=request.user if request and request.user.is_authenticated else None,
        )
        add_questions(survey, presets.event_questions(event))
        audit(request, CREATE, survey, detail=f"研修「{event.title}」のアンケートとして作成")
    return survey


def add_questions(survey, definitions):
    by_key = {}
    for order, spec in enumerate(definitions, start=1):
        spec = dict(spec)
        condition = spec.pop("show_if", None)
        limit = spec.pop("at_most", None)
        question = Question.objects.create(survey=survey, sort_order=order * 10, **spec)
        if condition:
            question.show_if_question = by_key[condition[0]]
            question.show_if_value = condition[1]
            question.save(update_fields=["show_if_question", "show_if_value"])
        if limit:
            question.at_most = by_key[limit]
            question.save(update_fields=["at_most"])
        by_key[question.key] = question
    return by_key


def save_question(request, form):
    with transaction.atomic():
        creating = form.instance.pk is None
        question = form.save()
        audit(
            request,
            CREATE if creating else UPDATE,
            question.survey,
            detail=f"質問「{question.text[:40]}」"
            + ("を追加" if creating else "を変更\n" + changed_fields(form)),
        )
    return question


def add_facility_respondents(request, survey, kinds, area=None):
    """A respondent (with its own link) for every open facility of `kinds` (main kind or a
    service) in `area`, skipping those already asked. Returns how many were added."""
    facilities = Facility.objects.filter(closed_on__isnull=True)
    kind_ids = [k.pk for k in kinds]
    facilities = (
        facilities.filter(kind_id__in=kind_ids) | facilities.filter(services__in=kind_ids)
    ).distinct()
    if area is not None:
        facilities = facilities.filter(area_id__in=area.descendant_ids())
    with transaction.atomic():
        asked = set(survey.respondents.filter(facility__isnull=False).values_list("facility_id", flat=True))
        names = dict(FacilityKind.objects.values_list("pk", "name"))
        new = [
            Respondent(
                survey=survey,
                kind=Respondent.Kind.FACILITY,
                facility_id=f.pk,
                label=f.name,
                group=names.get(f.kind_id, ""),
            )
            for f in facilities.only("pk", "name", "kind_id").order_by("name", "pk")
            if f.pk not in asked
        ]
        Respondent.objects.bulk_create(new)
        record = AudienceFilter.objects.create(survey=survey, added=len(new))
        record.kinds.set(kinds)
        if area is not None:
            record.areas.set([area])
        audit(request, UPDATE, survey, detail=f"回答する施設を{len(new)}件追加")
    return len(new)


def add_professional_respondents(request, survey, professions=()):
    users = User.objects.filter(role=Role.PROFESSIONAL, is_active=True).select_related("profession")
    if professions:
        users = users.filter(profession__in=professions)
    with transaction.atomic():
        asked = set(survey.respondents.filter(user__isnull=False).values_list("user_id", flat=True))
        new = [
            Respondent(
                survey=survey,
                kind=Respondent.Kind.PROFESSIONAL,
                user=u,
                label=str(u) + (f"（{u.affiliation}）" if u.affiliation else ""),
                group=u.profession.name if u.profession else "職種の登録なし",
            )
            for u in users.order_by("last_name", "first_name", "pk")
            if u.pk not in asked
        ]
        Respondent.objects.bulk_create(new)
        audit(request, UPDATE, survey, detail=f"回答する専門職を{len(new)}人追加")
    return len(new)


def submit_answers(request, respondent, values):
    """Writes a respondent's answers ({question_id: value}) as a whole: the questions left out
    lose their earlier answer. Refused (SurveyClosed) once the survey closed."""
    with transaction.atomic():
        respondent = Respondent.objects.select_for_update().select_related("survey").get(pk=respondent.pk)
        if not respondent.survey.is_open():
            raise SurveyClosed
        now = timezone.now()
        first = respondent.submitted_at is None
        respondent.answers.exclude(question_id__in=list(values)).delete()
        existing = {a.question_id: a for a in respondent.answers.all()}
        changed = []
        for question_id, value in values.items():
            answer = existing.get(question_id)
            if answer is None:
                Answer.objects.create(respondent=respondent, question_id=question_id, value=value)
            elif answer.value != value:
                answer.value = value
                changed.append(answer)
        Answer.objects.bulk_update(changed, ["value"])
        respondent.submitted_at = respondent.submitted_at or now
        respondent.updated_at = now
        respondent.save(update_fields=["submitted_at", "updated_at"])
        # The audit entry names the survey and the respondent, never the answers themselves.
        audit(
            request,
            CREATE if first else UPDATE,
            respondent,
            detail=f"{respondent.survey} に{'回答' if first else '回答を修正'}",
        )
    return respondent


def submit_link_answer(request, survey, values, *, profession=None, name="", respondent=None):
    """An answer by the survey's open link: a respondent of its own, then the answers. An event's
    attendee may give a 職種 (the results' breakdown) and, on a survey that is not 無記名, a name.
    `respondent` is the answer given earlier from the same device (the view found it by the
    device's cookie): it is changed as a whole, 職種 and name included, like a first answer."""
    if survey.audience == Survey.Audience.EVENT:
        group = profession.name if profession else NO_PROFESSION
    else:
        group = "リンクから"
    # No name, no label: the answers one by one number such answers (exports.respondent_labels).
    label = (name or "").strip()[:200]
    with transaction.atomic():
        if respondent is None:
            respondent = Respondent.objects.create(
                survey=survey, kind=Respondent.Kind.LINK, group=group, label=label
            )
        else:
            Respondent.objects.filter(pk=respondent.pk, survey=survey, kind=Respondent.Kind.LINK).update(
                group=group, label=label
            )
        return submit_answers(request, respondent, values)


def answer_link(request, respondent):
    return request.build_absolute_uri(respondent.get_answer_url()) if request else respondent.get_answer_url()


def send_reminders(request, survey):
    """An email to each respondent who has not answered and has an address (professionals); the
    rest are on the printable list. Returns the number of emails sent."""
    with transaction.atomic():
        pending = list(
            survey.respondents.pending()
            .filter(user__isnull=False)
            .exclude(user__email="")
            .select_related("user")
        )
        messages = [
            (
                f"【回答のお願い】{survey.title}",
                f"{r.user}様\n\n「{survey}」へのご回答をお願いします。"
                f"回答の受付は{timezone.localtime(survey.closes_at):%Y年%m月%d日 %H:%M}までです。\n\n"
                f"{answer_link(request, r)}\n\n{survey.owner_label}\n",
                settings.DEFAULT_FROM_EMAIL,
                [r.user.email],
            )
            for r in pending
        ]
        sent = send_mass_mail(messages, fail_silently=False) if messages else 0
        survey.respondents.filter(pk__in=[r.pk for r in pending]).update(reminded_at=timezone.now())
        audit(request, UPDATE, survey, detail=f"督促メールを{sent}件送信")
    return sent
