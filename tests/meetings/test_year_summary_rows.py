"""年度のまとめ: each 段階's 小計 right under its kinds (the page and the workbook); the 課題
register's workbook has a Japanese name as every other download."""

import io
import re
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from meetings.models import Tier
from tests.meetings.factories import make_issue, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(cast):
    make_meeting(cast.center1, tier=Tier.PRIMARY, kind_name="打ち合わせ会")
    make_meeting(cast.center1, tier=Tier.PRIMARY, kind_name="ヒアリング")
    make_meeting(cast.center1, tier=Tier.SECONDARY, kind_name="同行訪問")
    return cast


EXPECTED = [
    ("一次連携", "打ち合わせ会", 1),
    ("一次連携", "ヒアリング", 1),
    ("一次連携", "小計", 2),
    ("二次連携", "同行訪問", 1),
    ("二次連携", "小計", 1),
    ("三次連携", "小計", 0),
    ("合計", None, 3),
]


def test_the_subtotals_come_under_each_tier(client_for, meetings):
    client = client_for("coordinator")
    html = client.get("/meetings/years/?fiscal_year=2026").content.decode()
    table = html.split('id="h-ys-meetings"', 1)[1].split("</table>", 1)[0]
    rows = [
        (tier, kind, int(n))
        for tier, kind, n in re.findall(
            r'<th scope="row">(.+?)</th><td>(.+?)</td><td class="num">(\d+)</td>', table
        )
    ]
    assert rows == [r for r in EXPECTED if r[0] != "合計"]
    wb = load_workbook(io.BytesIO(client.get("/meetings/years/?fiscal_year=2026&format=xlsx").content))
    assert EXPECTED == list(wb["会議"].iter_rows(min_row=3, values_only=True))


def test_the_issue_register_workbook_has_a_japanese_name(client_for, cast):
    make_issue(cast.center1)
    response = client_for("coordinator").get("/meetings/issues/?format=xlsx")
    disposition = response["Content-Disposition"]
    assert re.search(r"filename\*=UTF-8''.+", disposition)
    assert re.search(r"課題一覧_\d{8}\.xlsx$", unquote(disposition))
    assert re.search(r'filename="issues-\d{8}\.xlsx"', disposition)


def test_the_year_workbook_is_named_in_japanese_and_names_the_center_and_dates_as_japanese_excel(
    client_for, cast
):
    make_issue(cast.center1, day=(2026, 6, 1))
    response = client_for("coordinator").get("/meetings/years/?fiscal_year=2026&format=xlsx")
    disposition = unquote(response["Content-Disposition"])
    assert (
        disposition.endswith("会議・課題の実績_2026年度.xlsx")
        and 'filename="meetings-FY2026.xlsx"' in disposition
    )
    sheet = load_workbook(io.BytesIO(response.content))["提起された課題"]
    row = next(sheet.iter_rows(min_row=3, max_row=3))
    assert row[0].value == cast.center1.name  # not its code (C01), which only the portal uses
    assert row[4].number_format == "yyyy/m/d"


def test_the_evaluation_workbook_is_named_in_japanese(client_for, cast):
    disposition = unquote(
        client_for("official").get("/meetings/evaluation/?fiscal_year=2026&format=xlsx")[
            "Content-Disposition"
        ]
    )
    assert disposition.endswith("事業評価_2026年度.xlsx")
