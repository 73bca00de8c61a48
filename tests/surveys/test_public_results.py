"""A survey marked 公開 has an anonymous results page, /surveys/<id>/public/: aggregates only,
counts below PUBLISH_SUPPRESS_BELOW as 「-」, no free text, nothing of who answered."""

import pytest
from django.test import Client

from surveys import results, services
from surveys.models import Question
from tests.surveys.factories import answered, make_survey, question
from tests.training.factories import make_event
from tests.training.factories import make_survey as make_event_survey

pytestmark = pytest.mark.django_db


def _survey(cast, **fields):
    s = make_survey(cast.center1, title="連携の実態調査", **fields)
    question(s, "way", choices=["電話", "FAX"], text="主な連絡手段")
    question(s, "free", kind=Question.Kind.LONG_TEXT, text="ご意見")
    for i in range(6):
        answered(s, {"way": "電話", "free": f"秘密の意見{i}"}, label=f"秘密の事業所{i}")
    for i in range(2):
        answered(s, {"way": "FAX"}, label=f"FAXの事業所{i}", group="病院")
    return s


def test_a_survey_not_marked_public_has_no_public_page(cast, client_for):
    s = _survey(cast)
    assert Client().get(f"/surveys/{s.pk}/public/").status_code == 404
    assert client_for("admin").get(f"/surveys/{s.pk}/public/").status_code == 404


def test_the_public_page_shows_aggregates_with_small_counts_as_a_dash(cast, settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    s = _survey(cast, results_public=True)
    body = Client().get(f"/surveys/{s.pk}/public/").content.decode()
    row = lambda choice: body.split(f'data-choice="{choice}"', 1)[1].split("</tr>", 1)[0]  # noqa: E731
    assert "data-count>-<" in row("FAX").replace('"', "")  # 2 < 5
    # 8 answered: a shown 6 would give the 2 back by subtraction.
    assert "data-count>-<" in row("電話").replace('"', "")
    assert "<span data-public-answers>8</span>件" in body
    assert "秘密の意見" not in body and "秘密の事業所" not in body and "FAXの事業所" not in body
    assert s.link_token not in body and "surveys-chart-data" not in body
    # The same page with a lower threshold shows the 2.
    settings.PUBLISH_SUPPRESS_BELOW = 2
    again = Client().get(f"/surveys/{s.pk}/public/").content.decode()
    assert "data-count>2<" in again.split('data-choice="FAX"', 1)[1].split("</tr>", 1)[0].replace('"', "")
    assert "data-count>6<" in again.split('data-choice="電話"', 1)[1].split("</tr>", 1)[0].replace('"', "")


def test_a_public_event_survey_hides_a_small_mean_and_shows_no_answer_link(cast, settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    survey = make_event_survey(make_event(cast.center1), opens=(2020, 1, 1, 0, 0), closes=(2099, 1, 1, 0, 0))
    survey.results_public = True
    survey.save()
    q1 = survey.questions.first()
    for rating in (5, 4):
        services.submit_link_answer(None, survey, {q1.pk: rating}, profession=cast.nurse)
    staff = {i["question"].key: i for i in results.build(survey)}["q1"]
    assert staff["mean"] == 4.5  # the staff's version has it
    body = Client().get(f"/surveys/{survey.pk}/public/").content.decode()
    assert "data-answer-link" not in body and survey.link_token not in body
    section = body.split('data-question="満足度"', 1)[1].split("</section>", 1)[0].replace('"', "")
    assert "data-mean>4.50<" not in section and "data-mean>-<" in section
    assert "data-rating-count=5>-<" in section


def test_a_coordinator_marks_the_results_public_on_the_survey_form(cast, client_for):
    s = _survey(cast)
    client = client_for("coordinator")
    client.post(
        f"/surveys/{s.pk}/edit/",
        {
            "title": s.title,
            "fiscal_year": 2026,
            "series_key": "",
            "opens_at": "2020-01-01T00:00",
            "closes_at": "2099-01-01T00:00",
            "audience": "facilities",
            "results_public": "on",
        },
    )
    s.refresh_from_db()
    assert s.results_public
    assert f'href="/surveys/{s.pk}/public/"' in client.get(f"/surveys/{s.pk}/").content.decode()
    assert Client().get(f"/surveys/{s.pk}/public/").status_code == 200


def test_a_number_question_with_too_few_answers_says_it_is_withheld_not_that_there_are_none(cast, settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    s = make_survey(cast.center1, title="空床の調査", results_public=True)
    question(s, "beds", kind=Question.Kind.NUMBER, text="空床数")
    question(s, "unused", kind=Question.Kind.NUMBER, text="使われない問い")
    for beds in (3, 1):
        answered(s, {"beds": beds})
    body = Client().get(f"/surveys/{s.pk}/public/").content.decode()
    beds = body.split('data-question="空床数"', 1)[1].split("</section>", 1)[0]
    assert "回答が少ないため、公開用の表示には載せていません。" in beds and "data-sum" not in beds
    unused = body.split('data-question="使われない問い"', 1)[1].split("</section>", 1)[0]
    assert "集計できる回答はありません。" in unused and "data-withheld" not in unused
    # Staff see the figures.
    staff = {i["question"].key: i for i in results.build(s)}["beds"]
    assert staff["stats"]["sum"] == 4 and not staff["withheld"]
