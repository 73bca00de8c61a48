"""The 課題 register's 年度 filter: a 年度's register is what was raised in it and what was still
open when it began (carried over from earlier years); it offers only the years that have a 課題,
with 「すべて」 first, and works with the other filters and the download."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from coordination import dates
from coordination.models import Organisation
from meetings.models import IssueStatus
from tests.meetings.factories import make_issue

pytestmark = pytest.mark.django_db


def fiscal_year_options(html):
    select = re.search(r'<select name="fiscal_year".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d*)"', select)


def labels(html):
    return sorted(re.findall(r'<tr data-issue="([^"]+)"', html))


@pytest.fixture
def register(cast, monkeypatch):
    """C01's register seen on 2026-12-02 (令和8年度): raised in 2023, 2024 and 2026; one solved
    during 2025, one solved back in 2023, one carried open since 2023."""
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 12, 2))
    pharmacy = Organisation.objects.get_or_create(name="薬剤師会", defaults={"short_name": "薬"})[0]

    def issue(label, day, solved_on=None):
        made = make_issue(cast.center1, label, f"課題{label}", organisation=pharmacy, day=day)
        made.change_status(IssueStatus.NEW, datetime.date(*day), "提起")
        if solved_on:
            made.change_status(IssueStatus.SOLVED, datetime.date(*solved_on))
        return made

    issue("薬-A", (2023, 5, 1))  # open ever since
    issue("薬-B", (2023, 6, 1), solved_on=(2024, 2, 1))  # solved within 令和5年度
    issue("薬-C", (2024, 4, 10), solved_on=(2025, 9, 1))  # carried into 令和7年度, solved there
    issue("薬-D", (2026, 4, 3))
    # Another center's 課題 of 2019: not this coordinator's year to choose.
    make_issue(cast.center2, "薬-Z", "西の課題", organisation=pharmacy, day=(2019, 6, 1))
    return cast


def test_a_fiscal_years_register_is_what_was_raised_in_it_and_what_was_still_open(client_for, register):
    client = client_for("coordinator")

    def page(query):
        return client.get("/meetings/issues/" + query).content.decode()

    assert labels(page("")) == ["薬-A", "薬-B", "薬-C", "薬-D"]  # 「すべて」: every year's
    assert labels(page("?fiscal_year=2023")) == ["薬-A", "薬-B"]
    assert labels(page("?fiscal_year=2024")) == ["薬-A", "薬-C"]  # 薬-B was solved before April 2024
    assert labels(page("?fiscal_year=2025")) == ["薬-A", "薬-C"]  # 薬-C carried over, solved in the year
    assert labels(page("?fiscal_year=2026")) == ["薬-A", "薬-D"]
    assert labels(page("?fiscal_year=2022")) == []  # before anything was raised


def test_the_fiscal_year_choice_offers_only_the_years_that_have_issues(client_for, register):
    html = client_for("coordinator").get("/meetings/issues/").content.decode()
    # 「すべて」 first and chosen; 2019 is another center's; 2025 has no new 課題 but carried ones.
    assert fiscal_year_options(html) == ["", "2026", "2025", "2024", "2023"]
    assert re.search(r'<select name="fiscal_year"[^>]*>\s*<option value="" selected>すべて</option>', html)
    assert "令和7年度（2025年度）" in html
    assert "年度の初めに未解決だった課題を含む" in html  # the help says what a year's list holds
    # An official reads every center's register, so sees its years too.
    official = client_for("official").get("/meetings/issues/").content.decode()
    assert "2019" in fiscal_year_options(official)


def test_the_fiscal_year_combines_with_the_other_filters_and_the_download(client_for, register):
    client = client_for("coordinator")
    open_2025 = client.get("/meetings/issues/?fiscal_year=2025&status=new").content.decode()
    assert labels(open_2025) == ["薬-A"]
    assert 'data-result-count="1"' in open_2025
    response = client.get("/meetings/issues/?fiscal_year=2025&format=xlsx")
    rows = list(
        load_workbook(io.BytesIO(response.content))["課題一覧"].iter_rows(min_row=3, values_only=True)
    )
    assert sorted(r[0] for r in rows) == ["薬-A", "薬-C"]
    # Another center's year asked for by a coordinator lists nothing of that center.
    assert labels(client.get("/meetings/issues/?fiscal_year=2019").content.decode()) == []
