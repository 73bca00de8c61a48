"""A follow-up date on a consultation that is 完了 still reminds: a coordinator who closes a case
but sets a day to call the family back sees it on the home panel and in the list's follow-up
filter until the date is cleared."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import ConsultantType, Consultation
from tests.consultations.factories import make_consultation, topic
from tests.consultations.test_consultations import form_data

pytestmark = pytest.mark.django_db

PAST = datetime.date(2026, 1, 6)


def panel(html):
    """The home panel's 「フォロー期日が来ている相談」 list."""
    start = html.index("フォロー期日が来ている相談")
    return html[start : html.index("相談を記録する", start)]


@pytest.fixture
def closed_with_date(cast):
    return make_consultation(
        cast.center1, (2026, 1, 5, 10, 0), status="done", follow_up_on=PAST, summary="家族に折り返す"
    )


def test_a_closed_consultation_whose_follow_up_has_come_is_on_the_home_panel_marked_closed(
    client_for, cast, closed_with_date
):
    still_open = make_consultation(
        cast.center1, (2026, 1, 5, 11, 0), status="open", follow_up_on=PAST, summary="まだ対応中"
    )
    make_consultation(cast.center1, (2026, 1, 5, 12, 0), status="done", summary="日付のない完了")
    html = panel(client_for("coordinator").get("/").content.decode())
    assert f"/consultations/{closed_with_date.pk}/" in html and "家族に折り返す" in html
    assert f"/consultations/{still_open.pk}/" in html and "まだ対応中" in html
    assert "日付のない完了" not in html
    # Only the closed one says so.
    assert html.count("（完了）") == 1
    row = re.search(r"<li>(.*?)</li>", html[html.index(f"/consultations/{closed_with_date.pk}/") - 20 :])
    assert "（完了）" in row.group(1)


def test_a_closed_consultation_whose_follow_up_has_come_is_in_the_list_filter(
    client_for, cast, closed_with_date
):
    make_consultation(cast.center1, (2026, 1, 5, 12, 0), status="done", summary="日付のない完了")
    make_consultation(
        cast.center1,
        (2026, 1, 5, 12, 0),
        status="done",
        follow_up_on=datetime.date(2099, 1, 1),
        summary="まだ先の期日",
    )
    html = client_for("coordinator").get("/consultations/?follow_up_due=on").content.decode()
    assert 'data-result-count="1"' in html and "家族に折り返す" in html


def test_clearing_the_date_on_the_form_ends_the_reminder(client_for, cast, closed_with_date):
    client = client_for("coordinator")
    data = form_data(
        received_at="2026-01-05T10:00",
        consultant_type=ConsultantType.objects.get(name="ケアマネジャー").pk,
        topic_ids=[topic("連絡調整").pk],
        status="done",
        summary="家族に折り返す",
        follow_up_on="",
        version=str(closed_with_date.version),
    )
    assert client.post(f"/consultations/{closed_with_date.pk}/edit/", data).status_code == 302
    closed_with_date.refresh_from_db()
    assert closed_with_date.follow_up_on is None
    assert "家族に折り返す" not in panel(client.get("/").content.decode())
    html = client.get("/consultations/?follow_up_due=on").content.decode()
    assert 'data-result-count="0"' in html
    assert not Consultation.objects.follow_ups_due().exists()


def test_the_form_says_a_date_on_a_closed_consultation_still_reminds(client_for, cast, closed_with_date):
    html = client_for("coordinator").get(f"/consultations/{closed_with_date.pk}/edit/").content.decode()
    field = html[html.index('name="follow_up_on"') - 1500 : html.index('name="follow_up_on"') + 1500]
    assert "「完了」にしても" in field and "日付を消してください" in field


def test_the_home_page_keeps_its_queries_as_closed_follow_ups_grow(
    client_for, cast, closed_with_date, django_assert_num_queries
):
    client = client_for("coordinator")
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for i in range(4):
        make_consultation(cast.center1, (2026, 1, 5, 13, i), status="done", follow_up_on=PAST)
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get("/").content.decode()
    assert panel(html).count("（完了）") == 5


def test_another_centers_closed_follow_up_is_not_on_the_panel(client_for, cast):
    make_consultation(cast.center2, (2026, 1, 5, 10, 0), status="done", follow_up_on=PAST, summary="西の相談")
    assert "西の相談" not in client_for("coordinator").get("/").content.decode()
