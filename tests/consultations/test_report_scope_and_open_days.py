"""The officials' 月報: open days are not added up across centers and are counted to the same day
as the consultations; the centers that have not closed the month are named; a ward's official
sees the ward and no choice or 最少/最大 where the ward has one center."""

import datetime
import re

import pytest

from consultations.reports import Report, month_period
from coordination import dates
from coordination.models import Role, User
from tests.consultations.factories import make_consultation


def html(client, query):
    return client.get("/consultations/reports/?" + query).content.decode()


def total_cell(page, section, item):
    row = re.search(rf'data-section="{section}" data-item="{item}">.*?</tr>', page, re.S).group(0)
    return re.search(r"data-total>(.*?)</td>", row, re.S).group(1)


def test_open_days_are_not_added_up_across_centers(client_for, cast):
    page = html(client_for("official"), "year=2026&month=8")
    # C01 18 days (closed 8/13–14), C02 20: no 38 in the 合計, which names no day count.
    assert "38" not in total_cell(page, "窓口開設日数", "窓口開設日数")
    assert "—" in total_cell(page, "窓口開設日数", "窓口開設日数")
    # Where the centers share the days (September), the 合計 says them once.
    page = html(client_for("official"), "year=2026&month=9")
    september = cast.center2.open_days(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
    assert total_cell(page, "窓口開設日数", "窓口開設日数") == str(september)


def test_the_fiscal_years_open_days_stop_where_the_consultations_do(cast):
    center = cast.center1
    period = month_period(2027, 3).fiscal_to_date()  # April 2026 – March 2027
    report = Report(period, [center], today=datetime.date(2026, 12, 2)).build()
    days = next(line for line in report.table() if line.section == "窓口開設日数")
    assert days.per_center == [center.open_days(datetime.date(2026, 4, 1), datetime.date(2026, 12, 2))]
    assert days.per_center[0] < center.open_days(datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))
    assert report.open_days_cut == datetime.date(2026, 12, 2)
    # A month that has ended is counted whole.
    assert Report(month_period(2026, 8), [center], today=datetime.date(2026, 12, 2)).open_days_cut is None


def test_the_fiscal_year_page_says_up_to_when_open_days_are_counted(client_for, cast, monkeypatch):
    # A day inside the 年度 (on March 31 the year's days are whole and nothing is said).
    today = datetime.date(2026, 12, 2)
    monkeypatch.setattr(dates, "today", lambda: today)
    fy = dates.fiscal_year(today)
    page = html(client_for("official"), f"fiscal_year={fy}")
    assert f"窓口開設日数は{today.year}年{today.month}月{today.day}日までの日数" in page
    start, _ = dates.fiscal_year_range(fy)
    c01 = cast.center1.open_days(start, today)
    row = re.search(r'data-section="窓口開設日数".*?</tr>', page, re.S).group(0)
    assert f'<td class="num">{c01}</td>' in row


def test_the_centers_that_have_not_closed_the_month_are_named(client_for, cast):
    make_consultation(cast.center1, (2026, 8, 3, 10, 15), "ケアマネジャー", ["連絡調整"])
    official = client_for("official")
    page = html(official, "year=2026&month=8")
    assert re.search(r"data-not-closed>まだ締めていないセンター: C01 東センター、C02 西センター<", page)
    client_for("coordinator").post(
        "/consultations/reports/close/", {"center": "C01", "year": 2026, "month": 8}
    )
    page = html(official, "year=2026&month=8")
    assert re.search(r"data-not-closed>まだ締めていないセンター: C02 西センター<", page)
    today = dates.today()
    assert "data-not-closed" not in html(official, f"year={today.year}&month={today.month}")  # not ended


@pytest.fixture
def ward_official(cast, client):
    user = User.objects.create_user("ward-official", role=Role.OFFICIAL, ward=cast.ward1, last_name="南")
    client.force_login(user)
    return client


def test_a_ward_official_sees_the_ward_and_no_pointless_choice_or_range(ward_official, cast):
    page = html(ward_official, "year=2026&month=8")
    assert "（市職員・東区）" in page  # the shared header
    assert re.search(r"<h1>東区 相談実績 2026年8月", page)
    assert re.search(r"<title>東区 相談実績 2026年8月", page)  # the browser tab says it too
    assert 'id="r-center"' not in page  # one center: nothing to choose
    assert ">最少<" not in page and ">最大<" not in page and "累計 最少" not in page


def test_the_city_official_keeps_the_choice_and_the_range(client_for, cast):
    page = html(client_for("official"), "year=2026&month=8")
    assert 'id="r-center"' in page and ">最少<" in page and "累計 最少" in page
    assert "<h1>相談実績 2026年8月" in page


def test_a_center_not_yet_open_that_month_owes_it_no_closing(client_for, cast):
    cast.center2.opened_on = datetime.date(2026, 8, 1)
    cast.center2.save()
    page = html(client_for("official"), "year=2026&month=7")
    assert re.search(r"まだ締めていないセンター: C01 東センター</p>", page)
    page = html(client_for("admin"), "year=2026&month=7")
    assert "C02 西センターの2026年7月を締める" not in page and "C01 東センターの2026年7月を締める" in page
    page = html(client_for("official"), "year=2026&month=8")
    assert "C02 西センター" in re.search(r"まだ締めていないセンター: [^<]*", page).group(0)


def test_two_centers_days_changed_after_closing_show_a_change_and_no_none(client_for, cast):
    from consultations import services
    from coordination.models import CenterClosure

    for center in (cast.center1, cast.center2):
        services.close_month(None, center, 2026, 9, user=cast.admin)
    # East is closed one more day in September after both submitted: the centers' days now differ.
    CenterClosure.objects.create(
        center=cast.center1, start_month=9, start_day=3, end_month=9, end_day=3, year=2026
    )
    page = html(client_for("official"), "year=2026&month=9")
    row = re.search(r'<tr[^>]*data-section="窓口開設日数".*?</tr>', page, re.S).group(0)
    assert "None" not in row
    assert "data-changed-after-submission" in row and "提出後の修正 あり（センターごとの列を参照）" in row
