"""The answers workbook gives the time an answer came as the center reads it (Asia/Tokyo)."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from surveys.models import Question
from tests.surveys.factories import answered, make_survey, question

pytestmark = pytest.mark.django_db


def test_answer_times_in_the_workbook_are_japan_time(cast, client_for):
    s = make_survey(cast.center1)
    question(s, "beds", Question.Kind.NUMBER, text="空床数")
    r = answered(s, {"beds": 3}, label="みどりショートステイ")
    utc = datetime.datetime(2026, 12, 2, 3, 54, tzinfo=datetime.UTC)  # 12:54 in Japan
    type(r).objects.filter(pk=r.pk).update(updated_at=utc, submitted_at=utc)

    response = client_for("coordinator").get(f"/surveys/{s.pk}/results/?format=raw")
    sheet = load_workbook(io.BytesIO(response.content))["回答"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("回答日時")] == datetime.datetime(2026, 12, 2, 12, 54)


def test_the_answers_workbook_tells_two_facilities_of_one_name_apart_and_has_a_japanese_name(
    cast, client_for
):
    from tests.resources.factories import make_facility

    s = make_survey(cast.center1)
    question(s, "beds", Question.Kind.NUMBER, text="空床数")
    for address, beds in (("北九州市門司区1-1", 2), ("北九州市八幡西区2-2", 3)):
        facility = make_facility("みどりショートステイ", address=address)
        answered(s, {"beds": beds}, label=facility.name, facility=facility)
    response = client_for("coordinator").get(f"/surveys/{s.pk}/results/?format=raw")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert f'filename="survey-{s.pk}-answers.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["回答"]
    header = [c.value for c in sheet[1]]
    rows = {
        (r[header.index("住所")], r[header.index("空床数")])
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert rows == {("北九州市門司区1-1", 2), ("北九州市八幡西区2-2", 3)}
