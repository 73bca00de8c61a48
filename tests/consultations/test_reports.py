"""Every tally against hand-counted fixtures."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from consultations.reports import Period, Report
from coordination.models import Center
from tests.consultations.factories import coordinate, make_consultation
from tests.resources.factories import make_facility


@pytest.fixture
def august(cast):
    c1, c2 = cast.center1, cast.center2
    Center.objects.create(code="C03", name="空センター", sort_order=3)  # no consultations at all
    f = make_facility("受入病院", kind_code="hospital")
    a = make_consultation(
        c1,
        (2026, 8, 3, 10, 15),
        "ケアマネジャー",
        ["医療/訪問診療できる医療機関に関する事", "介護/ケアマネに関する事", "連絡調整"],
    )
    coordinate(a, f, "declined", reason="満床")
    coordinate(a, f, "accepted")
    make_consultation(
        c1,
        (2026, 8, 31, 23, 59),
        "訪問看護",
        ["医療/訪問診療できる医療機関に関する事"],
        method="fax",
        consultant_location="outside",
        status="done",
    )
    make_consultation(c2, (2026, 8, 1, 0, 0), "ケアマネジャー", ["看取りに関する事"], status="continuing")
    # Outside August (Tokyo time): 9/1 00:30 JST, and 7/31 23:59 JST.
    make_consultation(c1, (2026, 9, 1, 0, 30), "ケアマネジャー", ["その他"])
    make_consultation(c2, (2026, 7, 31, 23, 59), "ケアマネジャー", ["その他"])
    return cast


def rows(client, query):
    response = client.get("/consultations/reports/?" + query + "&format=csv")
    assert response.status_code == 200
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    # The notes follow the lines (区分 注記).
    header, data = table[0], [r for r in table[1:] if r[0] != "注記"]
    numbers = lambda cells: [int(c) if c else None for c in cells]  # noqa: E731 — an empty 合計: see below
    return header, {(r[0], r[1]): dict(zip(header[2:], numbers(r[2:]), strict=True)) for r in data}


MONTH_COLUMNS = ["合計", "C01", "C02", "C03", "最少", "最大"]


def test_month_report_csv_columns_and_tallies(client_for, august):
    header, t = rows(client_for("official"), "year=2026&month=8")
    assert header[:8] == ["区分", "項目", *MONTH_COLUMNS]
    # The month's columns; the 年度累計 ones follow (test_report_csv_notes_and_range).
    t = {key: {k: v for k, v in cells.items() if k in MONTH_COLUMNS} for key, cells in t.items()}
    # 窓口開設日数, August 2026: 21 weekdays − 山の日 (8/11) = 20; C01 also closes 8/13 and 8/14.
    # Days do not add up across centers: the 合計 is empty where the centers' days differ.
    assert t[("窓口開設日数", "窓口開設日数")] == {
        "合計": None,
        "C01": 18,
        "C02": 20,
        "C03": 20,
        "最少": 18,
        "最大": 20,
    }
    assert ("窓口開設日数", "合計") not in t
    # C03 has logged nothing in August: its column says 0, 最少/最大 are over C01 and C02.
    assert t[("相談者", "ケアマネジャー")] == {
        "合計": 2,
        "C01": 1,
        "C02": 1,
        "C03": 0,
        "最少": 1,
        "最大": 1,
    }
    assert t[("相談者", "訪問看護")] == {"合計": 1, "C01": 1, "C02": 0, "C03": 0, "最少": 0, "最大": 1}
    assert t[("相談者", "合計")] == {"合計": 3, "C01": 2, "C02": 1, "C03": 0, "最少": 1, "最大": 2}
    # 重複可: consultation A counts under 医療, 介護 and 連絡調整.
    assert t[("相談内容", "医療/訪問診療できる医療機関に関する事")]["C01"] == 2
    assert t[("相談内容", "介護/ケアマネに関する事")]["C01"] == 1
    assert t[("相談内容", "連絡調整")]["合計"] == 1
    assert t[("相談内容", "看取りに関する事")] == {
        "合計": 1,
        "C01": 0,
        "C02": 1,
        "C03": 0,
        "最少": 0,
        "最大": 1,
    }
    assert t[("相談内容", "その他")]["合計"] == 0
    assert t[("相談内容", "合計")] == {"合計": 5, "C01": 4, "C02": 1, "C03": 0, "最少": 1, "最大": 4}
    assert t[("受付方法", "FAX")]["C01"] == 1 and t[("受付方法", "電話")]["合計"] == 2
    assert t[("相談者の所在", "圏域外")]["合計"] == 1
    assert t[("状態", "完了")]["合計"] == 1 and t[("状態", "継続")]["C02"] == 1
    assert t[("連絡調整", "受入可")]["C01"] == 1 and t[("連絡調整", "受入不可")]["C01"] == 1
    assert t[("連絡調整", "合計")]["合計"] == 2


def test_fiscal_year_report_and_one_center(client_for, august):
    _, t = rows(client_for("admin"), "fiscal_year=2026&center=C01")
    # 8/3, 8/31, 9/1; one center: no 最少/最大. Nothing in 2025年度: no 前年度同期, no 増減 (not 0); 今年度同期 is April–November.
    assert t[("相談者", "合計")] == {"合計": 3, "C01": 3, "今年度同期": 3, "前年度同期": None, "増減": None}


def test_html_report_shows_subtotals_and_fiscal_cumulative(client_for, august):
    html = client_for("official").get("/consultations/reports/?year=2026&month=8").content.decode()
    assert 'data-item="医療/小計"' in html and 'data-item="介護/小計"' in html
    assert "年度累計" in html and 'id="report-chart-data"' in html and "chart.umd.min.js" in html


def test_xlsx_has_report_and_monthly_sheets(client_for, august):
    response = client_for("admin").get("/consultations/reports/?fiscal_year=2026&format=xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["相談実績", "月別推移"]
    monthly = {row[0]: row for row in wb["月別推移"].iter_rows(min_row=3, values_only=True)}
    assert monthly["2026年8月"][1:] == (2, 1, 0, 3, "未締め")
    assert monthly["2026年9月"][1] == 1


def test_coordinator_sees_only_its_center_and_cannot_ask_for_another(client_for, august):
    header, t = rows(client_for("coordinator"), "year=2026&month=8")
    assert header[3:] == ["C01", "年度累計", "累計 C01"]
    assert (
        client_for("coordinator").get("/consultations/reports/?year=2026&month=8&center=C02").status_code
        == 404
    )
    assert client_for("coordinator").get("/consultations/reports/?center=C02&format=csv").status_code == 404


def test_bad_period_is_reported_not_crashing(client_for, august):
    response = client_for("official").get("/consultations/reports/?year=2026&month=13")
    assert response.status_code == 200
    assert "月は1〜12で指定してください" in response.content.decode()


def test_report_query_count_is_constant(client_for, august, django_assert_max_num_queries):
    client = client_for("official")
    client.get("/consultations/reports/?year=2026&month=8")

    def measure():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get("/consultations/reports/?year=2026&month=8")
        return len(ctx)

    before = measure()
    for i in range(30):
        make_consultation(
            august.center2, (2026, 8, 5 + i % 20, 11, 0), "訪問看護", ["看取りに関する事", "その他"]
        )
    assert measure() == before
    assert before <= 30


def test_fiscal_year_report_runs_at_most_twelve_queries_rendered_every_time(client_for, august):
    """No cached fragment: the report is rendered from the database on each view, within 12 queries
    (session, user, centers, closed days, the tallies, 相談者区分, 相談内容, the monthly trend …),
    the previous 年度's same months (前年度同期) read by the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_consultation(august.center1, (2025, 6, 2, 10, 0), "訪問看護", ["その他"])
    make_consultation(august.center2, (2025, 4, 1, 9, 0), "訪問看護", ["その他"])
    client = client_for("official")
    url = "/consultations/reports/?fiscal_year=2026"
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(url).content.decode()
    assert len(ctx) <= 12
    make_consultation(august.center2, (2026, 10, 5, 11, 0), "訪問看護", ["その他"])
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url).content.decode()
    assert len(ctx) <= 12
    total = re.compile(r'data-section="相談者" data-item="合計">.*?data-total>(\d+)<', re.S)
    # The new consultation shows at once: nothing served from an earlier rendering.
    assert int(total.search(second).group(1)) == int(total.search(first).group(1)) + 1
    previous = re.compile(r'data-section="相談者" data-item="合計">.*?data-previous>(\d+)<', re.S)
    assert previous.search(second).group(1) == "2"


def test_a_running_years_monthly_trend_stops_at_this_month(cast, monkeypatch):
    # The months to come are not months with no calls: the page's table, the chart and the
    # 月別推移 sheet list April up to this month only.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2026, 12, 3))
    year = Period(datetime.date(2026, 4, 1), datetime.date(2027, 3, 31), "2026年度", 2026)
    labels = [label for label, _ in Report(year, [cast.center1]).monthly()]
    assert labels[0] == "2026年4月" and labels[-1] == "2026年12月" and len(labels) == 9
    ended = Period(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31), "2025年度", 2025)
    assert len(Report(ended, [cast.center1]).monthly()) == 12


def test_the_monthly_table_ends_with_each_centers_total(client_for, august):
    html = client_for("official").get("/consultations/reports/?fiscal_year=2026").content.decode()
    row = re.search(r"<tr data-monthly-total>(.*?)</tr>", html, re.S).group(1)
    # Over the 年度: C01 two in August and one in September, C02 one each in July and August, C03
    # none (in the centers' order).
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["3", "2", "0"]
