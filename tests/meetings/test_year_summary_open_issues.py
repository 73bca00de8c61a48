"""年度のまとめ lists the 課題 still open at the end of the 年度 (or today, while it runs), whatever
year they were raised in — a city's 年度末未解決 — with when each was raised and its state, and
their count, on the page and in the workbook alike."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from coordination import dates
from meetings.models import IssueStatus
from tests.meetings.factories import make_issue, org

pytestmark = pytest.mark.django_db

PAGE = "/meetings/years/?fiscal_year="


def _section(html):
    return html.split('id="h-ys-open"', 1)[1].split("</section>", 1)[0]


def _labels(section):
    return re.findall(r'data-open-issue="([^"]+)"', section)


def _sheet(client, year):
    response = client.get(f"{PAGE}{year}&format=xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))["未解決の課題"]


@pytest.fixture
def register(cast, monkeypatch):
    """C01's register seen on 2026-12-02 (令和8年度 running)."""
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 12, 2))
    pharmacy = org("薬剤師会", "薬")

    def issue(label, day, *steps, center=cast.center1):
        made = make_issue(center, label, f"課題{label}", pharmacy, day)
        made.change_status(IssueStatus.NEW, datetime.date(*day), "提起")
        for status, on in steps:
            made.change_status(status, datetime.date(*on))
        return made

    issue("薬-B", (2024, 9, 3), (IssueStatus.IN_PROGRESS, (2024, 11, 1)))  # carried since 2024
    issue("薬-A", (2023, 5, 1), (IssueStatus.SOLVED, (2025, 9, 1)))  # solved in 令和7年度
    issue("薬-C", (2025, 5, 1), (IssueStatus.REVIEWING, (2025, 7, 1)), (IssueStatus.SOLVED, (2026, 6, 1)))
    issue("薬-D", (2026, 6, 10))  # raised this 年度, open
    issue("薬-E", (2026, 4, 20), (IssueStatus.SOLVED, (2026, 10, 1)))  # raised and solved this 年度
    issue("薬-F", (2024, 6, 1), (IssueStatus.ON_HOLD, (2025, 1, 10)))  # 保留 is not 解決
    # Solved in 令和6年度, taken up again in 令和8年度: open at the end of 令和7年度? No.
    issue("薬-G", (2024, 5, 1), (IssueStatus.SOLVED, (2024, 12, 1)), (IssueStatus.REVIEWING, (2026, 7, 1)))
    issue("薬-Z", (2024, 9, 3), center=cast.center2)  # another center's
    return cast


def test_a_running_year_lists_every_issue_open_today_with_those_carried_over(client_for, register):
    client = client_for("coordinator")
    section = _section(client.get(f"{PAGE}2026").content.decode())
    assert "未解決の課題（<span data-open>4</span>件・2026/12/2現在）" in section
    assert _labels(section) == ["薬-G", "薬-F", "薬-B", "薬-D"]  # oldest raised first
    assert "うち持ち越し <span data-open-carried-over>3</span>件" in section
    carried = section.split('data-open-issue="薬-B"', 1)[1].split("</tr>", 1)[0]
    assert '<td data-label="提起日" data-raised-on>2024/9/3</td>' in carried
    assert '<td data-label="状態" data-status>解決策実施中</td>' in carried
    assert "data-status>保留<" in section.split('data-open-issue="薬-F"', 1)[1].split("</tr>", 1)[0]
    rows = list(_sheet(client, 2026).iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("センター", "ラベル", "課題", "提起した団体・職種", "提起日", "状態")
    assert [r[1] for r in rows[1:]] == ["薬-G", "薬-F", "薬-B", "薬-D"]
    assert rows[3] == (
        "東センター",
        "薬-B",
        "課題薬-B",
        "薬剤師会",
        datetime.datetime(2024, 9, 3),
        "解決策実施中",
    )
    title = _sheet(client, 2026)["A1"].value
    assert "2026/12/2現在で未解決の課題 4件（うち前年度以前からの持ち越し 3件）" in title


def test_a_past_year_lists_what_was_open_at_its_end_with_that_state_and_the_state_now(client_for, register):
    client = client_for("coordinator")
    section = _section(client.get(f"{PAGE}2025").content.decode())
    assert "年度末に未解決の課題（<span data-open>3</span>件）" in section
    # 薬-C was open on 2026/3/31 though solved since; 薬-D and 薬-E came later; 薬-G was solved then.
    assert _labels(section) == ["薬-F", "薬-B", "薬-C"]
    later = section.split('data-open-issue="薬-C"', 1)[1].split("</tr>", 1)[0]
    assert 'data-status-then>検討中</td><td data-label="現在の状態" data-status>解決</td>' in later
    rows = list(_sheet(client, 2025).iter_rows(min_row=2, values_only=True))
    assert rows[0][-2:] == ("年度末の状態", "現在の状態")
    assert rows[-1] == (
        "東センター",
        "薬-C",
        "課題薬-C",
        "薬剤師会",
        datetime.datetime(2025, 5, 1),
        "検討中",
        "解決",
    )
    assert "年度末（2026/3/31）に未解決だった課題 3件" in _sheet(client, 2025)["A1"].value


def test_officials_see_every_centers_open_issues_and_a_center_filter_narrows_them(client_for, register):
    official = client_for("official")
    everyone = _section(official.get(f"{PAGE}2026").content.decode())
    assert "薬-Z" in _labels(everyone) and len(_labels(everyone)) == 5
    west = _section(official.get(f"{PAGE}2026&center=C02").content.decode())
    assert _labels(west) == ["薬-Z"]
    assert [r[1] for r in _sheet(official, 2026).iter_rows(min_row=3, values_only=True)].count("薬-Z") == 1


def test_an_issue_without_dated_steps_counts_as_it_stands_and_a_year_to_come_lists_none(
    client_for, cast, monkeypatch
):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 12, 2))
    make_issue(cast.center1, "薬-A", "古い課題", org("薬剤師会", "薬"), (2022, 6, 1))  # no history rows
    make_issue(
        cast.center1, "薬-B", "解決済みの古い課題", org("薬剤師会"), (2022, 6, 1), status=IssueStatus.SOLVED
    )
    client = client_for("coordinator")
    assert _labels(_section(client.get(f"{PAGE}2026").content.decode())) == ["薬-A"]
    coming = _section(client.get(f"{PAGE}2027").content.decode())
    assert _labels(coming) == [] and "この年度はまだ始まっていません。" in coming
