"""A client's next consultation: started from the consultation page, linked to the client's first
consultation and filled with what describes the client; the first consultation's page lists its
follow-ups; the same-client search tells clients apart; a client living in another center's area
is said so."""

import re

import pytest

from consultations.models import AccessLog, ConsultantType, Consultation
from tests.consultations.factories import make_consultation, topic


@pytest.fixture
def first(cast):
    return make_consultation(
        cast.center1,
        (2026, 8, 3, 10, 0),
        consultant_name="佐藤",
        consultant_affiliation="△△ケアプランセンター",
        client_age=84,
        client_sex="female",
        client_area=cast.daily1,
        client_care_level="c5",
        client_condition="褥瘡",
        summary="訪問診療医を探したい",
    )


def test_the_page_offers_a_new_consultation_for_this_client_filled_with_the_client_only(
    client_for, first, cast
):
    follow_up = make_consultation(
        cast.center1,
        (2026, 8, 10, 10, 0),
        first_consultation=first,
        consultant_name="佐藤",
        client_age=84,
        client_sex="female",
        client_area=cast.daily1,
        client_care_level="c5",
        client_condition="褥瘡",
        summary="訪問診療医を探したい",
    )
    client = client_for("coordinator")
    html = client.get(f"/consultations/{follow_up.pk}/").content.decode()
    link = re.search(r'href="([^"]+)" data-new-for-client>この対象者の新しい相談を記録<', html).group(1)
    assert link.startswith("/consultations/new/?form=") and link.endswith(f"&amp;client={follow_up.pk}")
    seen = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first()
    form = client.get(link.replace("&amp;", "&")).content.decode()
    # Linked to the client's first consultation (the chain's first, not the page it came from).
    assert f'name="earlier" value="#{first.pk}"' in form
    assert 'name="client_condition" value="褥瘡"' in form
    assert re.search(r'name="client_age" value="84"', form)
    assert re.search(r'<input type="radio" name="client_sex" value="female"[^>]*checked', form)
    assert re.search(rf'<option value="{cast.daily1.pk}" selected>', form)
    assert re.search(r'<option value="c5" selected>', form)
    # Not the call's own fields: who phoned, about what, what was done.
    assert "佐藤" not in form and "△△ケアプランセンター" not in form and "訪問診療医を探したい" not in form
    assert f'data-same-client-of="{follow_up.pk}"' in form
    # The client's details came from a record: that opening is logged.
    log = AccessLog.objects.get(pk__gt=seen)
    assert log.consultation == follow_up and log.user == cast.coordinator


def test_another_centers_client_cannot_start_a_new_consultation(client_for, first):
    assert client_for("coordinator2").get(f"/consultations/new/?client={first.pk}").status_code == 404


def test_the_new_consultation_saved_from_it_is_linked_to_the_first(client_for, first, cast):
    data = {
        "consultant_type": ConsultantType.objects.get(name="訪問看護").pk,
        "topic_ids": [topic("連絡調整").pk],
        "received_at": "2026-08-25T10:00",
        "method": "phone",
        "status": "open",
        "earlier": f"#{first.pk}",
        "client_age": "84",
        "client_area": cast.daily1.pk,
    }
    response = client_for("coordinator").post(f"/consultations/new/?client={first.pk}", data)
    assert response.status_code == 302
    assert Consultation.objects.latest("pk").first_consultation == first


def test_the_first_consultations_page_lists_its_follow_ups(client_for, first, cast):
    a = make_consultation(cast.center1, (2026, 8, 10, 10, 0), first_consultation=first)
    b = make_consultation(cast.center1, (2026, 8, 20, 10, 0), first_consultation=first, status="done")
    other = make_consultation(cast.center1, (2026, 8, 21, 10, 0))
    client = client_for("coordinator")
    html = client.get(f"/consultations/{first.pk}/").content.decode()
    assert "同じ対象者の以降の相談" in html
    assert re.findall(r'data-follow-up="(\d+)"', html) == [str(a.pk), str(b.pk)]
    assert "2026年8月20日（完了）" in html and f'data-follow-up="{other.pk}"' not in html
    # A follow-up names the first and the client's other follow-ups.
    html = client.get(f"/consultations/{a.pk}/").content.decode()
    assert "同じ対象者のほかの相談" in html and re.findall(r'data-follow-up="(\d+)"', html) == [str(b.pk)]
    html = client.get(f"/consultations/{other.pk}/").content.decode()
    assert "data-follow-up" not in html and "同じ対象者の以降の相談" not in html


def test_the_consultation_page_keeps_its_queries_as_follow_ups_and_consents_grow(
    client_for, first, cast, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consultations.models import Consent

    client = client_for("coordinator")

    def grow():
        c = make_consultation(cast.center1, (2026, 8, 10, 10, 0), first_consultation=first)
        Consent.objects.create(
            consultation=c, consented_by="本人", consented_on=c.received_at.date(), how="oral"
        )

    grow()
    with CaptureQueriesContext(connection) as one:
        client.get(f"/consultations/{first.pk}/")
    for _ in range(3):
        grow()
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(f"/consultations/{first.pk}/").content.decode()
    assert len(re.findall(r"data-follow-up=", html)) == 4 and len(re.findall(r"data-consent=", html)) == 4


def test_the_same_client_search_tells_clients_apart_by_sex_and_area_and_logs_the_rows(
    client_for, first, cast
):
    man = make_consultation(
        cast.center1, (2026, 8, 5, 10, 0), client_age=83, client_sex="male", client_condition="褥瘡"
    )
    html = client_for("coordinator").get("/consultations/same-client/", {"q": "褥瘡"}).content.decode()
    assert '<th scope="col">性別</th><th scope="col">居住地域</th>' in html
    row = re.search(rf'<tr data-same-client="{first.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "<td>女性</td><td>東北圏域</td>" in row
    row = re.search(rf'<tr data-same-client="{man.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "<td>男性</td><td>—</td>" in row
    log = AccessLog.objects.get(action="list")
    assert sorted(log.shown) == sorted([first.pk, man.pk])


def _new_consultation(client, area):
    return client.post(
        "/consultations/new/",
        {
            "consultant_type": ConsultantType.objects.get(name="ケアマネジャー").pk,
            "topic_ids": [topic("連絡調整").pk],
            "received_at": "2026-08-25T10:00",
            "method": "phone",
            "status": "open",
            "client_area": area.pk,
        },
        follow=True,
    )


def test_a_client_living_in_another_centers_area_is_said_after_saving_and_on_the_page(client_for, cast):
    html = _new_consultation(client_for("coordinator"), cast.ward2).content.decode()
    c = Consultation.objects.get()
    # The record stays with the center that took the call, and is counted there.
    assert c.center == cast.center1
    assert "西区は西センターの担当地域です。" in html
    assert "受け付けた東センターの記録・月報の件数として残ります" in html
    assert "data-other-center-area>西センターの担当地域<" in html
    # Said once, on saving: the page itself keeps only the badge.
    again = client_for("coordinator").get(f"/consultations/{c.pk}/").content.decode()
    assert "西区は西センターの担当地域です。" not in again and "data-other-center-area" in again


def test_a_client_in_the_centers_own_area_or_its_daily_area_is_said_nothing(client_for, cast):
    client = client_for("coordinator")
    for area in (cast.ward1, cast.daily1):
        html = _new_consultation(client, area).content.decode()
        assert "の担当地域です" not in html and "data-other-center-area" not in html, area
