"""事業評価's オ・カ・キ are counted where they live: consultations (延べ件数・実人数), training events held
for professionals (カ) and for the public (キ) with their attendance, a joint event under its
host and its co-hosts alike (as 研修の実績 counts it); each with its unit; in a fixed number of
queries."""

import pytest
from django.test import Client

from coordination.models import Role, User
from tests.consultations.factories import make_consultation
from tests.meetings.test_evaluation import figures
from tests.training.factories import make_event
from training.models import AttendanceCount, Item


@pytest.fixture
def joint(cast):
    """A public lecture hosted by C01 with C02 co-hosting, 12 attending; a C02 training, 8."""
    lecture = make_event(cast.center1, when=(2026, 9, 5, 13, 0), item=Item.PUBLIC, title="市民公開講座")
    lecture.co_host_centers.set([cast.center2])
    AttendanceCount.objects.create(event=lecture, profession=cast.nurse, count=12)
    training = make_event(cast.center2, when=(2026, 10, 5, 18, 0), item=Item.TRAINING)
    AttendanceCount.objects.create(event=training, profession=cast.nurse, count=8)
    make_consultation(cast.center2, (2026, 8, 3, 10, 0))
    return cast


def actual(got, item, measure):
    return got[(item, measure)]["actual"]


def test_a_co_hosting_center_counts_the_joint_event(client_for, joint):
    c2 = figures(client_for("admin"), "fiscal_year=2026&center=C02")
    assert actual(c2, "キ", "events") == "1" and actual(c2, "キ", "participants") == "12"
    assert actual(c2, "カ", "events") == "1" and actual(c2, "カ", "participants") == "8"
    assert actual(c2, "オ", "consultations") == "1"
    c1 = figures(client_for("admin"), "fiscal_year=2026&center=C01")
    assert actual(c1, "キ", "events") == "1" and actual(c1, "カ", "events") == "0"
    # the city counts the joint event once
    city = figures(client_for("admin"), "fiscal_year=2026")
    assert actual(city, "キ", "events") == "1" and actual(city, "キ", "participants") == "12"


def test_each_measure_says_its_unit_in_plain_words(client_for, joint):
    html = client_for("official").get("/meetings/evaluation/?fiscal_year=2026").content.decode()
    for label in (
        "相談の延べ件数（件）",
        "相談の実人数（人）",
        "研修の開催数（回）",
        "研修の参加人数（人）",
        "講座・講演会などの開催数（回）",
        "講座・講演会などの参加人数（人）",
    ):
        assert label in html, label


def test_a_ward_officials_page_reads_a_fixed_number_of_queries(joint, django_assert_num_queries):
    ward_official = User.objects.create(username="ward-west", role=Role.OFFICIAL, ward=joint.ward2)
    c = Client()
    c.force_login(ward_official)
    c.get("/meetings/evaluation/?fiscal_year=2026")
    with django_assert_num_queries(QUERIES) as first:
        c.get("/meetings/evaluation/?fiscal_year=2026")
    for day in (11, 12, 13):
        event = make_event(joint.center1, when=(2026, 11, day, 13, 0), item=Item.PUBLIC)
        event.co_host_centers.set([joint.center2])
        make_consultation(joint.center2, (2026, 11, day, 10, 0))
    with django_assert_num_queries(len(first.captured_queries)):
        c.get("/meetings/evaluation/?fiscal_year=2026")


# The session and the user; the ward's centers; the ward's figures (once: never the city's in their
# place), the ward's targets and the city's beside them; the 取組事例 and the ward's statistics.
QUERIES = 22
