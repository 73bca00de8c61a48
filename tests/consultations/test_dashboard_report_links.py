"""The home page's 相談実績 panel links to last month's 月報 (the month just closed) and this
年度's tally, right across January: 先月 of January is December of the year before, and
January–March belong to the 年度 that began the April before."""

import datetime
import re

import pytest

from coordination import dates

pytestmark = pytest.mark.django_db


def report_links(html):
    panel = re.search(r'<section class="panel" aria-labelledby="panel-reports">.*?</section>', html, re.S)
    return dict(
        re.findall(r'href="/consultations/reports/\?([^"]+)" data-report-link="([^"]+)"', panel.group(0))
    )


def links_on(client, day, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: day)
    html = client.get("/").content.decode()
    return {name: query.replace("&amp;", "&") for query, name in report_links(html).items()}, html


@pytest.mark.parametrize("role", ["official", "coordinator", "admin"])
def test_in_january_last_months_report_is_december_and_the_year_is_the_one_begun_in_april(
    role, client_for, monkeypatch
):
    links, html = links_on(client_for(role), datetime.date(2027, 1, 15), monkeypatch)
    assert links == {
        "last-month": "year=2026&month=12",
        "this-month": "year=2027&month=1",
        "fiscal-year": "fiscal_year=2026",
    }
    assert "先月の月報（2026年12月）" in html and "今年度（2026年度）の累計" in html


def test_in_april_last_month_is_march_and_the_year_is_the_new_one(client_for, monkeypatch):
    links, _ = links_on(client_for("official"), datetime.date(2027, 4, 1), monkeypatch)
    assert links["last-month"] == "year=2027&month=3" and links["fiscal-year"] == "fiscal_year=2027"


def test_last_months_link_opens_that_months_report(client_for, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2027, 1, 15))
    page = client_for("official").get("/consultations/reports/?year=2026&month=12").content.decode()
    assert "相談実績 2026年12月" in page


def test_readers_of_no_report_get_no_panel(client_for):
    assert 'id="panel-reports"' not in client_for("professional").get("/").content.decode()
