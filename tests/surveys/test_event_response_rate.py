"""An event survey's response rate is taken over the event's participants, the same number on
the survey list, the survey's page, its results and the 事業評価 (screen and workbook): its link
respondents exist only once someone answered, so they are no denominator."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from surveys import services
from tests.training.factories import make_event
from tests.training.factories import make_survey as make_event_survey
from training.models import AttendanceCount, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered_3_of_4(cast):
    """4 participants (2 checked in, 2 entered afterwards; one signed up who did not come), 3 answers."""
    event = make_event(cast.center1, when=(2026, 7, 10, 18, 30))
    for name, came in (("A", True), ("B", True), ("C", False)):
        Registration.objects.create(
            event=event,
            name=name,
            organisation="訪問看護ステーション",
            profession=cast.nurse,
            checked_in_at=timezone.now() if came else None,
        )
    AttendanceCount.objects.create(event=event, profession=cast.care_manager, count=2)
    survey = make_event_survey(event)
    now = timezone.now()
    survey.opens_at, survey.closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    survey.save()
    rating = survey.questions.get(text="満足度")
    for point in (5, 4, 4):
        services.submit_link_answer(None, survey, {rating.pk: point})
    return survey


def test_the_list_the_pages_and_the_evaluation_say_3_of_4(answered_3_of_4, client_for):
    survey = answered_3_of_4
    assert survey.response_figures() == (3, 4, 75.0)
    coordinator = client_for("coordinator")
    listed = coordinator.get("/surveys/").content.decode()
    assert f'data-survey="{survey.pk}"' in listed and 'data-response="3/4"' in listed
    results = coordinator.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "参加者 4名" in results and 'data-response-rate="75.0"' in results
    detail = coordinator.get(f"/surveys/{survey.pk}/").content.decode()
    assert 'data-response-rate="75.0"' in detail and "研修の参加者 4名" in detail
    line = f"調査「{survey.title}」: 研修の参加者 4名・回答 3件（回答率 75.0%）"
    html = client_for("official").get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    history = re.sub(r"\s+", " ", re.search(r'data-section="⑦".*?</tr>', html, re.S).group(0))
    assert line in history
    workbook = client_for("official").get("/meetings/evaluation/?fiscal_year=2026&format=xlsx")
    cells = [
        c
        for row in load_workbook(io.BytesIO(workbook.content))["取組事例"].iter_rows(values_only=True)
        for c in row
    ]
    assert any(line in (c or "") for c in cells)


def test_the_survey_list_keeps_its_queries_with_event_surveys(
    answered_3_of_4, cast, client_for, django_assert_num_queries
):
    for title in ("研修2", "研修3"):
        make_event_survey(make_event(cast.center1, title=title))
    c = client_for("coordinator")
    with django_assert_num_queries(4):  # session, user, count, page
        page = c.get("/surveys/")
    assert page.content.decode().count("data-survey=") == 3
