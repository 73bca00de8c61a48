"""The 月報's CSV, its XLSX and the page say the same: the month's CSV carries the 年度累計 columns
the XLSX and the page show, the fiscal year's CSV says up to which day 窓口開設日数 is counted (as
the page does), and the XLSX 月別推移 sheet names the 年度 as the page's heading does (令和)."""

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from coordination import dates
from tests.consultations.factories import make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def months(cast):
    for day in (3, 6, 7):
        make_consultation(cast.center1, (2026, 7, day, 10, 0), "ケアマネジャー", ["その他"])
    make_consultation(cast.center2, (2026, 7, 8, 10, 0), "訪問看護", ["看取りに関する事"])
    make_consultation(cast.center1, (2026, 8, 3, 10, 0), "ケアマネジャー", ["連絡調整"])
    make_consultation(cast.center2, (2026, 8, 4, 10, 0), "ケアマネジャー", ["その他"])
    return cast


def csv_table(client, query):
    body = client.get(f"/consultations/reports/?{query}&format=csv").content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def xlsx_rows(client, query, sheet="相談実績"):
    book = load_workbook(io.BytesIO(client.get(f"/consultations/reports/?{query}&format=xlsx").content))
    return list(book[sheet].iter_rows(values_only=True))


def as_text(row):
    return ["" if v is None else str(v) for v in row]


def test_the_months_csv_has_the_year_to_date_columns_of_the_xlsx(client_for, months):
    client = client_for("official")
    table = csv_table(client, "year=2026&month=8")
    rows = xlsx_rows(client, "year=2026&month=8")
    head = next(i for i, r in enumerate(rows) if r[0] == "区分")
    assert table[0] == list(rows[head])
    assert table[0][7:] == ["年度累計", "累計 C01", "累計 C02", "累計 最少", "累計 最大"]
    # Every line of the CSV is the XLSX's line, 小計 lines included.
    xlsx_lines = {tuple(r[:2]): as_text(r) for r in rows[head + 1 :]}
    lines = [r for r in table[1:] if r[0] != "注記"]
    assert lines and all(r == xlsx_lines[tuple(r[:2])] for r in lines)
    cases = next(r for r in lines if r[:2] == ["相談件数", "延べ件数"])
    assert cases[2] == "2" and cases[7:10] == ["6", "4", "2"]  # August; April–August, C01, C02


def test_the_months_csv_year_to_date_is_the_pages(client_for, months):
    client = client_for("official")
    html = client.get("/consultations/reports/?year=2026&month=8").content.decode()
    row = re.search(r'data-section="相談者" data-item="合計"[^>]*>.*?</tr>', html, re.S).group(0)
    # 合計, C01, C02, 最少, 最大, then the 年度累計, 累計 最少, 累計 最大.
    page_cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    line = next(r for r in csv_table(client, "year=2026&month=8") if r[:2] == ["相談者", "合計"])
    assert page_cells[5:] == [line[7], line[10], line[11]] == ["6", "2", "4"]


def test_the_fiscal_years_csv_says_up_to_when_open_days_are_counted(client_for, months, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 12, 2))
    client = client_for("official")
    said = "窓口開設日数は2026年12月2日までの日数（相談件数と同じ日まで）"
    assert said in client.get("/consultations/reports/?fiscal_year=2026").content.decode()
    table = csv_table(client, "fiscal_year=2026")
    notes = [r[1] for r in table if r[0] == "注記"]
    assert said in notes
    # The note rows are as wide as the table, after its lines.
    assert all(len(r) == len(table[0]) for r in table)
    assert table[-len(notes) :] == [r for r in table if r[0] == "注記"]
    # A 年度 that has ended is counted whole: nothing to say.
    past = [r[1] for r in csv_table(client, "fiscal_year=2025") if r[0] == "注記"]
    assert not any("窓口開設日数" in n for n in past)


def test_the_month_sheet_names_the_fiscal_year_as_the_pages_heading(client_for, months):
    client = client_for("official")
    html = client.get("/consultations/reports/?year=2026&month=8").content.decode()
    heading = re.search(r"<h2 data-monthly-heading>(.*?)</h2>", html).group(1)
    assert heading == "月別の相談件数 令和8年度（2026年度）"
    for query in ("year=2026&month=8", "fiscal_year=2026"):
        title = xlsx_rows(client, query, "月別推移")[0][0]
        assert title.endswith(heading), title
        assert title.startswith("東センター・西センター ")


def page_rows(html):
    return re.findall(r'<tr class="row--[^"]*" data-section="([^"]*)" data-item="([^"]*)"', html)


@pytest.mark.parametrize(
    "query",
    ["year=2026&month=8", "fiscal_year=2026", "fiscal_year=2026&center=C02", "year=2026&month=8&publish=1"],
)
def test_the_csv_and_xlsx_have_the_pages_rows_subtotals_included_in_its_order(client_for, months, query):
    client = client_for("official")
    shown = page_rows(
        client.get("/consultations/reports/?" + query.replace("&publish=1", "")).content.decode()
    )
    assert ("相談内容", "医療/小計") in shown and ("相談内容", "介護/小計") in shown
    lines = [tuple(r[:2]) for r in csv_table(client, query)[1:] if r[0] != "注記"]
    assert lines == shown
    rows = xlsx_rows(client, query)
    head = next(i for i, r in enumerate(rows) if r[0] == "区分")
    assert [tuple(r[:2]) for r in rows[head + 1 :]] == shown
    # A 小計 is the sum of its 大分類's items, in the CSV as on the page.
    table = csv_table(client, query)
    if "publish" not in query:
        total = table[0].index("合計")
        medical = [int(r[total]) for r in table if r[0] == "相談内容" and r[1].startswith("医療/")]
        assert medical[-1] == sum(medical[:-1])
