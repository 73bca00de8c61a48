"""`?center=` on the meetings list and the 課題 register: a center the reader may not see answers
404, as the 月報, the 年度の実績 and the 事業評価 answer it (coordination.access), never the reader's
own list as if nothing had been asked."""

import re

import pytest
from django.test import Client

from coordination.models import Role, User
from tests.meetings.factories import make_issue, make_meeting

PAGES = ["/meetings/", "/meetings/issues/"]


@pytest.fixture
def records(cast):
    for center in (cast.center1, cast.center2):
        make_meeting(center, title=f"{center.code}の打ち合わせ会")
        make_issue(center, label=f"{center.code}-A")
    return cast


@pytest.fixture
def ward_official(records):
    """区役所 staff of 西区, which C02 alone covers."""
    user = User.objects.create(username="ward-west", role=Role.OFFICIAL, ward=records.ward2)
    client = Client()
    client.force_login(user)
    return client


def centers_listed(html):
    meetings = re.findall(r"(C0\d)の打ち合わせ会", html)
    issues = re.findall(r'data-issue="(C0\d)-A"', html)
    return sorted(set(meetings + issues))


@pytest.mark.parametrize("page", PAGES)
def test_a_ward_official_asking_for_a_center_outside_the_ward_gets_404(ward_official, page):
    assert ward_official.get(f"{page}?center=C01").status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_a_ward_official_filters_by_its_own_wards_center(ward_official, page):
    response = ward_official.get(f"{page}?center=C02")
    assert response.status_code == 200
    assert centers_listed(response.content.decode()) == ["C02"]
    # the choice offered is the ward's one center, by its code
    assert re.findall(r'<option value="(C0\d)"', response.content.decode()) == ["C02"]


@pytest.mark.parametrize("page", PAGES)
def test_an_unknown_center_is_404_for_a_city_wide_official_and_an_admin(client_for, records, page):
    for role in ("official", "admin"):
        assert client_for(role).get(f"{page}?center=C99").status_code == 404
        assert client_for(role).get(f"{page}?center=999999").status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_a_city_wide_official_filters_by_any_center_by_code_or_by_the_old_id_links(client_for, records, page):
    official = client_for("official")
    assert centers_listed(official.get(f"{page}?center=C01").content.decode()) == ["C01"]
    old_link = official.get(f"{page}?center={records.center1.pk}")
    assert centers_listed(old_link.content.decode()) == ["C01"]
    assert centers_listed(official.get(page).content.decode()) == ["C01", "C02"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(records, page):
    response = Client().get(f"{page}?center=C01")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_professional_may_not_open_the_register_whatever_the_center(client_for, records):
    assert client_for("professional").get("/meetings/issues/?center=C01").status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_the_other_centers_coordinator_still_reads_only_its_own_center(client_for, records, page):
    # A coordinator's list has no center filter: ?center= changes nothing, and never shows C01's.
    html = client_for("coordinator2").get(f"{page}?center=C01").content.decode()
    assert centers_listed(html) == ["C02"]
    assert 'name="center"' not in html
