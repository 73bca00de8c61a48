"""The directory's upkeep lists (変更申請, 再確認リスト) show a center's coordinator, by default, the
rows of facilities in the areas its center covers (a ward's 圏域 included) and those no center
covers, with 「すべて」 to see every center's: the directory is one, kept by every center's
staff. Admins see all, with no choice to make. The home panel counts what the lists show."""

import datetime
import re

import pytest
from django.utils import timezone

from resources import updates
from resources.models import ChangeRequest, Recheck
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db

CHANGES, RECHECKS = "/resources/changes/", "/resources/rechecks/"


@pytest.fixture
def rows(cast):
    """A facility in each kind of place, each with a waiting change request and an open re-check."""
    places = {
        "東区の医院": cast.ward1,
        "東北圏域の医院": cast.daily1,  # inside 東区: 東センター's
        "西区の医院": cast.ward2,
        "地域なしの医院": None,
        "市全体の医院": cast.city,  # no center covers the city itself
    }
    for name, area in places.items():
        facility = make_facility(name, area=area)
        before = updates.snapshot(facility)
        ChangeRequest.objects.create(
            facility=facility, before=before, proposed={**before, "contact_person": "新しい担当"}
        )
        # A user's report from the facility page: no center's call opened it.
        Recheck.objects.create(facility=facility, reason="wrong")
    return places


def _names(html, marker):
    return sorted(re.findall(rf"<tr {marker}=\"\d+\">.*?([^\s<>\"]+の医院)", html, re.S))


EAST = sorted(["東区の医院", "東北圏域の医院", "地域なしの医院", "市全体の医院"])
WEST = sorted(["西区の医院", "地域なしの医院", "市全体の医院"])
EVERY = sorted(["東区の医院", "東北圏域の医院", "西区の医院", "地域なしの医院", "市全体の医院"])


@pytest.mark.parametrize(("url", "marker"), [(CHANGES, "data-change-request"), (RECHECKS, "data-recheck")])
def test_a_coordinator_sees_its_own_centers_areas_by_default_and_all_on_asking(client_for, rows, url, marker):
    coordinator = client_for("coordinator")
    html = coordinator.get(url).content.decode()
    assert _names(html, marker) == EAST
    assert 'data-scope="own"' in html
    assert '<a href="?" aria-current="page">自センターの地域</a>' in html
    assert '<a href="?scope=all">すべて</a>' in html
    everything = coordinator.get(f"{url}?scope=all").content.decode()
    assert _names(everything, marker) == EVERY and 'data-scope="all"' in everything
    assert '<a href="?scope=all" aria-current="page">すべて</a>' in everything
    assert _names(client_for("coordinator2").get(url).content.decode(), marker) == WEST


@pytest.mark.parametrize(("url", "marker"), [(CHANGES, "data-change-request"), (RECHECKS, "data-recheck")])
def test_an_admin_sees_every_row_with_no_choice_to_make(client_for, rows, url, marker):
    html = client_for("admin").get(url).content.decode()
    assert _names(html, marker) == EVERY and "data-scope" not in html


def test_the_status_tabs_count_and_keep_the_chosen_scope(client_for, rows):
    coordinator = client_for("coordinator")
    html = coordinator.get(CHANGES).content.decode()
    assert '<a href="?status=pending" aria-current="page">承認待ち（4）</a>' in html
    everything = coordinator.get(f"{CHANGES}?scope=all").content.decode()
    assert '<a href="?scope=all&amp;status=pending" aria-current="page">承認待ち（5）</a>' in everything
    # The scope's own tabs keep the status chosen.
    decided = coordinator.get(f"{CHANGES}?status=all").content.decode()
    assert '<a href="?status=all&amp;scope=all">すべて</a>' in decided
    closed = coordinator.get(f"{RECHECKS}?scope=all").content.decode()
    assert '<a href="?scope=all&amp;closed=1">確認済みのものを見る</a>' in closed


def test_a_recheck_the_centers_own_call_opened_is_its_own_wherever_the_facility_is(client_for, cast, rows):
    west = make_facility("西区の訪問看護", area=cast.ward2)
    heard = Recheck.objects.create(
        facility=west, reason="stopped", center=cast.center1, origin="相談 #8（受入停止中）"
    )
    coordinator = client_for("coordinator")
    assert f'<tr data-recheck="{heard.pk}">' in coordinator.get(RECHECKS).content.decode()
    assert 'data-open-rechecks="5"' in coordinator.get("/").content.decode()
    # Answered from 「すべて」, the list comes back as it was shown.
    response = coordinator.post(
        f"/resources/rechecks/{heard.pk}/close/", {"note": "電話で確認した", "scope": "all"}
    )
    assert response.url == f"{RECHECKS}?scope=all"


def test_the_home_panel_counts_what_the_lists_show_by_default(client_for, rows):
    for role, n in (("coordinator", 4), ("coordinator2", 3), ("admin", 5)):
        home = client_for(role).get("/").content.decode()
        assert f'data-open-rechecks="{n}"' in home and f'data-pending-changes="{n}"' in home, role


def test_a_closed_centers_areas_are_everyones(client_for, cast, rows):
    cast.center2.closed_on = timezone.localdate() - datetime.timedelta(days=1)
    cast.center2.save()
    html = client_for("coordinator").get(CHANGES).content.decode()
    assert _names(html, "data-change-request") == EVERY


def test_a_center_covering_no_area_sees_every_row(client_for, cast, rows):
    cast.center2.areas.clear()
    html = client_for("coordinator2").get(RECHECKS).content.decode()
    assert _names(html, "data-recheck") == EVERY and "data-scope" not in html


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("professional", 403), ("official", 403)])
def test_outsiders_get_neither_list(client_for, rows, role, status):
    for url in (CHANGES, f"{CHANGES}?scope=all", RECHECKS, f"{RECHECKS}?scope=all"):
        assert client_for(role).get(url).status_code == status, url


def test_the_change_request_list_query_count_does_not_grow(client_for, cast, django_assert_num_queries):
    coordinator = client_for("coordinator")

    def add(n):
        for _ in range(n):
            facility = make_facility(f"医院{ChangeRequest.objects.count()}", area=cast.ward1)
            before = updates.snapshot(facility)
            ChangeRequest.objects.create(facility=facility, before=before, proposed={**before, "fax": "1"})

    add(2)
    coordinator.get(CHANGES)
    # session, user, the areas its center keeps, the status counts, the page's count, the page
    with django_assert_num_queries(6):
        coordinator.get(CHANGES)
    add(5)
    with django_assert_num_queries(6):
        assert coordinator.get(CHANGES).content.decode().count("data-change-request=") == 7
    with django_assert_num_queries(6):
        assert coordinator.get(f"{CHANGES}?scope=all").content.decode().count("data-change-request=") == 7
