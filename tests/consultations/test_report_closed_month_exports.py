"""The files of a closed month say what the screen says: 提出値 and 現在値 beside each other; the
月別推移 marks every month from its closing records; the file names are Japanese with an ASCII
fallback."""

import csv
import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from tests.consultations.factories import make_consultation


@pytest.fixture
def closed_october_changed_november(cast, client_for):
    make_consultation(cast.center1, (2026, 10, 5, 10, 0), "ケアマネジャー", ["連絡調整"])
    make_consultation(cast.center1, (2026, 11, 4, 10, 0), "ケアマネジャー", ["連絡調整"])
    make_consultation(cast.center1, (2026, 11, 5, 10, 0), "訪問看護", ["看取りに関する事"])
    coordinator = client_for("coordinator")
    for month in (10, 11):
        coordinator.post("/consultations/reports/close/", {"center": "C01", "year": 2026, "month": month})
    # Logged after November was submitted.
    make_consultation(cast.center1, (2026, 11, 20, 10, 0), "訪問看護", ["看取りに関する事"])
    return cast


def _sheet_rows(response, name):
    return list(load_workbook(io.BytesIO(response.content))[name].iter_rows(values_only=True))


def test_the_xlsx_of_a_closed_month_carries_submitted_and_current_figures(
    client_for, closed_october_changed_november
):
    response = client_for("coordinator").get("/consultations/reports/?year=2026&month=11&format=xlsx")
    rows = _sheet_rows(response, "相談実績")
    header = next(r for r in rows if r and r[0] == "区分")
    cases = next(r for r in rows if r and r[:2] == ("相談件数", "延べ件数"))
    line = dict(zip(header, cases, strict=True))
    assert (line["提出値"], line["現在値"], line["提出後の修正"]) == (2, 3, 1)
    assert line["合計"] == 3  # the centers' columns are the figures as they are now
    notes = [r[0] for r in rows[: rows.index(header)]]
    assert any("提出値・現在値" in n and "現在値 − 提出値" in n for n in notes)


def test_the_csv_of_a_closed_month_carries_submitted_and_current_figures(
    client_for, closed_october_changed_november
):
    response = client_for("coordinator").get("/consultations/reports/?year=2026&month=11&format=csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = table[0]
    assert header[-3:] == ["提出値", "現在値", "提出後の修正"]
    cases = next(r for r in table if r[:2] == ["相談件数", "延べ件数"])
    assert cases[-3:] == ["2", "3", "1"]


def test_the_monthly_sheet_marks_each_month_from_its_closing(client_for, closed_october_changed_november):
    response = client_for("coordinator").get("/consultations/reports/?year=2026&month=11&format=xlsx")
    months = {r[0]: r for r in _sheet_rows(response, "月別推移")}
    assert months["2026年10月"][-1] == "締め済み（C01）"  # not the report's month, closed all the same
    assert months["2026年11月"][-1] == "締め済み（C01）"
    assert months["2026年9月"][-1] == "未締め"


def test_download_names_are_japanese_with_an_ascii_fallback(client_for, closed_october_changed_november):
    response = client_for("coordinator").get("/consultations/reports/?year=2026&month=11&format=xlsx")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="consultation-report-202611-C01.xlsx"; ')
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == "相談実績_2026年11月_東センター.xlsx"
    official = client_for("official")
    name = unquote(
        official.get("/consultations/reports/?fiscal_year=2026&format=csv")["Content-Disposition"].split(
            "''"
        )[1]
    )
    assert name == "相談実績_2026年度_全センター.csv"
    name = unquote(
        official.get("/consultations/reports/?year=2026&month=11&format=xlsx&publish=1")[
            "Content-Disposition"
        ].split("''")[1]
    )
    assert name == "相談実績_2026年11月_全センター_公表用.xlsx"


def test_every_download_gets_an_ascii_fallback_from_the_shared_helper():
    from coordination.exports import content_disposition

    header = content_disposition('取り込めなかった"行".csv')
    assert header.startswith('attachment; filename="download.csv"; filename*=UTF-8')
    assert '"行"' not in header
    assert content_disposition("audit-log.csv") == (
        "attachment; filename=\"audit-log.csv\"; filename*=UTF-8''audit-log.csv"
    )
