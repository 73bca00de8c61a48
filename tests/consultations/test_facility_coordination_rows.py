"""The facility page's 「連絡調整の実績」: everyone it is shown to sees the totals of all centers;
the latest 10 rows (date, means, result, short note, link) only of the consultations the viewer
may open, logged as a list of the ids shown; the page's queries stay the same as rows grow."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import AccessLog
from tests.consultations.factories import TOKYO, coordinate, make_consultation
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def facility(cast):
    f = make_facility("連絡先クリニック")
    own = make_consultation(cast.center1, (2026, 8, 3, 10, 0), summary="東の相談")
    other = make_consultation(cast.center2, (2026, 8, 3, 10, 0), summary="西の相談")
    coordinate(
        own,
        f,
        "declined",
        reason="新規受入停止中",
        note="院長不在、来週再度",
        contacted_at=datetime.datetime(2026, 8, 3, 10, 30, tzinfo=TOKYO),
    )
    coordinate(
        other,
        f,
        "accepted",
        note="西センターのメモ",
        contacted_at=datetime.datetime(2026, 8, 4, 9, 0, tzinfo=TOKYO),
    )
    f.own, f.other = own, other
    return f


def rows(html):
    return re.findall(r'data-coordination-row="(\d+)"', html)


def test_a_coordinator_sees_the_latest_rows_of_its_own_center_with_a_link(client_for, cast, facility):
    html = client_for("coordinator").get(f"/resources/{facility.pk}/").content.decode()
    assert 'data-coordination-asked="2"' in html  # the totals stay all centers'
    assert len(rows(html)) == 1
    assert "2026/8/3 10:30" in html and "電話" in html and "受入不可（新規受入停止中）" in html
    assert "院長不在、来週再度" in html and f'href="/consultations/{facility.own.pk}/"' in html
    assert "西センターのメモ" not in html and f"/consultations/{facility.other.pk}/" not in html
    entry = AccessLog.objects.get()
    assert entry.action == "list" and entry.user == cast.coordinator and entry.shown == [facility.own.pk]


def test_another_centers_coordinator_sees_its_own_rows_only(client_for, cast, facility):
    html = client_for("coordinator2").get(f"/resources/{facility.pk}/").content.decode()
    assert 'data-coordination-asked="2"' in html
    assert len(rows(html)) == 1 and "西センターのメモ" in html and "院長不在" not in html


def test_a_coordinator_of_a_center_without_rows_sees_the_totals_only(client_for, cast):
    f = make_facility("西だけのクリニック")
    coordinate(make_consultation(cast.center2), f, "accepted", note="西のメモ")
    html = client_for("coordinator").get(f"/resources/{f.pk}/").content.decode()
    assert 'data-coordination-asked="1"' in html and not rows(html) and "西のメモ" not in html
    assert "data-facility-coordinations" not in html
    assert not AccessLog.objects.exists()  # nothing of a consultation shown, nothing logged


@pytest.mark.parametrize("role", ["professional", "official", "anonymous"])
def test_others_see_no_rows(client_for, facility, role):
    html = client_for(role).get(f"/resources/{facility.pk}/").content.decode()
    assert not rows(html) and "院長不在" not in html and "西センターのメモ" not in html
    assert not AccessLog.objects.exists()


def test_only_the_latest_ten_newest_first(client_for, cast, facility):
    for day in range(10, 22):
        coordinate(
            facility.own,
            facility,
            "pending",
            note=f"{day}日の電話",
            contacted_at=datetime.datetime(2026, 8, day, 9, 0, tzinfo=TOKYO),
        )
    html = client_for("coordinator").get(f"/resources/{facility.pk}/").content.decode()
    assert len(rows(html)) == 10
    assert html.index("21日の電話") < html.index("20日の電話") and "11日の電話" not in html


def test_the_facility_page_keeps_its_queries_as_rows_grow(
    client_for, cast, facility, django_assert_num_queries
):
    client = client_for("coordinator")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/resources/{facility.pk}/")
    for day in range(10, 25):
        coordinate(
            make_consultation(cast.center1, (2026, 8, day, 9, 0)),
            facility,
            "accepted",
            contacted_at=datetime.datetime(2026, 8, day, 9, 30, tzinfo=TOKYO),
        )
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(f"/resources/{facility.pk}/").content.decode()
    assert len(rows(html)) == 10


def test_the_candidates_for_a_name_list_those_in_the_clients_ward_first(client_for, cast):
    from coordination.models import Area

    far = make_facility("すこやかクリニック", area=cast.ward1)
    near = make_facility(
        "すこやかクリニック",
        area=Area.objects.create(name="西南圏域", kind=Area.Kind.DAILY, parent=cast.ward2),
    )
    c = make_consultation(cast.center1, client_area=cast.ward2)
    response = client_for("coordinator").post(
        f"/consultations/{c.pk}/coordinations/",
        {
            "co-facility_query": "すこやか",
            "co-contacted_at": "2026-08-03T10:00",
            "co-means": "phone",
            "co-result": "accepted",
        },
    )
    html = response.content.decode()
    # The one in 西区 (the client's ward, in one of its 圏域) is offered first.
    assert html.index(f'value="{near.pk}"') < html.index(f'value="{far.pk}"')
    # Choosing it records it (the check reads the candidates in the same order).
    client_for("coordinator").post(
        f"/consultations/{c.pk}/coordinations/",
        {
            "co-facility_query": "すこやか",
            "co-facility_choice": str(near.pk),
            "co-contacted_at": "2026-08-03T10:00",
            "co-means": "phone",
            "co-result": "accepted",
        },
    )
    assert c.coordinations.get().facility == near


@pytest.mark.parametrize(
    "role, scope",
    [
        ("coordinator", "東センターの相談で記録したものです。"),
        ("admin", "全センターの相談で記録したものです。"),
    ],
)
def test_the_panel_says_plainly_what_it_lists(client_for, cast, facility, role, scope):
    # Not 「最近の連絡調整（開ける相談の分…）」: what the rows are, and whose consultations they come from.
    html = client_for(role).get(f"/resources/{facility.pk}/").content.decode()
    count = len(rows(html))
    assert f"<h3>この施設への最近の連絡調整（新しい順に{count}件）</h3>" in html
    assert f'<p class="help" data-facility-coordinations-scope>{scope}</p>' in html
    assert "全センターの合計: 依頼" in html and "開ける相談" not in html
