"""Moves the training events' own surveys (training.Survey, Question, Response, Answer) onto the
survey engine, before training's migration 0003 drops their tables.

Each old survey becomes a survey of the event's attendees (audience "event") owned by the
event's center, in the event's 年度, keeping its token as the open link's token, so the links and
QR codes already printed on event sheets keep answering (training forwards its old address).
Questions keep their order: 5段階評価 → "rating", 自由記述 → "long_text", keys q1, q2, … Each
response becomes a respondent of the link (its 職種 as the group the results break down by, its
name when the survey asked one) with its answers: a rating as the number, a text as the text."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

NO_PROFESSION = "職種の回答なし"


def fiscal_year(moment):
    day = moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return day.year if day.month >= 4 else day.year - 1


def forward(apps, schema_editor):
    OldSurvey = apps.get_model("training", "Survey")
    OldQuestion = apps.get_model("training", "Question")
    OldResponse = apps.get_model("training", "Response")
    OldAnswer = apps.get_model("training", "Answer")
    Profession = apps.get_model("coordination", "Profession")
    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    Respondent = apps.get_model("surveys", "Respondent")
    Answer = apps.get_model("surveys", "Answer")
    professions = dict(Profession.objects.values_list("pk", "name"))
    for old in OldSurvey.objects.select_related("event").order_by("pk"):
        event = old.event
        survey = Survey.objects.create(
            title=f"{event.title} アンケート"[:200],
            description=old.intro,
            center_id=event.center_id,
            fiscal_year=fiscal_year(event.starts_at),
            opens_at=old.opens_at,
            closes_at=old.closes_at,
            audience="event",
            event_id=event.pk,
            link_token=old.token,
            anonymous=old.anonymous,
            created_by_id=event.created_by_id,
        )
        questions = {}
        for number, q in enumerate(OldQuestion.objects.filter(survey=old).order_by("sort_order", "pk"), 1):
            questions[q.pk] = Question.objects.create(
                survey=survey,
                key=f"q{number}",
                text=q.text,
                kind="rating" if q.kind == "rating" else "long_text",
                required=q.required,
                sort_order=number * 10,
            )
        for response in OldResponse.objects.filter(survey=old).order_by("submitted_at", "pk"):
            respondent = Respondent.objects.create(
                survey=survey,
                kind="link",
                label=response.respondent_name.strip(),
                group=professions.get(response.profession_id, NO_PROFESSION),
                submitted_at=response.submitted_at,
                updated_at=response.submitted_at,
            )
            if not respondent.label:
                respondent.label = f"リンクからの回答 {respondent.pk}"
                respondent.save(update_fields=["label"])
            answers = []
            for a in OldAnswer.objects.filter(response=response).order_by("pk"):
                value = a.rating if a.rating is not None else a.text.strip()
                if value in (None, "") or a.question_id not in questions:
                    continue
                answers.append(Answer(respondent=respondent, question=questions[a.question_id], value=value))
            Answer.objects.bulk_create(answers)


def backward(apps, schema_editor):
    # Going back, training's 0003 reversal brings its tables back empty; the moved surveys are
    # taken out of the engine so that a forward run does not make them twice.
    apps.get_model("surveys", "Survey").objects.filter(audience="event").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0001_initial"),
        ("surveys", "0002_event_audience_and_rating"),
        ("training", "0002_reference_data"),
    ]
    # Before training drops the old tables (declared here, so training's migrations never name
    # the surveys app).
    run_before = [("training", "0003_remove_event_surveys")]

    operations = [migrations.RunPython(forward, backward)]
