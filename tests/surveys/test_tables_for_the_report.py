"""The 集計表 workbook carries what a coordinator puts in the 報告書: each choice and rating
question's counts with their 割合 (% of those who answered it, one decimal) and its 回答者数, and
for a survey whose respondents give their 職種 a 職種別 sheet. The 公開用 version hides small counts
as the result page does; the 内部用 one, for staff and partners, keeps every count."""

import io

import pytest
from openpyxl import load_workbook

from surveys.models import Question, Respondent, Survey
from tests.surveys.factories import answered, make_survey, question
from tests.training.factories import make_event
from tests.training.factories import make_survey as make_event_survey

pytestmark = pytest.mark.django_db

OPEN = {"opens": (2020, 1, 1, 0, 0), "closes": (2099, 1, 1, 0, 0)}
NURSE, CARE_MANAGER, NONE = "看護師", "介護支援専門員", "職種の回答なし"


def _workbook(client, survey, fmt):
    response = client.get(f"/surveys/{survey.pk}/results/?format={fmt}")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _block(ws, title):
    """The rows of one question's block: from its title row to the next title row."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    end = next((i for i in range(start + 1, len(rows)) if rows[i][0]), len(rows))
    return rows[start:end]


def _cell(ws, title, label, column):
    """The cell of a question's row `label` in the column headed `column` (row 2 is the header)."""
    header = [c.value for c in ws[2]]
    rows = list(ws.iter_rows(min_row=1))
    start = next(i for i, r in enumerate(rows) if r[0].value == title)
    for r in rows[start + 1 :]:
        if r[0].value:
            break
        if r[1].value == label:
            return r[header.index(column)]
    raise AssertionError(f"{title} / {label} not found")


@pytest.fixture
def event_survey(cast):
    event = make_event(cast.center1)
    survey = make_event_survey(
        event,
        questions=[("満足度", Question.Kind.RATING), ("感想", Question.Kind.LONG_TEXT)],
        **OPEN,
    )
    question(survey, "place", text="会場", choices=["よい", "ふつう", "悪い"])
    question(survey, "topics", kind=Question.Kind.MULTIPLE, text="今後のテーマ", choices=["看取り", "認知症"])
    # Six answers by link: three nurses, two care managers, one who gave no 職種; the last nurse
    # skipped 会場.
    for group, rating, place, topics in [
        (NURSE, 5, "よい", ["看取り", "認知症"]),
        (NURSE, 4, "よい", ["看取り"]),
        (NURSE, 5, None, ["認知症"]),
        (CARE_MANAGER, 3, "ふつう", ["看取り"]),
        (CARE_MANAGER, 5, "よい", []),
        (NONE, 4, "悪い", ["看取り"]),
    ]:
        values = {"q1": rating, "topics": topics}
        if place:
            values["place"] = place
        answered(survey, values, group=group, label="", kind=Respondent.Kind.LINK)
    return survey


def test_the_internal_tables_give_counts_shares_and_the_number_who_answered(event_survey, client_for):
    ws = _workbook(client_for("coordinator"), event_survey, "tables_internal")["集計表"]
    assert [c.value for c in ws[2]] == ["質問", "選択肢", "件数", "割合（%）"]
    # 会場: five of the six answered it; 3 of 5 = 60.0 %, kept a number shown with one decimal.
    share = _cell(ws, "会場", "よい", "割合（%）")
    assert _cell(ws, "会場", "よい", "件数").value == 3 and share.value == 60.0
    assert share.number_format == "0.0"
    assert _cell(ws, "会場", "ふつう", "割合（%）").value == 20.0
    assert _cell(ws, "会場", "回答者数", "件数").value == 5
    # A multiple choice says so, and its shares are of those who answered (4 of 6 chose 看取り).
    assert _cell(ws, "今後のテーマ（複数回答）", "看取り", "割合（%）").value == 66.7
    assert _cell(ws, "今後のテーマ（複数回答）", "回答者数", "件数").value == 6
    # A rating's points have their shares too (5: three of six), beside its mean.
    assert _cell(ws, "満足度", "5 そう思う", "件数").value == 3
    assert _cell(ws, "満足度", "5 そう思う", "割合（%）").value == 50.0
    assert _cell(ws, "満足度", "1 そう思わない", "割合（%）").value == 0.0
    assert _cell(ws, "満足度", "平均", "件数").value == 4.33
    assert _cell(ws, "満足度", "回答者数", "件数").value == 6


def test_the_by_profession_sheet_breaks_each_question_down_by_the_attendees_profession(
    event_survey, client_for
):
    wb = _workbook(client_for("coordinator"), event_survey, "tables_internal")
    assert wb.sheetnames == ["集計表", "職種別"]
    ws = wb["職種別"]
    assert "職種別" in ws["A1"].value and "内部用" in ws["A1"].value
    # One column a 職種 in the 職種 order (看護師 before 介護支援専門員), who gave none last, and
    # the total.
    assert [c.value for c in ws[2]] == ["質問", "選択肢", NURSE, CARE_MANAGER, NONE, "合計"]
    place = _block(ws, "会場")
    assert place[1:] == [
        (None, "よい", 2, 1, 0, 3),
        (None, "ふつう", 0, 1, 0, 1),
        (None, "悪い", 0, 0, 1, 1),
        (None, "回答者数", 2, 2, 1, 5),
    ]
    rating = _block(ws, "満足度")
    assert rating[-3] == (None, "5 そう思う", 2, 1, 0, 3)
    assert rating[-2] == (None, "平均", 4.67, 4.0, 4.0, None)
    assert rating[-1] == (None, "回答者数", 3, 2, 1, 6)
    assert _block(ws, "今後のテーマ（複数回答）")[-1] == (None, "回答者数", 3, 2, 1, 6)
    # Free text has no breakdown.
    assert not any(r[0] == "感想" for r in ws.iter_rows(values_only=True))


def test_the_public_tables_hide_small_counts_their_shares_and_breakdowns(cast, client_for):
    event = make_event(cast.center1)
    survey = make_event_survey(event, questions=[("満足度", Question.Kind.RATING)], **OPEN)
    question(survey, "place", text="会場", choices=["よい", "悪い"])
    # Ten nurses and five care managers: 会場 splits 10 / 5 (no small count), 満足度 has one 3.
    for i in range(15):
        group = NURSE if i < 10 else CARE_MANAGER
        answered(
            survey,
            {"q1": 3 if i == 0 else 5, "place": "よい" if i < 10 else "悪い"},
            group=group,
            label="",
            kind=Respondent.Kind.LINK,
        )
    wb = _workbook(client_for("coordinator"), survey, "tables")
    ws = wb["集計表"]
    assert _cell(ws, "会場", "よい", "割合（%）").value == 66.7
    assert _cell(ws, "会場", "回答者数", "件数").value == 15
    # One 3 among fifteen: its count and share are 「－」, and so is the point hiding it.
    assert _cell(ws, "満足度", "3 どちらとも", "件数").value == "－"
    assert _cell(ws, "満足度", "3 どちらとも", "割合（%）").value == "－"
    by_profession = wb["職種別"]
    assert "公開用" in by_profession["A1"].value
    assert _block(by_profession, "会場")[1:] == [
        (None, "よい", 10, 0, 10),
        (None, "悪い", 0, 5, 5),
        (None, "回答者数", 10, 5, 15),
    ]
    # 満足度 by 職種 would give the hidden 3 back: left out, and said so.
    assert _block(by_profession, "満足度") == [
        ("満足度", "件数の少ない区分が特定されないよう、公開用には載せていません", None, None, None)
    ]
    # The internal version of the same survey keeps it.
    internal = _workbook(client_for("coordinator"), survey, "tables_internal")["職種別"]
    assert _block(internal, "満足度")[3] == (None, "3 どちらとも", 1, 0, 1)


def test_a_survey_of_facilities_has_no_by_profession_sheet(cast, client_for):
    survey = make_survey(cast.center1, title="施設調査")
    assert survey.audience == Survey.Audience.FACILITIES
    question(survey, "q", choices=["はい", "いいえ"], text="連携できていますか")
    answered(survey, {"q": "はい"})
    wb = _workbook(client_for("coordinator"), survey, "tables_internal")
    assert wb.sheetnames == ["集計表"]
    assert _cell(wb["集計表"], "連携できていますか", "はい", "割合（%）").value == 100.0


def test_the_workbooks_are_not_for_outsiders(event_survey, client_for):
    url = f"/surveys/{event_survey.pk}/results/?format=tables_internal"
    assert client_for("anonymous").get(url).status_code == 302
    assert client_for("professional").get(url).status_code == 403
    assert client_for("coordinator2").get(url).status_code == 404
