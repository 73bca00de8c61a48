"""surveys 0003 moves the training events' old surveys (training.Survey, Question, Response,
Answer) with their answers onto the engine: the database is taken back to before the move, an
old-style survey is written with the historical models, and the migrations run forward again
(the django-test-migrations way, with Django's own executor)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from surveys import results
from surveys.models import Question, Survey

BEFORE = [("surveys", "0002_event_audience_and_rating"), ("training", "0002_reference_data")]


def _migrate(targets):
    """Migrates to `targets`; returns the historical models of what is applied then."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    return loader.project_state(applied).apps


@pytest.mark.django_db(transaction=True)
def test_old_event_surveys_move_onto_the_engine_with_their_answers():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        Center = old.get_model("coordination", "Center")
        Profession = old.get_model("coordination", "Profession")
        Event = old.get_model("training", "Event")
        OldSurvey = old.get_model("training", "Survey")
        OldQuestion = old.get_model("training", "Question")
        Response = old.get_model("training", "Response")
        OldAnswer = old.get_model("training", "Answer")
        center = Center.objects.create(code="M1", name="移行センター")
        nurse = Profession.objects.create(name="移行看護師")
        tokyo = datetime.timezone(datetime.timedelta(hours=9))
        # 2027-02-10 in Tokyo: 年度 2026.
        event = Event.objects.create(
            center=center, title="移行の研修", starts_at=datetime.datetime(2027, 2, 10, 18, 0, tzinfo=tokyo)
        )
        opens = datetime.datetime(2027, 2, 10, 18, 0, tzinfo=tokyo)
        survey = OldSurvey.objects.create(
            event=event,
            token="old-printed-token",
            intro="ご協力ください",
            opens_at=opens,
            closes_at=opens + datetime.timedelta(days=14),
            anonymous=False,
        )
        rating = OldQuestion.objects.create(survey=survey, text="満足しましたか", kind="rating", sort_order=1)
        text = OldQuestion.objects.create(survey=survey, text="感想", kind="text", sort_order=2)
        first = Response.objects.create(survey=survey, profession=nurse, respondent_name="山田 花子")
        OldAnswer.objects.create(response=first, question=rating, rating=5)
        OldAnswer.objects.create(response=first, question=text, text="よかった")
        second = Response.objects.create(survey=survey)
        OldAnswer.objects.create(response=second, question=rating, rating=3)
        OldAnswer.objects.create(response=second, question=text, text="")

        _migrate(leaves)

        moved = Survey.objects.get(event_id=event.pk)
        assert (moved.audience, moved.link_token, moved.center_id, moved.fiscal_year) == (
            "event",
            "old-printed-token",
            center.pk,
            2026,
        )
        assert (moved.title, moved.description, moved.anonymous) == (
            "移行の研修 アンケート",
            "ご協力ください",
            False,
        )
        assert list(moved.questions.values_list("key", "kind", "text")) == [
            ("q1", Question.Kind.RATING, "満足しましたか"),
            ("q2", Question.Kind.LONG_TEXT, "感想"),
        ]
        respondents = list(moved.respondents.order_by("pk"))
        assert [(r.label, r.group) for r in respondents] == [
            ("山田 花子", "移行看護師"),
            (f"リンクからの回答 {respondents[1].pk}", "職種の回答なし"),
        ]
        assert all(r.submitted_at for r in respondents)
        items = {i["question"].key: i for i in results.build(moved)}
        assert [n for _p, _l, n in items["q1"]["rating"]] == [0, 0, 1, 0, 1]
        assert items["q1"]["mean"] == 4
        assert items["q2"]["texts"] == ["よかった"]  # the empty text was no answer
    finally:
        _migrate(leaves)
