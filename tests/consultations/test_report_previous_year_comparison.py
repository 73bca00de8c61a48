"""The fiscal-year report compares each line over the same months of this 年度 and the previous one
(前年度同期: April up to the last month that has ended, April–November read in December) and shows
the 増減, on the page and in its CSV/XLSX.
An old 月報's total counts for 延べ件数 where the portal has no records of that month; where the
previous 年度 has nothing at all the report says 「前年度の記録はありません」 instead of zeros."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from consultations.models import PastMonthlyTotal
from coordination import dates
from coordination.models import Role, User
from tests.consultations.factories import make_consultation

pytestmark = pytest.mark.django_db

URL = "/consultations/reports/?fiscal_year=2026"


@pytest.fixture
def years(cast, monkeypatch):
    """Today is 2026-12-03: April–November are compared. 2025年度 of C01: May and November (the
    same months) and December (after them: not compared); C02: 2025年度 nothing. This 年度's
    December 1st counts in the 合計 but not in the compared months."""
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 12, 3))
    c1, c2 = cast.center1, cast.center2
    make_consultation(c1, (2025, 5, 12, 10, 0), "ケアマネジャー", ["その他"])
    make_consultation(c1, (2025, 11, 28, 10, 0), "訪問看護", ["看取りに関する事"])
    make_consultation(c1, (2025, 12, 1, 10, 0), "ケアマネジャー", ["その他"])  # after November
    make_consultation(c1, (2025, 3, 31, 23, 59), "ケアマネジャー", ["その他"])  # 2024年度
    for day in (6, 7, 8):
        make_consultation(c1, (2026, 10, day, 10, 0), "ケアマネジャー", ["その他"])
    make_consultation(c2, (2026, 9, 1, 10, 0), "ケアマネジャー", ["連絡調整"])
    make_consultation(c1, (2026, 12, 1, 10, 0), "訪問看護", ["その他"])
    return cast


def page(client, url=URL):
    return client.get(url).content.decode()


def cell(html, section, item, name):
    row = re.search(rf'data-section="{section}" data-item="{item}"[^>]*>.*?</tr>', html, re.S).group(0)
    return re.sub(r"<[^>]+>", "", re.search(rf"<td[^>]*data-{name}>(.*?)</td>", row, re.S).group(1))


def notes(html):
    block = re.search(r"<ul data-previous-notes>(.*?)</ul>", html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1), re.S) if block else []


def csv_table(client, url=URL):
    body = client.get(url + "&format=csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    header = table[0]
    lines = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in table[1:] if r[0] != "注記"}
    return header, lines, [r[1] for r in table if r[0] == "注記"]


def test_each_line_is_compared_with_the_same_months_of_the_previous_year(client_for, years):
    html = page(client_for("official"))
    assert re.search(r"<th[^>]*data-now-heading>今年度（4月〜11月）</th>", html)
    assert re.search(r"<th[^>]*data-previous-heading>前年度同期（4月〜11月）</th>", html)
    # 2025年4月〜11月: C01's 5/12 and 11/28 (not 12/1, not 3/31 of 2024年度); C02 none. This
    # 年度: April–November, not December 1st, which the 合計 counts.
    assert cell(html, "相談件数", "延べ件数", "total") == "5"
    assert cell(html, "相談件数", "延べ件数", "now") == "4"
    assert cell(html, "相談件数", "延べ件数", "previous") == "2"
    assert cell(html, "相談件数", "延べ件数", "change") == "+2"
    assert cell(html, "相談者", "ケアマネジャー", "previous") == "1"
    assert cell(html, "相談者", "ケアマネジャー", "change") == "+3"
    assert cell(html, "相談者", "訪問看護", "total") == "1"
    assert cell(html, "相談者", "訪問看護", "now") == "0"
    assert cell(html, "相談者", "訪問看護", "change") == "-1"
    assert cell(html, "相談内容", "看取りに関する事", "previous") == "1"
    assert cell(html, "相談内容", "医療/小計", "previous") == "0"  # a real 0: C01 logged that year
    assert cell(html, "相談内容", "合計", "previous") == "2"
    assert cell(html, "相談件数", "実人数（同じ対象者は1人）", "previous") == "2"
    # 窓口開設日数 is a calendar, not a record: not compared.
    assert cell(html, "窓口開設日数", "窓口開設日数", "previous") == "—"
    said = notes(html)
    assert said[0].startswith("前年度同期（4月〜11月）: 2025年4月〜2025年11月の記録と比べています")
    assert "12月の分は今年度（4月〜11月）に含みません" in said[0]
    assert "前年度の記録がないセンター: C02 西センター" in said[1]


def test_the_csv_and_xlsx_carry_the_comparison_and_its_notes(client_for, years):
    client = client_for("official")
    header, lines, csv_notes = csv_table(client)
    assert header[-3:] == ["今年度同期", "前年度同期", "増減"]
    assert header[:7] == ["区分", "項目", "合計", "C01", "C02", "最少", "最大"]  # unchanged
    assert (lines[("相談件数", "延べ件数")]["前年度同期"], lines[("相談件数", "延べ件数")]["増減"]) == (
        "2",
        "2",
    )
    assert lines[("相談者", "訪問看護")]["増減"] == "-1"
    assert lines[("窓口開設日数", "窓口開設日数")]["前年度同期"] == ""
    assert any(n.startswith("前年度同期（4月〜11月）: ") for n in csv_notes)
    book = load_workbook(io.BytesIO(client.get(URL + "&format=xlsx").content))
    rows = list(book["相談実績"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "区分")
    assert list(rows[head][-3:]) == ["今年度同期", "前年度同期", "増減"]
    cases = next(r for r in rows if r[:2] == ("相談件数", "延べ件数"))
    assert cases[-3:] == (4, 2, 2)
    assert any(t and str(t).startswith("前年度同期（4月〜11月）: ") for t in (r[0] for r in rows[:head]))


def test_no_previous_records_is_said_not_shown_as_zeros(client_for, cast, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 12, 3))
    make_consultation(cast.center1, (2026, 10, 6, 10, 0), "ケアマネジャー", ["その他"])
    client = client_for("official")
    html = page(client)
    assert notes(html) == ["前年度同期（4月〜11月）: 前年度の記録はありません。"]
    for section, item in [("相談件数", "延べ件数"), ("相談者", "ケアマネジャー"), ("相談者", "合計")]:
        assert cell(html, section, item, "previous") == "—"
        assert cell(html, section, item, "change") == "—"
    _, lines, csv_notes = csv_table(client)
    assert lines[("相談者", "合計")]["前年度同期"] == "" and lines[("相談者", "合計")]["増減"] == ""
    assert "前年度同期（4月〜11月）: 前年度の記録はありません。" in csv_notes


def test_an_old_monthly_total_counts_for_the_cases_of_a_month_without_records(client_for, years):
    # C02 kept its log on paper in 2025: its totals count for 延べ件数 (its months up to November),
    # not for the breakdown, which has no record of them; C01's May has records, which win.
    for month, n in ((4, 10), (11, 7), (12, 50)):
        PastMonthlyTotal.objects.create(center=years.center2, year=2025, month=month, consultations=n)
    PastMonthlyTotal.objects.create(center=years.center1, year=2025, month=5, consultations=99)
    html = page(client_for("official"))
    assert cell(html, "相談件数", "延べ件数", "previous") == "19"  # C01 2 + C02 10 + 7
    assert cell(html, "相談件数", "延べ件数", "change") == "-15"  # 4 − 19
    assert cell(html, "相談者", "ケアマネジャー", "previous") == "1"  # C01's records only
    said = notes(html)
    assert not any("前年度の記録がないセンター" in n for n in said)
    assert any(
        "月報から取り込んだ合計（C02 西センター（前年度2か月分））は、延べ件数にだけ含みます" in n
        for n in said
    )


def test_paper_totals_alone_give_the_cases_and_no_breakdown(client_for, cast, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 12, 3))
    make_consultation(cast.center2, (2026, 10, 6, 10, 0), "ケアマネジャー", ["その他"])
    PastMonthlyTotal.objects.create(center=cast.center2, year=2025, month=6, consultations=12)
    html = page(client_for("official"), URL + "&center=C02")
    assert cell(html, "相談件数", "延べ件数", "previous") == "12"
    assert cell(html, "相談件数", "延べ件数", "change") == "-11"
    # The breakdown of paper totals is not known: no 0 standing for it.
    assert cell(html, "相談者", "ケアマネジャー", "previous") == "—"
    assert cell(html, "相談件数", PERSONS, "previous") == "—"


PERSONS = "実人数（同じ対象者は1人）"


def test_an_ended_year_is_compared_whole(client_for, years):
    # 2025年度 has ended (today 2026-12-03): compared with the whole of 2024年度, April–March.
    html = page(client_for("official"), "/consultations/reports/?fiscal_year=2025")
    assert re.search(r"data-previous-heading>前年度同期（4月〜3月）<", html)
    assert cell(html, "相談件数", "延べ件数", "previous") == "1"  # 2025-03-31 23:59 JST
    assert cell(html, "相談件数", "延べ件数", "now") == "3"
    assert cell(html, "相談件数", "延べ件数", "change") == "+2"  # 3 − 1
    assert notes(html) == [
        "前年度同期（4月〜3月）: 2024年4月〜2025年3月の記録と比べています（増減 = 今年度 − 前年度）。",
        "前年度の記録がないセンター: C02 西センター（前年度同期の数値に含まれていません）。",
    ]


def test_in_april_no_month_has_ended_and_the_page_says_so(client_for, years, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 4, 20))
    client = client_for("official")
    html = page(client)
    assert "data-previous-heading" not in html
    assert notes(html) == ["前年度同期との比較は、4月が終わってから出します（まだ終わった月がありません）。"]
    header, _, csv_notes = csv_table(client)
    assert "前年度同期" not in header and notes(html)[0] in csv_notes


def test_a_month_report_and_a_year_not_begun_have_no_comparison(client_for, years):
    client = client_for("official")
    assert "data-previous-heading" not in page(client, "/consultations/reports/?year=2026&month=10")
    assert "data-previous-heading" not in page(client, "/consultations/reports/?fiscal_year=2027")
    header, _, _ = csv_table(client, "/consultations/reports/?year=2026&month=10")
    assert "前年度同期" not in header


def test_a_ward_official_compares_the_wards_centers_only(years, client):
    make_consultation(years.center2, (2025, 6, 2, 10, 0), "訪問看護", ["その他"])
    official = User.objects.create_user("ward-official", role=Role.OFFICIAL, ward=years.ward2)
    client.force_login(official)
    html = page(client)
    # C02 only: its one 2025 consultation, not C01's two.
    assert cell(html, "相談件数", "延べ件数", "previous") == "1"
    assert cell(html, "相談者", "訪問看護", "previous") == "1"
    assert cell(html, "相談者", "ケアマネジャー", "previous") == "0"
    _, lines, _ = csv_table(client)
    assert lines[("相談件数", "延べ件数")]["前年度同期"] == "1"
    assert client.get(URL + "&center=C01").status_code == 404


def test_the_comparison_adds_no_query(client_for, years):
    """The previous 年度 is read by the queries the report runs anyway (its tallies, 実人数, the
    monthly trend, the old 月報's totals): the same count with or without previous records, and
    within the report's 12 (bench/report.py)."""
    client = client_for("official")
    with CaptureQueriesContext(connection) as with_previous:
        client.get(URL)
    with CaptureQueriesContext(connection) as without:
        client.get("/consultations/reports/?fiscal_year=2024")  # 2023年度: nothing
    assert len(with_previous) == len(without) <= 12
