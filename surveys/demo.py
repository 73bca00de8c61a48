"""Demo surveys: the 入退院連絡調査 of the last two fiscal years answered by the demo care offices
(so that the rates and their trend show), an open 空床状況調査, and the attendees' surveys of the
demo training events (the upcoming 多職種研修会's, and last year's with answers for the chart)."""

import datetime
import random

from django.utils import timezone

from coordination import dates
from coordination.models import Center, Profession
from resources.models import FacilityKind
from surveys import presets, services
from surveys.models import Answer, Respondent, Survey
from training.models import Event, Item

CARE_OFFICES = ["care-management", "community-support", "small-multi", "nursing-small-multi"]
VACANCY_KINDS = ["special-nursing-home", "health-facility", "short-stay", "group-home"]
# Contact got better after the rule was revised: the later year's chances are higher.
CHANCES = {0: (0.72, 0.58), 1: (0.84, 0.71)}


def _moment(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 9, 0))


def seed(stdout, **options):
    _event_surveys()
    center = Center.objects.order_by("sort_order", "code").first()
    if center is None or Survey.objects.filter(series_key="admission-discharge", center=center).exists():
        return
    fy = dates.fiscal_year(dates.today())
    for index, year in enumerate((fy - 2, fy - 1)):
        survey = services.create_from_template(
            None,
            Survey.Template.ADMISSION,
            fiscal_year=year,
            opens_at=_moment(year, 10, 1),
            closes_at=_moment(year, 11, 30),
            center=center,
        )
        services.add_facility_respondents(
            None, survey, list(FacilityKind.objects.filter(code__in=CARE_OFFICES))
        )
        _answer_admission(survey, random.Random(year), *CHANCES[index])
    vacancy = services.create_from_template(
        None,
        Survey.Template.VACANCY,
        fiscal_year=fy,
        opens_at=timezone.now() - datetime.timedelta(days=7),
        closes_at=timezone.now() + datetime.timedelta(days=21),
        center=center,
    )
    services.add_facility_respondents(
        None, vacancy, list(FacilityKind.objects.filter(code__in=VACANCY_KINDS))
    )
    questions = {q.key: q for q in vacancy.questions.all()}
    for n, respondent in enumerate(vacancy.respondents.all()[:3]):
        _write(
            respondent,
            questions,
            {"as_of": dates.today().isoformat(), "capacity": 50, "vacant_beds": n + 1, "short_stay": "あり"},
        )
    stdout.write(f"surveys: 入退院連絡調査 {fy - 2}・{fy - 1}年度、空床状況調査 {fy}年度")


def _answer_admission(survey, rng, admission_chance, discharge_chance):
    questions = {q.key: q for q in survey.questions.all()}
    hospitals = [c for c in questions["clients"].columns[0]["choices"] if c != "その他の病院"] or [
        "その他の病院"
    ]
    for respondent in survey.respondents.all():
        if rng.random() > 0.9:
            continue  # a few offices never answer: the response rate is below 100%
        rows = []
        for _ in range(rng.randint(0, 5)):
            row = {presets.HOSPITAL: rng.choice(hospitals)}
            if rng.random() < 0.85:
                contacted = rng.random() < admission_chance
                row[presets.ADMISSION] = presets.ADMISSION_YES if contacted else presets.ADMISSION_NO
                if contacted:
                    row[presets.METHOD] = rng.choice(["電話", "電話", "FAX", "連携シート", "ICT", "訪問"])
            else:
                row[presets.ADMISSION] = presets.NOT_APPLICABLE
            if rng.random() < 0.8:
                told = rng.random() < discharge_chance
                row[presets.DISCHARGE] = presets.DISCHARGE_YES if told else presets.DISCHARGE_NO
                if told:
                    row[presets.TIMING] = rng.choice(
                        presets.TIMING_CHOICES[:4] * 2 + presets.TIMING_CHOICES[4:]
                    )
            else:
                row[presets.DISCHARGE] = presets.NOT_APPLICABLE
            rows.append(row)
        values = {"care_managers": rng.randint(1, 6), "had_clients": "いた" if rows else "いなかった"}
        if rows:
            values["clients"] = rows
        _write(respondent, questions, values, survey.opens_at + datetime.timedelta(days=rng.randint(1, 40)))


def _write(respondent, questions, values, at=None):
    """Demo answers are written as the survey would have received them while it was open."""
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question=questions[key], value=value) for key, value in values.items()
    )
    respondent.submitted_at = respondent.updated_at = at or timezone.now()
    respondent.save(update_fields=["submitted_at", "updated_at"])


RATINGS = [5, 4, 5, 3, 4, 5, 4, 4, 2, 5, 4, 3]
COMMENTS = ["グループワークで他職種の考えが聞けてよかった。", "", "薬剤師の訪問について知れた。", ""]


def _event_surveys():
    """Per center, a survey for its next training event open for sign-ups and, answered, for its
    latest one held; once each (a center with such a survey already is left alone)."""
    names = list(Profession.objects.values_list("name", flat=True)[:6]) or [services.NO_PROFESSION]
    now = timezone.now()
    for center in Center.objects.order_by("sort_order", "code"):
        trainings = Event.objects.filter(center=center, item=Item.TRAINING, attendee_survey__isnull=True)
        # Once per center each: the next event without a survey is not the one the demo gave a
        # survey before (seeding again would give each older training a survey of its own).
        surveyed = Survey.objects.filter(event__center=center, event__item=Item.TRAINING)
        upcoming = trainings.filter(starts_at__gte=now, registration_open=True).order_by("starts_at").first()
        if upcoming and not surveyed.filter(event__starts_at__gte=now).exists():
            services.create_event_survey(
                None,
                upcoming,
                opens_at=upcoming.starts_at,
                closes_at=upcoming.starts_at + datetime.timedelta(days=14),
            )
        last = trainings.filter(starts_at__lt=now).order_by("-starts_at").first()
        if last is None or surveyed.filter(event__starts_at__lt=now).exists():
            continue
        survey = services.create_event_survey(
            None, last, opens_at=last.starts_at, closes_at=last.starts_at + datetime.timedelta(days=14)
        )
        questions = {q.key: q for q in survey.questions.all()}
        for i, r in enumerate(RATINGS):
            respondent = Respondent.objects.create(
                survey=survey,
                kind=Respondent.Kind.LINK,
                group=names[i % len(names)],
            )
            values = {key: max(1, min(5, r - j % 2)) for j, key in enumerate(("q1", "q2", "q3"))}
            if COMMENTS[i % 4]:
                values["q4"] = COMMENTS[i % 4]
            _write(respondent, questions, values, last.starts_at + datetime.timedelta(hours=2))
