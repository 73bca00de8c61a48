"""Survey links sent without the portal's email: a CSV for mail merge (施設名, 住所, FAX, メール,
回答URL) and a printed request sheet per facility with its link as text and a QR code."""

import csv
import io

import pytest
from django.test import Client

from coordination.models import AuditEvent
from surveys.models import Respondent, Survey
from tests.resources.factories import make_facility
from tests.surveys.factories import make_survey, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(cast):
    s = make_survey(cast.center1, title="空床状況調査")
    question(s, "q1", choices=["はい", "いいえ"])
    east = make_facility(
        "みどりショートステイ",
        "short-stay",
        area=cast.ward1,
        address="テスト市東区1-1",
        fax="093-000-0001",
        contact_fax="093-000-0009",
        contact_email="midori@example.jp",
    )
    west = make_facility("みどりショートステイ", "short-stay", area=cast.ward2, address="テスト市西区2-2")
    for f in (east, west):
        Respondent.objects.create(
            survey=s, kind=Respondent.Kind.FACILITY, facility=f, label=f.name, group="短期入所"
        )
    Respondent.objects.filter(facility=west).update(submitted_at=s.opens_at)
    return s


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_each_facilitys_place_fax_mail_and_own_link(client_for, survey):
    response = client_for("coordinator").get(f"/surveys/{survey.pk}/letters.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *rows = _rows(response)
    assert header[:7] == ["施設名", "区分", "地域", "住所", "FAX", "メールアドレス", "回答URL"]
    east = next(r for r in rows if r[2] == "東区")
    assert east[3:6] == ["テスト市東区1-1", "093-000-0009", "midori@example.jp"]
    token = survey.respondents.get(facility__area__name="東区").token
    assert east[6] == f"http://testserver/surveys/r/{token}/"
    assert len(rows) == 2
    pending = _rows(client_for("coordinator").get(f"/surveys/{survey.pk}/letters.csv?pending=1"))
    assert [r[2] for r in pending[1:]] == ["東区"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, detail__contains="依頼状のCSV").exists()


def test_the_printed_sheets_one_per_facility_with_the_link_as_text_and_a_qr_code(client_for, survey):
    client = client_for("coordinator")
    html = client.get(f"/surveys/{survey.pk}/letters/").content.decode()
    assert html.count("data-survey-letter=") == 2 and html.count("<svg") == 2
    for r in survey.respondents.all():
        url = f"http://testserver/surveys/r/{r.token}/"
        assert f'<figcaption class="survey-link__url" data-answer-url>{url}</figcaption>' in html
    one = survey.respondents.get(facility__area__name="西区")
    single = client.get(f"/surveys/{survey.pk}/letters/?respondent={one.pk}").content.decode()
    assert single.count("data-survey-letter=") == 1 and "テスト市西区2-2" in single
    assert (
        client.get(f"/surveys/{survey.pk}/letters/?pending=1").content.decode().count("data-survey-letter=")
        == 1
    )
    assert client.get(f"/surveys/{survey.pk}/letters/?respondent=999999").status_code == 404
    assert client.get(f"/surveys/{survey.pk}/letters/?respondent=x").status_code == 404
    audience = client.get(f"/surveys/{survey.pk}/audience/").content.decode()
    assert f"/surveys/{survey.pk}/letters.csv" in audience and f"?respondent={one.pk}" in audience


def test_a_request_sheet_says_whom_to_ask_with_the_centers_phone_and_fax(client_for, survey, cast):
    cast.center1.phone, cast.center1.fax = "093-000-0001", "093-000-0002"
    cast.center1.save()
    html = client_for("coordinator").get(f"/surveys/{survey.pk}/letters/").content.decode()
    assert (
        html.count("ご不明な点は東センター（電話 093-000-0001・FAX 093-000-0002）へお問い合わせください。")
        == 2
    )


@pytest.mark.parametrize("url", ["letters/", "letters.csv"])
def test_who_may_take_the_links(client_for, survey, cast, url):
    path = f"/surveys/{survey.pk}/{url}"
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client_for("professional").get(path).status_code == 403
    assert client_for("official").get(path).status_code == 403
    assert client_for("coordinator2").get(path).status_code == 404  # another center's survey
    city = make_survey(None, title="市の調査")
    assert client_for("coordinator").get(f"/surveys/{city.pk}/{url}").status_code == 403  # the admins'
    assert client_for("admin").get(path).status_code == 200


def test_an_open_link_survey_has_no_letters(client_for, cast):
    s = make_survey(cast.center1, audience=Survey.Audience.LINK)
    assert client_for("coordinator").get(f"/surveys/{s.pk}/letters/").status_code == 404


def test_the_request_sheets_keep_their_queries_as_respondents_grow(
    client_for, survey, cast, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("coordinator")
    url = f"/surveys/{survey.pk}/letters/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        facility = make_facility(f"施設{n}", "short-stay", area=cast.ward1, address=f"テスト市東区{n}-1")
        Respondent.objects.create(
            survey=survey,
            kind=Respondent.Kind.FACILITY,
            facility=facility,
            label=facility.name,
            group="短期入所",
        )
    with django_assert_num_queries(len(before.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("data-survey-letter=") == 7
