"""Respondent facilities of the same name are told apart by their address on the
respondents, reminders and 空床への反映 pages, which keep their queries as the lists grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys import services
from surveys.models import Respondent
from tests.resources.factories import make_facility
from tests.surveys.factories import vacancy_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(cast):
    s = vacancy_survey(cast.center1)
    east = make_facility("みどりショートステイ", "short-stay", area=cast.ward1, address="テスト市東区1-1")
    west = make_facility("みどりショートステイ", "short-stay", area=cast.ward2, address="テスト市西区2-2")
    keys = {q.key: q.pk for q in s.questions.all()}
    for f in (east, west):
        r = Respondent.objects.create(survey=s, kind=Respondent.Kind.FACILITY, facility=f, label=f.name)
        services.submit_answers(
            None, r, {keys["as_of"]: "2026-12-01", keys["capacity"]: 20, keys["vacant_beds"]: 2}
        )
    Respondent.objects.create(
        survey=s,
        kind=Respondent.Kind.FACILITY,
        facility=make_facility(
            "みどりショートステイ", "short-stay", area=cast.ward2, address="テスト市西区3-3"
        ),
        label="みどりショートステイ",
    )
    return s


@pytest.mark.parametrize("page", ["audience", "reminders", "vacancies"])
def test_each_list_says_where_the_facility_is(client_for, survey, page):
    html = client_for("coordinator").get(f"/surveys/{survey.pk}/{page}/").content.decode()
    expected = {
        "audience": ["テスト市東区1-1", "テスト市西区2-2", "テスト市西区3-3"],
        "reminders": ["テスト市西区3-3"],
        "vacancies": ["テスト市東区1-1", "テスト市西区2-2"],
    }[page]
    for place in expected:
        assert f"data-facility-place>{place}</small>" in html


@pytest.mark.parametrize("page", ["audience", "reminders"])
def test_the_lists_keep_their_queries(client_for, survey, cast, page, django_assert_num_queries):
    """A facility without an address is shown by its ward (Facility.place), read with its area."""
    client = client_for("coordinator")
    url = f"/surveys/{survey.pk}/{page}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        Respondent.objects.create(
            survey=survey,
            kind=Respondent.Kind.FACILITY,
            # No address and a 圏域: placed by the ward above it, read with the area (no query more).
            facility=make_facility(f"施設{n}", "short-stay", area=cast.daily1, address=""),
            label=f"施設{n}",
        )
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)
