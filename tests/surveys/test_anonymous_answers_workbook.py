"""A 無記名 survey answered by its open link: the answers are the respondents' alone, so the
staff's workbook (?format=raw) gives what their results page gives, the counts per question and
choice and the free text as lists sorted per question, never a row per respondent. A survey that
asks for names, and a survey of facilities, keep their answers one by one."""

import datetime
import io
import re
from urllib.parse import unquote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from surveys import services
from surveys.models import Question
from tests.surveys.factories import answered, make_survey, question
from tests.training.factories import make_event
from tests.training.factories import make_survey as make_event_survey

pytestmark = pytest.mark.django_db

# Three people; each one's answers, in the order they came.
PEOPLE = [
    {"はい・いいえ": "はい", "良かった点": "わかりやすかった", "改善点": "もっと時間がほしい", "人数": 3},
    {"はい・いいえ": "いいえ", "良かった点": "事例が身近だった", "改善点": "", "人数": 5},
    {"はい・いいえ": "はい", "良かった点": "ありがたい", "改善点": "会場が寒かった", "人数": 10},
]


def link_answer(survey, values_by_text, name="", profession=None):
    by_text = {q.text: q.pk for q in survey.questions.all()}
    values = {by_text[t]: v for t, v in values_by_text.items() if v != ""}
    return services.submit_link_answer(None, survey, values, profession=profession, name=name)


def link_survey(cast, anonymous=True):
    survey = make_survey(cast.center1, audience="link", anonymous=anonymous)
    question(survey, "q1", choices=["はい", "いいえ"], text="はい・いいえ")
    question(survey, "q2", kind=Question.Kind.LONG_TEXT, text="良かった点")
    question(survey, "q3", kind=Question.Kind.SHORT_TEXT, text="改善点")
    question(survey, "q4", kind=Question.Kind.NUMBER, text="人数")
    for values in PEOPLE:
        link_answer(survey, values, name="" if anonymous else "山田 花子")
    return survey


def workbook(client, survey):
    response = client.get(f"/surveys/{survey.pk}/results/?format=raw")
    assert response.status_code == 200
    return response, load_workbook(io.BytesIO(response.content))


def rows(sheet):
    return list(sheet.iter_rows(values_only=True))


def test_the_workbook_of_an_anonymous_survey_has_counts_and_no_row_per_respondent(cast, client_for):
    survey = link_survey(cast)
    response, book = workbook(client_for("coordinator"), survey)
    assert "回答の集計" in unquote(response["Content-Disposition"])
    assert "回答" not in book.sheetnames  # the sheet of one row per respondent
    assert book.sheetnames == ["集計", "自由記述"]
    table = rows(book["集計"])
    assert "無記名のため、一人ずつの回答は載せていません" in table[0][0]
    assert (None, "はい", 2, 66.7) in table and (None, "いいえ", 1, 33.3) in table
    start = [i for i, r in enumerate(table) if r[0] == "人数"][0]
    assert [list(r[1:3]) for r in table[start + 1 : start + 6]] == [
        ["合計", 18],
        ["平均", 6],
        ["最小", 3],
        ["最大", 10],
        ["回答者数", 3],
    ]
    # Nothing of when each answered, nor a respondent's number.
    cells = " ".join(str(c) for r in table for c in r if c is not None)
    assert "回答日時" not in cells and not re.search(r"回答 \d", cells)


def test_the_free_text_is_sorted_per_question_so_that_no_line_is_one_persons(cast, client_for):
    survey = link_survey(cast)
    _, book = workbook(client_for("coordinator"), survey)
    header, *texts = rows(book["自由記述"])[1:]
    assert header == ("質問", "回答")
    assert texts == [
        ("良かった点", "ありがたい"),
        ("良かった点", "わかりやすかった"),
        ("良かった点", "事例が身近だった"),
        ("改善点", "もっと時間がほしい"),
        ("改善点", "会場が寒かった"),
    ]


def test_the_results_page_lists_the_free_text_in_the_same_sorted_order(cast, client_for):
    survey = link_survey(cast)
    page = client_for("coordinator").get(f"/surveys/{survey.pk}/results/").content.decode()
    section = page.split('data-question="良かった点"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r"<li>([^<]+)</li>", section) == ["ありがたい", "わかりやすかった", "事例が身近だった"]
    assert "回答の集計と自由記述をExcelで" in page and "data-raw-answers" in page


def test_an_anonymous_event_survey_gives_the_counts_by_profession_not_by_person(cast, client_for):
    event = make_event(cast.center1)
    survey = make_event_survey(event, anonymous=True)
    now = timezone.now()
    survey.opens_at, survey.closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    survey.save()
    link_answer(survey, {"満足度": 5, "感想": "よかった"}, profession=cast.nurse)
    link_answer(survey, {"満足度": 3}, profession=cast.care_manager)
    _, book = workbook(client_for("coordinator"), survey)
    assert book.sheetnames == ["集計", "職種別", "自由記述"]
    by_profession = rows(book["職種別"])
    assert by_profession[1][:4] == ("質問", "選択肢", "看護師", "介護支援専門員")
    assert [r[1] for r in rows(book["自由記述"])[2:]] == ["よかった"]


def test_a_named_link_survey_keeps_its_answers_one_by_one(cast, client_for):
    survey = link_survey(cast, anonymous=False)
    _, book = workbook(client_for("coordinator"), survey)
    assert book.sheetnames == ["回答"]
    header, *answers = rows(book["回答"])
    assert header[:3] == ("回答者", "区分", "回答日時") and len(answers) == 3
    assert [r[0] for r in answers] == ["山田 花子"] * 3
    page = client_for("coordinator").get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "回答の一覧をExcelで" in page


def test_a_facility_survey_keeps_its_sheet_of_one_row_per_facility(cast, client_for):
    survey = make_survey(cast.center1)
    question(survey, "q1", choices=["はい", "いいえ"], text="はい・いいえ")
    answered(survey, {"q1": "はい"}, label="みどり訪問看護")
    answered(survey, {"q1": "いいえ"}, label="さくら薬局")
    _, book = workbook(client_for("coordinator"), survey)
    assert book.sheetnames == ["回答"]
    assert sorted(r[0] for r in rows(book["回答"])[1:]) == ["さくら薬局", "みどり訪問看護"]


def test_officials_still_get_no_answers_workbook_of_an_anonymous_survey(cast, client_for):
    survey = link_survey(cast)
    assert client_for("official").get(f"/surveys/{survey.pk}/results/?format=raw").status_code == 403


def test_matrix_and_date_questions_give_their_counts_and_range(cast, client_for):
    survey = make_survey(cast.center1, audience="link")
    question(
        survey, "m", Question.Kind.MATRIX, text="連絡", choices=["した", "しない"], rows=["A病院", "B病院"]
    )
    question(survey, "d", Question.Kind.DATE, text="退院日")
    for matrix, day in (
        ({"A病院": "した", "B病院": "しない"}, "2026-08-03"),
        ({"A病院": "した"}, "2026-07-01"),
    ):
        link_answer(survey, {"連絡": matrix, "退院日": day})
    table = rows(workbook(client_for("coordinator"), survey)[1]["集計"])
    assert [r[:3] for r in table[2:]] == [
        ("連絡：A病院", None, None),
        (None, "した", 2),
        (None, "しない", 0),
        ("連絡：B病院", None, None),
        (None, "した", 0),
        (None, "しない", 1),
        (None, "回答者数", 2),
        ("退院日", None, None),
        (None, "最も早い", "2026-07-01"),
        (None, "最も遅い", "2026-08-03"),
        (None, "回答者数", 2),
    ]
