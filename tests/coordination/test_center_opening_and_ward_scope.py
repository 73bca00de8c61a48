"""開設日/閉所日 in 窓口開設日数, and officials scoped to a ward."""

import datetime

import pytest

from coordination.access import visible_centers
from coordination.models import Role, User
from tests.consultations.factories import make_consultation
from tests.meetings.factories import make_meeting


def test_open_days_count_only_days_from_the_opening_date(cast):
    center = cast.center2  # closed 12/29–1/3 only
    center.opened_on = datetime.date(2026, 8, 17)
    center.save()
    # Hand-counted: Mon 8/17–Fri 8/21 (5), 8/24–8/28 (5), Mon 8/31 (1) = 11; 山の日 8/11 is before.
    assert center.open_days(datetime.date(2026, 8, 1), datetime.date(2026, 8, 31)) == 11
    assert center.open_days(datetime.date(2026, 4, 1), datetime.date(2026, 7, 31)) == 0


def test_a_center_opened_in_august_has_no_april_to_july_days_in_its_fiscal_year(cast, client_for):
    # 大阪市 opened its windows in August (seed 001): the year counts from 8/1 only.
    center = cast.center2
    center.opened_on = datetime.date(2026, 8, 1)
    center.save()
    from consultations.reports import Report, period_from

    # Read after the year ended: the open days are counted only up to the day the report is read.
    fy = (
        Report(period_from({"fiscal_year": "2026"}), [center], today=datetime.date(2027, 4, 1))
        .build()
        .table()[0]
    )
    # Weekdays Aug 2026–Mar 2027: 21+22+22+21+23+21+20+23 = 173; minus holidays on weekdays (8/11,
    # 9/21, 9/22 国民の休日, 9/23, 10/12, 11/3, 11/23, 1/1, 1/11, 2/11, 2/23, 3/22 振替 = 12) and the
    # 12/29–1/3 closure on other weekdays (12/29, 12/30, 12/31 = 3): 173 − 12 − 3 = 158.
    # Without the opening date the year would have April–July too.
    assert fy.label == "窓口開設日数" and fy.total == 158


def test_open_days_stop_at_the_closing_date(cast):
    center = cast.center2
    center.closed_on = datetime.date(2026, 8, 7)
    center.save()
    # 8/3–8/7 (5) only.
    assert center.open_days(datetime.date(2026, 8, 1), datetime.date(2026, 8, 31)) == 5


@pytest.fixture
def ward_official(cast):
    user = User(username="ward-official", role=Role.OFFICIAL, ward=cast.ward2, last_name="区")
    user.set_password("x")
    user.save()
    return user


def test_a_ward_official_reads_the_centers_of_that_ward_only(cast, ward_official, client):
    assert list(visible_centers(ward_official)) == [cast.center2]
    assert list(visible_centers(cast.official)) == [cast.center1, cast.center2]
    make_consultation(cast.center1, (2026, 8, 3, 10, 0))
    make_consultation(cast.center2, (2026, 8, 4, 10, 0))
    client.force_login(ward_official)
    csv = client.get("/consultations/reports/?year=2026&month=8&format=csv").content.decode("utf-8-sig")
    # The ward's one center (no 最少/最大 of one), then its 年度累計.
    assert csv.splitlines()[0] == "区分,項目,合計,C02,年度累計,累計 C02"
    assert client.get("/consultations/reports/?year=2026&month=8&center=C01").status_code == 404


def test_a_ward_official_gets_404_for_another_wards_meeting(cast, ward_official, client):
    theirs, other = make_meeting(cast.center2), make_meeting(cast.center1)
    client.force_login(ward_official)
    assert client.get(f"/meetings/{theirs.pk}/").status_code == 200
    assert client.get(f"/meetings/{other.pk}/").status_code == 404
    listing = client.get("/meetings/").content.decode()
    assert f"/meetings/{theirs.pk}/" in listing and f"/meetings/{other.pk}/" not in listing


def test_a_ward_official_still_never_opens_a_consultation(cast, ward_official, client):
    consultation = make_consultation(cast.center2)
    client.force_login(ward_official)
    assert client.get(f"/consultations/{consultation.pk}/").status_code == 403
