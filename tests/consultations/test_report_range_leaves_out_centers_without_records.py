"""The city's 月報 takes 最少/最大 over the centers that have logged something in the period: a
center that has entered nothing (a 0 because nothing was logged, not because nobody called) is
left out, and the page and the files say which and why. The centers of an ended month counted
before they closed it are named too (their figures may still change)."""

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from consultations import services
from coordination.models import Center
from tests.consultations.factories import make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def august(cast):
    """C01 2 consultations, C02 1, and a third center C03 that has entered nothing."""
    cast.center3 = Center.objects.create(code="C03", name="南センター", sort_order=3)
    make_consultation(cast.center1, (2026, 8, 3, 10, 0), "ケアマネジャー", ["連絡調整"])
    make_consultation(cast.center1, (2026, 8, 4, 10, 0), "ケアマネジャー", ["その他"])
    make_consultation(cast.center2, (2026, 8, 5, 10, 0), "ケアマネジャー", ["その他"])
    return cast


def page(client, query="year=2026&month=8"):
    return client.get("/consultations/reports/?" + query).content.decode()


def cell(html, section, item, name):
    row = re.search(rf'data-section="{section}" data-item="{item}"[^>]*>.*?</tr>', html, re.S).group(0)
    return re.search(rf"<td[^>]*data-{name}>(.*?)</td>", row, re.S).group(1)


def notes(html):
    block = re.search(r"<ul data-range-notes>(.*?)</ul>", html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1), re.S) if block else []


def test_the_minimum_leaves_out_a_center_that_has_entered_nothing(client_for, august):
    html = page(client_for("official"))
    # ケアマネジャー: C01 2, C02 1, C03 0 (nothing entered): 最少 is C02's 1, not C03's 0.
    assert cell(html, "相談者", "ケアマネジャー", "low") == "1"
    assert cell(html, "相談者", "ケアマネジャー", "high") == "2"
    # The 年度累計's range alike (C03 has nothing from April either).
    assert cell(html, "相談者", "ケアマネジャー", "cumulative-low") == "1"
    # Its own column still shows its 0.
    row = re.search(r'data-section="相談者" data-item="ケアマネジャー"[^>]*>.*?</tr>', html, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row)[:3] == ["2", "1", "0"]


def test_the_page_says_which_centers_were_left_out_and_why(client_for, august):
    said = [n for n in notes(page(client_for("official"))) if "除いたセンター" in n]
    # Nothing since April, so nothing in August: the month's range and the 年度累計's, said once.
    assert said == [
        "当月と累計の最少・最大は、相談記録のないセンターを除いて出しています。"
        "除いたセンター: C03 南センター（2026年4月〜8月の相談記録がありません）"
    ]
    # The admin reads the same page.
    assert notes(page(client_for("admin")))[0] == said[0]


def test_a_center_with_earlier_records_is_left_out_of_the_months_range_only(client_for, august):
    make_consultation(august.center3, (2026, 7, 6, 10, 0), "ケアマネジャー", ["その他"])
    html = page(client_for("official"))
    assert [n for n in notes(html) if "除いたセンター" in n] == [
        "最少・最大は、相談記録のないセンターを除いて出しています。"
        "除いたセンター: C03 南センター（この月の相談記録がありません）"
    ]
    assert cell(html, "相談者", "ケアマネジャー", "low") == "1"
    assert cell(html, "相談者", "ケアマネジャー", "cumulative-low") == "1"  # C03: 1 since April
    assert cell(html, "相談内容", "連絡調整", "cumulative-low") == "0"


def test_a_center_not_yet_open_is_left_out_as_not_open(client_for, august):
    august.center3.opened_on = datetime.date(2026, 9, 1)
    august.center3.save()
    said = notes(page(client_for("official")))
    assert any("C03 南センター（2026年4月〜8月は開設していません）" in n for n in said)
    said = notes(page(client_for("official"), "fiscal_year=2026"))
    assert any("C03 南センター（この年度の相談記録がありません）" in n for n in said)


def test_no_center_is_left_out_when_every_center_has_records(client_for, august):
    make_consultation(august.center3, (2026, 8, 6, 10, 0), "ケアマネジャー", ["その他"])
    html = page(client_for("official"))
    assert not any("除いたセンター" in n for n in notes(html))
    assert cell(html, "相談者", "ケアマネジャー", "low") == "1"
    assert cell(html, "相談内容", "連絡調整", "low") == "0"  # a real 0 of a center that logged


def test_an_ended_months_centers_counted_before_closing_are_named(client_for, august):
    services.close_month(None, august.center1, 2026, 8, user=august.admin)
    said = notes(page(client_for("official")))
    unclosed = [n for n in said if "まだ締めていないセンター" in n]
    # C02 has records and has not closed: in the range, flagged; C01 closed; C03 left out anyway.
    assert unclosed == [
        "最少・最大には、この月をまだ締めていないセンター（C02 西センター）の数値も含みます"
        "（締めるまでに変わることがあります）。"
    ]


def test_no_range_when_no_center_has_records(client_for, cast):
    html = page(client_for("official"), "year=2026&month=6")
    assert cell(html, "相談者", "合計", "low") == "—" and cell(html, "相談者", "合計", "high") == "—"
    assert any("どのセンターにも相談記録がないため、出していません" in n for n in notes(html))


def test_one_centers_report_has_no_range_and_no_note(client_for, august):
    html = page(client_for("coordinator"))
    assert "data-range-notes" not in html and "data-low" not in html


def test_the_files_carry_the_same_range_and_the_note(client_for, august):
    client = client_for("official")
    body = client.get("/consultations/reports/?year=2026&month=8&format=csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    header = table[0]
    line = next(r for r in table if r[:2] == ["相談者", "ケアマネジャー"])
    assert line[header.index("最少")] == "1" and line[header.index("累計 最少")] == "1"
    csv_notes = [r[1] for r in table if r[0] == "注記"]
    assert any("除いたセンター: C03 南センター" in n for n in csv_notes)
    book = load_workbook(
        io.BytesIO(client.get("/consultations/reports/?year=2026&month=8&format=xlsx").content)
    )
    rows = list(book["相談実績"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "区分")
    xlsx_line = next(r for r in rows if r[:2] == ("相談者", "ケアマネジャー"))
    assert xlsx_line[list(rows[head]).index("最少")] == 1
    titles = [r[0] for r in rows[:head]]
    # The same notes above the XLSX table as below the CSV's lines.
    assert [n for n in csv_notes if "センター" in n and "最少" in n] == [
        t for t in titles if t and "最少" in t
    ]


def test_a_month_closed_with_no_consultation_is_a_real_zero_in_the_range(client_for, august):
    # C03 closed August with nothing logged: its 0 is a figure it submitted, not "nothing entered".
    services.close_month(None, august.center3, 2026, 8, user=august.admin)
    html = page(client_for("official"))
    assert cell(html, "相談者", "ケアマネジャー", "low") == "0"
    assert cell(html, "相談者", "ケアマネジャー", "cumulative-low") == "0"  # April–August: closed August
    said = notes(html)
    assert not any("除いたセンター" in n for n in said)
    assert (
        "相談0件で締めたセンター（C03 南センター）は、その0件を当月と累計の最少・最大に含めています。" in said
    )
    # The files say the same.
    client = client_for("official")
    table = list(
        csv.reader(
            io.StringIO(
                client.get("/consultations/reports/?year=2026&month=8&format=csv").content.decode("utf-8-sig")
            )
        )
    )
    header = table[0]
    line = next(r for r in table if r[:2] == ["相談者", "ケアマネジャー"])
    assert line[header.index("最少")] == "0" and line[header.index("累計 最少")] == "0"
    assert any("相談0件で締めたセンター（C03 南センター）" in r[1] for r in table if r[0] == "注記")


def test_an_unclosed_empty_month_stays_out_while_a_closed_zero_month_of_the_year_counts(client_for, august):
    # C03 closed July with nothing (a real 0) and has not closed August, where it logged nothing.
    services.close_month(None, august.center3, 2026, 7, user=august.admin)
    html = page(client_for("official"))
    assert cell(html, "相談者", "ケアマネジャー", "low") == "1"  # August: C03 left out
    assert cell(html, "相談者", "ケアマネジャー", "cumulative-low") == "0"  # April–August: July closed
    said = notes(html)
    assert (
        "最少・最大は、相談記録のないセンターを除いて出しています。除いたセンター: C03 南センター（この月の相談記録がありません）"
        in said
    )
    assert "相談0件で締めたセンター（C03 南センター）は、その0件を累計の最少・最大に含めています。" in said
    # The fiscal year's range alike.
    year = page(client_for("official"), "fiscal_year=2026")
    assert cell(year, "相談者", "ケアマネジャー", "low") == "0"
