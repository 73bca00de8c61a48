"""Cached page fragments (coordination.fragments) are never served after their data changed:
every way of writing the directory or a center's tallies moves the version in the key."""

import datetime
import re

import pytest
from django.db import connection

from consultations import tallies
from coordination.fragments import versions
from coordination.models import CenterClosure
from resources.models import ContactWindow, Facility, FacilityCapability
from tests.consultations.factories import make_consultation
from tests.resources.factories import capability, make_facility


def count(html):
    return int(re.search(r'data-result-count="(\d+)"', html).group(1))


def search(client, query):
    return client.get(f"/resources/?{query}").content.decode()


def test_every_kind_of_directory_write_moves_its_version(cast):
    facility = make_facility("版数医院")
    steps = [
        lambda: Facility.objects.filter(pk=facility.pk).update(phone="093-000-0000"),  # ORM update
        lambda: FacilityCapability.objects.create(facility=facility, capability=capability("home-visit")),
        lambda: facility.capabilities.clear(),  # M2M without saving the facility
        lambda: ContactWindow.objects.create(
            facility=facility, weekday=0, start=datetime.time(13), end=datetime.time(14)
        ),
        lambda: facility.services.add(facility.kind),
        lambda: connection.cursor().execute(  # SQL that bypasses the ORM altogether
            "UPDATE resources_facility SET fax = '093-111-1111' WHERE id = %s", [facility.pk]
        ),
        lambda: Facility.objects.filter(pk=facility.pk).delete(),
    ]
    seen = [versions("directory")["directory"]]
    for step in steps:
        step()
        seen.append(versions("directory")["directory"])
    assert all(b > a for a, b in zip(seen, seen[1:], strict=False)), seen


def test_a_cached_search_shows_a_new_and_a_renamed_facility_at_once(client_for, cast):
    client = client_for("professional")
    make_facility("キャッシュ内科医院")
    assert count(search(client, "q=キャッシュ")) == 1
    assert count(search(client, "q=キャッシュ")) == 1  # served from the cache
    second = make_facility("キャッシュ眼科医院")
    html = search(client, "q=キャッシュ")
    assert count(html) == 2 and "キャッシュ眼科医院" in html
    second.name = "別名の眼科"
    second.save()
    html = search(client, "q=キャッシュ")
    assert count(html) == 1 and "キャッシュ眼科医院" not in html


def test_a_cached_search_follows_a_capability_added_without_touching_the_facility(client_for, cast):
    client = client_for("anonymous")
    facility = make_facility("機能追加医院")
    assert count(search(client, f"capabilities={capability('home-visit').pk}")) == 0
    FacilityCapability.objects.create(facility=facility, capability=capability("home-visit"))
    assert count(search(client, f"capabilities={capability('home-visit').pk}")) == 1


def test_public_and_professional_views_are_cached_apart(client_for, cast):
    make_facility("直通医院", direct_phone="093-999-0001")
    professional = search(client_for("professional"), "q=直通")
    public = search(client_for("anonymous"), "q=直通")
    official = search(client_for("official"), "q=直通")
    assert "093-999-0001" in professional
    assert "093-999-0001" not in public and "093-999-0001" not in official
    assert "callable_now" in professional and "callable_now" not in public


def _total(html):
    """The 合計 of the 相談者 section's total row in the report page."""
    match = re.search(
        r'data-section="相談者" data-item="合計">.*?<td class="num" data-total>(\d+)</td>', html, re.S
    )
    return int(match.group(1))


def test_a_cached_report_counts_a_new_consultation_at_once(client_for, cast):
    official = client_for("official")
    make_consultation(cast.center1, (2026, 8, 3, 10, 0))
    url = "/consultations/reports/?year=2026&month=8"
    assert _total(official.get(url).content.decode()) == 1
    assert _total(official.get(url).content.decode()) == 1  # cached
    make_consultation(cast.center2, (2026, 8, 4, 10, 0))
    assert _total(official.get(url).content.decode()) == 2


def test_a_cached_report_follows_a_new_closed_day(client_for, cast):
    admin = client_for("admin")
    url = "/consultations/reports/?year=2026&month=9&center=C01"

    def open_days():
        html = admin.get(url).content.decode()
        match = re.search(r'data-item="窓口開設日数">.*?data-total>(\d+)<', html, re.S)
        return int(match.group(1))

    before = open_days()
    CenterClosure.objects.create(  # Tuesday 1 September 2026
        center=cast.center1, label="臨時", start_month=9, start_day=1, end_month=9, end_day=1, year=2026
    )
    assert open_days() == before - 1


def test_recount_moves_only_the_recounted_centers_version(cast):
    c1, c2 = tallies.version_name(cast.center1.pk), tallies.version_name(cast.center2.pk)
    before = versions(c1, c2)
    make_consultation(cast.center1, (2026, 8, 3, 10, 0))
    after = versions(c1, c2)
    assert after[c1] > before[c1] and after[c2] == before[c2]


@pytest.mark.parametrize("role", ["coordinator", "coordinator2"])
def test_a_coordinator_never_gets_the_cached_report_of_all_centers(client_for, cast, role):
    make_consultation(cast.center1, (2026, 8, 3, 10, 0))
    make_consultation(cast.center2, (2026, 8, 3, 11, 0))
    client_for("official").get("/consultations/reports/?year=2026&month=8")  # all centers, cached
    html = client_for(role).get("/consultations/reports/?year=2026&month=8").content.decode()
    assert _total(html) == 1
    assert ("C02" in html) == (role == "coordinator2") and ("C01" in html) == (role == "coordinator")


def test_the_cached_consultation_filter_follows_new_staff_and_topics(client_for, cast):
    from consultations.models import Topic
    from coordination.models import Role, User

    client = client_for("coordinator")
    assert "新人コーディネーター" not in client.get("/consultations/").content.decode()
    User.objects.create(
        username="newcomer", first_name="新人コーディネーター", role=Role.COORDINATOR, center=cast.center1
    )
    Topic.objects.create(name="新しい相談内容", sort_order=99)
    html = client.get("/consultations/").content.decode()
    assert "新人コーディネーター" in html and "新しい相談内容" in html


def test_the_cached_consultation_filter_lists_only_the_centers_own_staff(client_for, cast):
    from coordination.models import Role, User

    User.objects.create(username="east", first_name="東の職員", role=Role.COORDINATOR, center=cast.center1)
    User.objects.create(username="west", first_name="西の職員", role=Role.COORDINATOR, center=cast.center2)
    first = client_for("coordinator").get("/consultations/").content.decode()
    second = client_for("coordinator2").get("/consultations/").content.decode()
    assert "東の職員" in first and "西の職員" not in first
    assert "西の職員" in second and "東の職員" not in second
