"""実人数 and 延べ件数: a consultation linked to an earlier one of the same client."""

import csv
import io

import pytest

from consultations.models import Consultation
from tests.consultations.factories import make_consultation


@pytest.fixture
def clients(cast):
    first = make_consultation(cast.center1, (2026, 8, 3, 10, 0), client_age=82, client_condition="褥瘡")
    again = make_consultation(cast.center1, (2026, 8, 10, 10, 0), first_consultation=first)
    third = make_consultation(cast.center1, (2026, 8, 20, 10, 0), first_consultation=first)
    other = make_consultation(cast.center1, (2026, 8, 21, 10, 0), client_age=70)
    theirs = make_consultation(cast.center2, (2026, 8, 4, 10, 0), client_age=82, client_condition="褥瘡")
    return cast, first, again, third, other, theirs


def figures(client, query="year=2026&month=8"):
    body = client.get(f"/consultations/reports/?{query}&format=csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    header = table[0]
    # The month's columns (a 月報's CSV goes on with the 年度累計 ones).
    month = [name for name in header[2:] if not name.startswith(("年度累計", "累計 "))]
    return {
        r[1]: {k: v for k, v in zip(header[2:], r[2:], strict=True) if k in month}
        for r in table[1:]
        if r[0] == "相談件数"
    }


def test_the_report_gives_persons_and_consultations(client_for, clients):
    got = figures(client_for("admin"))
    # C01: 4 consultations about 2 clients (first + 2 repeats, and another); C02: 1 and 1.
    assert got["実人数（同じ対象者は1人）"] == {"合計": "3", "C01": "2", "C02": "1", "最少": "1", "最大": "2"}
    assert got["延べ件数"] == {"合計": "5", "C01": "4", "C02": "1", "最少": "1", "最大": "4"}


def test_a_repeat_in_a_later_month_counts_as_a_person_of_that_month(client_for, clients):
    cast, first, *_ = clients
    make_consultation(cast.center1, (2026, 9, 1, 10, 0), first_consultation=first)
    got = figures(client_for("admin"), "year=2026&month=9&center=C01")
    assert got["実人数（同じ対象者は1人）"]["C01"] == "1" and got["延べ件数"]["C01"] == "1"
    fy = figures(client_for("admin"), "fiscal_year=2026&center=C01")
    assert fy["実人数（同じ対象者は1人）"]["C01"] == "2" and fy["延べ件数"]["C01"] == "5"


def _form_data(consultation_type_id, topic_id, earlier):
    return {
        "consultant_type": consultation_type_id,
        "topic_ids": [topic_id],
        "received_at": "2026-08-25T10:00",
        "method": "phone",
        "status": "open",
        "earlier": earlier,
    }


def test_linking_on_the_form_stores_the_clients_first_consultation(client_for, clients):
    cast, first, again, *_ = clients
    from consultations.models import ConsultantType, Topic

    data = _form_data(
        ConsultantType.objects.first().pk, Topic.objects.get(name="連絡調整").pk, f"#{again.pk}"
    )
    response = client_for("coordinator").post("/consultations/new/", data)
    assert response.status_code == 302
    newest = Consultation.objects.latest("pk")
    assert newest.first_consultation_id == first.pk  # the chain's first, not the one typed


def test_another_centers_consultation_cannot_be_linked_or_found(client_for, clients):
    cast, first, again, third, other, theirs = clients
    from consultations.models import ConsultantType, Topic

    data = _form_data(
        ConsultantType.objects.first().pk, Topic.objects.get(name="連絡調整").pk, f"#{theirs.pk}"
    )
    response = client_for("coordinator").post("/consultations/new/", data)
    assert response.status_code == 200
    assert f"相談 #{theirs.pk} はこのセンターの記録にありません" in response.content.decode()
    assert not Consultation.objects.filter(received_at__day=25).exists()
    html = (
        client_for("coordinator")
        .get("/consultations/same-client/", {"q": "褥瘡", "age": "80"})
        .content.decode()
    )
    assert f'data-same-client="{first.pk}"' in html and f'data-same-client="{theirs.pk}"' not in html
    assert f'data-same-client="{other.pk}"' not in html


def test_the_same_client_search_query_count_is_fixed(client_for, clients, django_assert_num_queries):
    c = client_for("coordinator")
    with django_assert_num_queries(4):  # the session, the user, the rows (one join each), the access log
        c.get("/consultations/same-client/", {"age": "80"})


def test_the_consultation_page_links_to_the_clients_first_consultation(client_for, clients):
    cast, first, again, *_ = clients
    html = client_for("coordinator").get(f"/consultations/{again.pk}/").content.decode()
    assert f'href="/consultations/{first.pk}/">相談 #{first.pk}</a>' in html
