"""事業評価: per item ア〜ク against the 計画値; XLSX; items on meetings and 課題; 対象 and 目標."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from meetings.models import IssueStatus, ItemTarget, Measure
from tests.consultations.factories import make_consultation
from tests.meetings.factories import make_issue, make_meeting
from tests.training.factories import make_event
from training.models import AttendanceCount, Item


@pytest.fixture
def year(cast):
    c1 = cast.center1
    make_meeting(c1, day=(2026, 5, 1), items="イ")
    make_meeting(c1, day=(2026, 6, 1), items="イク")
    make_meeting(c1, day=(2027, 4, 1), items="イ")  # next 年度
    make_meeting(cast.center2, day=(2026, 6, 1), items="イ")
    issue = make_issue(c1, day=(2026, 6, 1), items="イウ")
    issue.change_status(IssueStatus.SOLVED, datetime.date(2026, 11, 1), "", cast.coordinator)
    first = make_consultation(c1, (2026, 8, 3, 10, 0))
    make_consultation(c1, (2026, 8, 10, 10, 0), first_consultation=first)
    make_consultation(c1, (2026, 9, 1, 10, 0))
    training = make_event(c1, when=(2026, 7, 10, 18, 30), item=Item.TRAINING)
    AttendanceCount.objects.create(event=training, profession=cast.nurse, count=30)
    make_event(c1, when=(2026, 10, 1, 13, 0), item=Item.PUBLIC)
    make_event(c1, when=(2099, 10, 1, 13, 0), item=Item.TRAINING)  # planned, not held
    ItemTarget.objects.create(fiscal_year=2026, item="カ", measure=Measure.EVENTS, planned=4)
    ItemTarget.objects.create(fiscal_year=2026, item="オ", measure=Measure.CONSULTATIONS, planned=6)
    return cast


def figures(html_or_client, query):
    from html.parser import HTMLParser

    html = html_or_client.get("/meetings/evaluation/?" + query).content.decode()
    rows = {}

    class Parser(HTMLParser):
        row, cell = None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "tr" and "data-measure" in a:
                self.row = rows.setdefault((a["data-item"], a["data-measure"]), {})
            if tag == "td" and self.row is not None:
                # The figure's own attribute (data-planned …), not data-label (the phone layout's).
                self.cell = next((k[5:] for k in a if k.startswith("data-") and k != "data-label"), None)

        def handle_data(self, data):
            if self.row is not None and self.cell:
                self.row[self.cell] = self.row.get(self.cell, "") + data.strip()

        def handle_endtag(self, tag):
            if tag == "td":
                self.cell = None
            if tag == "tr":
                self.row = None

    Parser().feed(html)
    return rows


def test_each_item_counts_what_was_done_against_the_targets(client_for, year):
    got = figures(client_for("admin"), "fiscal_year=2026&center=C01")
    assert got[("イ", "meetings")]["actual"] == "2"
    assert got[("ク", "meetings")]["actual"] == "1"
    assert got[("イ", "issues_raised")]["actual"] == "1" and got[("ウ", "issues_solved")]["actual"] == "1"
    assert got[("オ", "consultations")]["actual"] == "3" and got[("オ", "persons")]["actual"] == "2"
    assert got[("カ", "events")]["actual"] == "1" and got[("カ", "participants")]["actual"] == "30"
    assert got[("キ", "events")]["actual"] == "1"
    # The targets are the city's; with one center chosen they are that center's (none here).
    assert got[("カ", "events")]["planned"] == "目標未設定"
    city = figures(client_for("admin"), "fiscal_year=2026")
    assert city[("カ", "events")] == {"planned": "4", "actual": "1", "rate": "25%"}
    assert city[("オ", "consultations")] == {"planned": "6", "actual": "3", "rate": "50%"}
    assert city[("イ", "meetings")]["actual"] == "3"  # C02's too
    from meetings.models import Meeting, MeetingKind

    Meeting.objects.create(
        center=None, tier=1, kind=MeetingKind.objects.first(), held_on="2026-07-01", items="ク"
    )
    assert (
        figures(client_for("admin"), "fiscal_year=2026")[("ク", "meetings")]["actual"] == "2"
    )  # the city's own
    assert figures(client_for("admin"), "fiscal_year=2026&center=C01")[("ク", "meetings")]["actual"] == "1"


def test_a_coordinator_sees_its_own_center_and_another_center_is_404(client_for, year):
    got = figures(client_for("coordinator2"), "fiscal_year=2026")
    assert got[("イ", "meetings")]["actual"] == "1"
    assert client_for("coordinator2").get("/meetings/evaluation/?center=C01").status_code == 404


def test_the_page_is_called_jigyo_hyoka_in_its_title_heading_and_menu(client_for, year):
    # README and the model call it 事業評価 (実績 against 計画値); the page said 事業報告.
    html = client_for("official").get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    current = re.search(
        r'<a href="/meetings/evaluation/"[^>]*aria-current="page"[^>]*>(.*?)</a>', html
    ).group(1)
    assert title.startswith("事業評価 2026年度")
    assert h1.startswith("在宅医療・介護連携推進事業 事業評価 令和8年度")
    assert current == "事業評価（ア〜ク）"
    assert "事業報告" not in html


def test_the_xlsx_has_one_row_per_item_and_measure(client_for, year):
    response = client_for("official").get("/meetings/evaluation/?fiscal_year=2026&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content))["事業評価"].iter_rows(values_only=True))
    assert rows[0][0].startswith("在宅医療・介護連携推進事業 事業評価")
    training = next(r for r in rows if r[0] and r[0].startswith("カ") and r[1].startswith("研修の開催数"))
    assert training[2:] == (4, 1, "25%")


def test_the_page_prints_on_a4_and_a_bad_year_is_a_japanese_error(client_for, year):
    html = client_for("official").get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    assert "data-print" in html and "print.js" in html
    response = client_for("official").get("/meetings/evaluation/?fiscal_year=abc")
    assert (
        response.status_code == 400
        and "年度は2000〜2100の数字で指定してください" in response.content.decode()
    )


def test_the_evaluation_page_query_count_is_fixed(client_for, year, django_assert_num_queries):
    c = client_for("official")
    c.get("/meetings/evaluation/?fiscal_year=2026")
    # 12 for the figures, 4 for the 取組事例 (the written sections, the city, read once for its name
    # and its figures, meetings by tier, the surveys with their response counts), 2 for
    # ②人口・③高齢化率 (the 年度's area statistics, the areas to sum them over).
    with django_assert_num_queries(18):
        c.get("/meetings/evaluation/?fiscal_year=2026")
    make_meeting(year.center1, day=(2026, 7, 1), items="ア")
    make_event(year.center1, when=(2026, 11, 1, 13, 0), item=Item.PUBLIC)
    with django_assert_num_queries(18):
        c.get("/meetings/evaluation/?fiscal_year=2026")


def test_a_meeting_and_an_issue_carry_items_target_group_and_goal_from_their_forms(client_for, year):
    from meetings.models import Issue

    response = client_for("coordinator").post(
        "/meetings/issues/new/",
        {
            "label": "区-1",
            "title": "実務者のマネジメント力",
            "target_group": "区役所",
            "profession": year.nurse.pk,
            "goal": "区役所実務者が事業の必要性を理解し、区の課題を明確にできる。",
            "raised_on": "2026-06-01",
            "item_letters": ["イ", "ク"],
        },
    )
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</", response.content.decode(), re.S)
    issue = Issue.objects.get(label="区-1")
    assert (issue.items, issue.target_group) == ("イク", "区役所")
    assert issue.goal.startswith("区役所実務者")
