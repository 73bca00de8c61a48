"""The tables workbook in two versions the staff choose from: 公開用 (small counts 「－」) and 内部用
(every count, to share with the center's partners), each named so in the file and its first line."""

import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from tests.surveys.factories import answered, make_survey, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_answers(cast):
    s = make_survey(cast.center1, title="ケアマネ調査")
    question(s, "q", choices=["はい", "いいえ"], text="連携できていますか")
    for value in ("はい", "はい", "いいえ"):
        answered(s, {"q": value})
    return s


def _rows(response):
    return list(load_workbook(io.BytesIO(response.content))["集計表"].iter_rows(values_only=True))


def test_the_staff_get_the_public_and_the_internal_tables(three_answers, client_for):
    staff = client_for("coordinator")
    page = staff.get(f"/surveys/{three_answers.pk}/results/").content.decode()
    assert "集計表をExcelで（公開用" in page and "集計表をExcelで（内部用" in page
    public = staff.get(f"/surveys/{three_answers.pk}/results/?format=tables")
    internal = staff.get(f"/surveys/{three_answers.pk}/results/?format=tables_internal")
    assert "集計表_公開用.xlsx" in unquote(public["Content-Disposition"])
    assert "集計表_内部用.xlsx" in unquote(internal["Content-Disposition"])
    assert f'filename="survey-{three_answers.pk}-tables-internal.xlsx"' in internal["Content-Disposition"]
    public_rows, internal_rows = _rows(public), _rows(internal)
    assert "公開用" in public_rows[0][0] and "内部用" in internal_rows[0][0]
    assert public_rows[3:5] == [(None, "はい", "－", "－"), (None, "いいえ", "－", "－")]
    counts = {r[1]: (r[2], r[3]) for r in internal_rows[2:] if r[1]}
    # The shares are numbers (of the three who answered), with the 回答者数 under the choices.
    assert counts == {"はい": (2, 66.7), "いいえ": (1, 33.3), "回答者数": (3, None)}


def test_the_public_view_offers_only_the_public_tables(three_answers, client_for):
    page = client_for("coordinator").get(f"/surveys/{three_answers.pk}/results/?view=public").content.decode()
    assert "?format=tables" in page and "tables_internal" not in page and "?format=raw" not in page
