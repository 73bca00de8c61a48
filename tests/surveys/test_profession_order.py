"""A survey whose respondents' groups are 職種 (an event's attendees, professionals) lists them in
the Profession lookup's order, as every other 職種 list of the portal does (医師, 薬剤師, 看護師,
介護支援専門員 …), on the result page and in the workbook, who gave none last; other groups (施設種別)
stay by name."""

import io
import re

import pytest
from openpyxl import load_workbook

from coordination.models import Profession
from surveys import results
from surveys.models import Question, Respondent, Survey
from tests.surveys.factories import answered, make_survey, question
from tests.training.factories import make_event
from tests.training.factories import make_survey as make_event_survey

pytestmark = pytest.mark.django_db

OPEN = {"opens": (2020, 1, 1, 0, 0), "closes": (2099, 1, 1, 0, 0)}
NONE = "職種の回答なし"
IN_ORDER = ["医師", "薬剤師", "看護師", "介護支援専門員", NONE]


@pytest.fixture
def professions(cast):
    # The cast has 看護師 (4) and 介護支援専門員 (6); by their code points the names sort
    # 介護支援専門員, 医師, 看護師, 薬剤師 — not the order staff read everywhere else.
    Profession.objects.create(name="医師", sort_order=1)
    Profession.objects.create(name="薬剤師", sort_order=3)


@pytest.fixture
def event_survey(cast, professions):
    survey = make_event_survey(make_event(cast.center1), questions=[("満足度", Question.Kind.RATING)], **OPEN)
    question(survey, "place", text="会場", choices=["よい", "悪い"])
    for group in ("介護支援専門員", NONE, "医師", "看護師", "薬剤師"):
        answered(survey, {"q1": 4, "place": "よい"}, group=group, label="", kind=Respondent.Kind.LINK)
    return survey


def test_the_result_page_lists_the_professions_in_their_order(event_survey, client_for):
    page = client_for("coordinator").get(f"/surveys/{event_survey.pk}/results/").content.decode()
    rating_table = page.split('data-profession-question="満足度"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'data-profession="([^"]+)"', rating_table) == IN_ORDER
    items = {i["question"].text: i for i in results.build(event_survey)}
    assert items["会場"]["group_header"] == IN_ORDER
    assert [g for g, _n, _m in items["満足度"]["rating_groups"]] == IN_ORDER


def test_the_workbooks_by_profession_sheet_has_the_same_order(event_survey, client_for):
    for fmt in ("tables_internal", "tables"):
        response = client_for("coordinator").get(f"/surveys/{event_survey.pk}/results/?format={fmt}")
        ws = load_workbook(io.BytesIO(response.content))["職種別"]
        header = [c.value for c in ws[2]]
        if fmt == "tables_internal":
            assert header == ["質問", "選択肢", *IN_ORDER, "合計"]
        else:  # the public version: one answer each, every breakdown withheld
            assert header == ["質問", "選択肢"]


def test_a_professionals_survey_gives_its_response_rate_by_profession_in_that_order(cast, professions):
    s = make_survey(cast.center1, audience=Survey.Audience.PROFESSIONALS)
    question(s, "q", choices=["はい"])
    for group in ("介護支援専門員", "職種の登録なし", "医師", "看護師"):
        answered(s, {"q": "はい"}, group=group, kind=Respondent.Kind.PROFESSIONAL)
    groups, _whole = s.response_groups()
    assert [g[0] for g in groups] == ["医師", "看護師", "介護支援専門員", "職種の登録なし"]


def test_a_facility_survey_keeps_its_kinds_by_name(cast):
    s = make_survey(cast.center1)
    question(s, "q", choices=["はい"])
    for group in ("病院", "居宅介護支援事業所", "訪問看護ステーション"):
        answered(s, {"q": "はい"}, group=group)
    item = results.build(s)[0]
    assert item["group_header"] == sorted(["病院", "居宅介護支援事業所", "訪問看護ステーション"])
