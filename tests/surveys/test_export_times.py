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
    assert row[header.index("回答日時")] == "2026-12-02 12:54"
