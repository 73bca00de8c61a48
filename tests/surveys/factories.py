import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from surveys import services
from surveys.models import Question, Respondent, Survey


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def make_survey(
    center=None, *, title="テスト調査", year=2026, opens=(2020, 1, 1), closes=(2099, 1, 1), **fields
):
    fields.setdefault("audience", Survey.Audience.FACILITIES)
    return Survey.objects.create(
        title=title, center=center, fiscal_year=year, opens_at=at(*opens), closes_at=at(*closes), **fields
    )


def question(survey, key, kind=Question.Kind.SINGLE, text=None, **fields):
    order = survey.questions.count() + 1
    return Question.objects.create(
        survey=survey, key=key, kind=kind, text=text or key, sort_order=order, **fields
    )


def respondent(survey, label="テスト事業所", group="居宅介護支援事業所", **fields):
    fields.setdefault("kind", Respondent.Kind.FACILITY)
    return Respondent.objects.create(survey=survey, label=label, group=group, **fields)


def answered(survey, values_by_key, label="回答者", group="居宅介護支援事業所", **fields):
    """A respondent who submitted {question key: value} (written the way the service writes)."""
    r = respondent(survey, label=label, group=group, **fields)
    by_key = {q.key: q.pk for q in survey.questions.all()}
    services.submit_answers(None, r, {by_key[k]: v for k, v in values_by_key.items()})
    return r


def walker_survey(w):
    """The URL walker's survey: C01's, with one question and one facility respondent."""
    if not hasattr(w, "_survey"):
        s = make_survey(w.cast.center1, title="ウォーカー調査")
        question(s, "q1", choices=["はい", "いいえ"])
        w._survey = s
        w._respondent = respondent(s, facility=w.facility, label=w.facility.name)
    return w._survey


def walker_link_survey(w):
    if not hasattr(w, "_link_survey"):
        w._link_survey = make_survey(w.cast.center1, title="リンク調査", audience=Survey.Audience.LINK)
        question(w._link_survey, "q1", choices=["はい", "いいえ"])
    return w._link_survey


def walker_bare_event(w):
    """A C01 training event without a survey yet (the walker's own event has one)."""
    if not hasattr(w, "_bare_event"):
        from tests.training.factories import make_event  # noqa: PLC0415

        w._bare_event = make_event(w.cast.center1, title="アンケートのない研修")
    return w._bare_event


def walker_vacancy_survey(w):
    """A C01 空床状況調査 answered by the walker's facility."""
    if not hasattr(w, "_vacancy_survey"):
        s = services.create_from_template(
            None,
            Survey.Template.VACANCY,
            fiscal_year=2026,
            opens_at=at(2020, 1, 1),
            closes_at=at(2099, 1, 1),
            center=w.cast.center1,
        )
        keys = {q.key: q.pk for q in s.questions.all()}
        r = respondent(s, facility=w.facility, label=w.facility.name)
        services.submit_answers(
            None, r, {keys["as_of"]: "2026-11-01", keys["capacity"]: 20, keys["vacant_beds"]: 2}
        )
        w._vacancy_survey = s
    return w._vacancy_survey


def walker_public_survey(w):
    """A C01 survey whose aggregates are public, with one answer."""
    if not hasattr(w, "_public_survey"):
        s = make_survey(w.cast.center1, title="公開する調査", results_public=True)
        question(s, "q1", choices=["はい", "いいえ"])
        answered(s, {"q1": "はい"})
        w._public_survey = s
    return w._public_survey


def walker_question(w):
    return walker_survey(w).questions.first()


def walker_respondent(w):
    walker_survey(w)
    return w._respondent


def walker_document(w):
    """A public C01 document with one PDF version."""
    if not hasattr(w, "_document"):
        from documents.models import Document, DocumentVersion  # noqa: PLC0415 — tests of surveys need not load it

        d = Document.objects.create(title="入退院支援ルール", category="rule", center=w.cast.center1)
        v = DocumentVersion(
            document=d,
            label="第1版",
            effective_from=datetime.date(2024, 4, 1),
            file_name="ルール.pdf",
            file_type="pdf",
            size=9,
        )
        v.file.save("rule.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        v.save()
        w._document, w._version = d, v
    return w._document


def walker_version(w):
    walker_document(w)
    return w._version


def vacancy_survey(center, days=3):
    """The 空床状況調査 made from its template, open from `days` ago to `days` ahead."""
    now = timezone.now()
    return services.create_from_template(
        None,
        Survey.Template.VACANCY,
        fiscal_year=2026,
        opens_at=now - datetime.timedelta(days=days),
        closes_at=now + datetime.timedelta(days=days),
        center=center,
    )
