"""重複の可能性 (/resources/duplicates/): each pair is decided by an admin, 「重複ではない」 (the pair
is not proposed again, who and when kept, reversible) or 「同じ施設: こちらを残す」 (the other entry
closed as merged into the kept one, nothing of other apps moved); closed entries and one office's
separate services are never proposed (the admin side: test_facility_admin_delete.py)."""

from pathlib import Path

import pytest
from django.utils import timezone

from coordination.models import AuditEvent
from resources import imports
from resources.duplicates import find_pairs, possible_duplicates
from resources.models import DuplicateDismissal, Facility, UpdateLink
from tests.resources.factories import kind, make_facility

pytestmark = pytest.mark.django_db

URL = "/resources/duplicates/"
DISMISSED_URL = "/resources/duplicates/dismissed/"


def pair(name="ひまわり医院", **fields):
    """Two entries of one clinic: the same name and phone, another number."""
    fields.setdefault("phone", "093-111-1111")
    return make_facility(name, **fields), make_facility(name, address="別の書き方の住所", **fields)


def keys(pairs):
    return [(a.pk, b.pk) for a, b in pairs]


def test_not_a_duplicate_takes_the_pair_off_the_list_and_records_who_and_when(client_for, cast):
    a, b = pair()
    client = client_for("admin")
    assert f'data-pair="{a.pk}-{b.pk}"' in client.get(URL).content.decode()
    response = client.post(URL, {"decision": "dismiss", "first": b.pk, "second": a.pk})
    assert response.status_code == 302 and response.url == URL
    dismissal = DuplicateDismissal.objects.get()
    assert (dismissal.first, dismissal.second, dismissal.dismissed_by) == (a, b, cast.admin)
    assert dismissal.dismissed_at is not None
    event = AuditEvent.objects.get(object_type="resources.DuplicateDismissal")
    assert event.action == "create" and event.username == "admin" and "重複ではない" in event.detail
    html = client.get(URL).content.decode()
    assert f'data-pair="{a.pk}-{b.pk}"' not in html and "重複ではないとした組（1組）" in html
    assert possible_duplicates() == []  # nor in an import's summary
    assert Facility.objects.open().count() == 2  # nothing closed


def test_a_dismissed_pair_is_proposed_again_from_the_list_of_dismissed_pairs(client_for, cast):
    a, b = pair()
    client = client_for("admin")
    client.post(URL, {"decision": "dismiss", "first": a.pk, "second": b.pk})
    dismissal = DuplicateDismissal.objects.get()
    html = client.get(DISMISSED_URL).content.decode()
    assert f'data-dismissal="{dismissal.pk}"' in html and "admin" in html
    assert f'href="/resources/{a.pk}/"' in html and f'href="/resources/{b.pk}/"' in html
    response = client.post(DISMISSED_URL, {"dismissal": dismissal.pk})
    assert response.status_code == 302 and response.url == DISMISSED_URL
    assert not DuplicateDismissal.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="resources.DuplicateDismissal", action="delete", detail="重複の可能性に戻す"
    ).exists()
    assert f'data-pair="{a.pk}-{b.pk}"' in client.get(URL).content.decode()


@pytest.mark.parametrize("keep_first", [True, False])
def test_keep_this_one_closes_the_other_as_merged_into_it(client_for, cast, keep_first):
    a, b = pair()
    kept, other = (a, b) if keep_first else (b, a)
    client = client_for("admin")
    response = client.post(URL, {"decision": "keep", "keep": kept.pk, "other": other.pk}, follow=True)
    # The two have one name: the message tells them apart by kind and number.
    assert (
        f"「ひまわり医院」（診療所・{other.code}）を廃止し、「ひまわり医院」（診療所・{kept.code}）に統合しました"
        in (response.content.decode())
    )
    other.refresh_from_db()
    kept.refresh_from_db()
    assert other.closed_on == timezone.localdate() and other.merged_into == kept
    assert other.updated_by == cast.admin
    assert kept.closed_on is None and kept.merged_into is None
    closed_note = other.changes.get().fields
    assert closed_note[0] == "廃止日" and f"ID {kept.pk}" in closed_note[1] and "統合" in closed_note[1]
    assert f"ID {other.pk}" in kept.changes.get().fields[0]
    event = AuditEvent.objects.get(object_type="resources.Facility", object_id=str(other.pk))
    assert event.action == "update" and f"ID {kept.pk}" in event.detail
    assert find_pairs().duplicates == []
    # The closed entry's page says where it went; the search no longer finds it.
    html = client_for("anonymous").get(f"/resources/{other.pk}/").content.decode()
    assert f'data-merged-into="{kept.pk}"' in html and f'href="/resources/{kept.pk}/"' in html
    assert "data-closed-on" in html
    found = client_for("anonymous").get("/resources/?q=ひまわり医院").content.decode()
    assert 'data-result-count="1"' in found and f'href="/resources/{kept.pk}/?back=' in found


def test_closing_a_duplicate_keeps_every_reference_to_it(client_for, cast):
    from tests.consultations.factories import coordinate, make_consultation
    from tests.rota.factories import make_rota, make_shift

    kept, other = pair()
    row = coordinate(make_consultation(cast.center1), other)
    shift = make_shift(make_rota(cast.center1), (2026, 8, 1, 18), (2026, 8, 2, 9), facility=other)
    link = UpdateLink.objects.create(facility=other, contact="事務長")
    client_for("admin").post(URL, {"decision": "keep", "keep": kept.pk, "other": other.pk})
    row.refresh_from_db()
    shift.refresh_from_db()
    link.refresh_from_db()
    assert (row.facility_id, shift.facility_id, link.facility_id) == (other.pk, other.pk, other.pk)
    assert Facility.objects.filter(pk=other.pk, closed_on__isnull=False).exists()


def test_closed_facilities_never_appear_in_pairs(client_for, cast):
    a, b = pair(missing_since=timezone.localdate())
    client = client_for("admin")
    assert "1組" in client.get(URL).content.decode()
    # 廃止 on the list of facilities gone from the national data takes the pair off too.
    client.post("/resources/missing/", {"facility": b.pk, "decision": "close"})
    assert find_pairs().duplicates == [] and find_pairs().other_services == []
    assert "見つかりませんでした" in client.get(URL).content.decode()
    c = make_facility("ひまわり医院", phone="093-111-1111", closed_on=timezone.localdate())
    assert possible_duplicates(only_ids=[a.pk, c.pk]) == []


def test_one_office_registered_for_two_services_is_shown_apart(client_for, cast):
    rent = make_facility("福祉用具のひまわり", kind_code="welfare-equipment", code="4070102761")
    sell = make_facility("福祉用具のひまわり", kind_code="equipment-sales", code="4070102753")
    pairs = find_pairs()
    assert pairs.duplicates == [] and keys(pairs.other_services) == [(rent.pk, sell.pk)]
    assert possible_duplicates() == []
    html = client_for("admin").get(URL).content.decode()
    assert (
        "同じ事業所の別サービスの可能性（1組）" in html
        and f'data-other-service-pair="{rent.pk}-{sell.pk}"' in html
    )
    assert "data-keep=" not in html and 'value="dismiss"' not in html  # nothing to decide


def test_pairs_that_share_a_service_or_lack_a_code_stay_possible_duplicates(cast):
    # Both sell equipment, under two numbers: one of them is likely stale.
    both = make_facility("福祉用具のあおぞら", kind_code="welfare-equipment", code="4070100001")
    both.services.set([kind("welfare-equipment"), kind("equipment-sales")])
    sells = make_facility("福祉用具のあおぞら", kind_code="equipment-sales", code="4070100002")
    # Entered by hand without a number, beside the imported one.
    imported = make_facility("みどり訪問看護", kind_code="visiting-nursing", code="4060100001")
    by_hand = make_facility("みどり訪問看護", kind_code="home-help", code="")
    pairs = find_pairs()
    assert keys(pairs.duplicates) == [(both.pk, sells.pk), (imported.pk, by_hand.pk)]
    assert pairs.other_services == []


def test_the_real_rental_and_sales_files_give_no_duplicate_to_decide(cast):
    """jigyosho_170.csv and _410.csv for 北九州市: every pair of the same name and address or phone
    is one shop with a number per service (パナソニックエイジフリーショップ門司 4070102761 /
    4070102753 …), none a duplicate."""
    real = Path(__file__).resolve().parent.parent / "data" / "real" / "kaigo"
    for name in ("jigyosho_170.csv", "jigyosho_410.csv"):
        assert imports.run((real / name).read_bytes(), name, write=True).ok
    pairs = find_pairs()
    assert pairs.duplicates == []
    assert len(pairs.other_services) == 19
    codes = {(a.code, b.code) for a, b in pairs.other_services}
    assert ("4070102753", "4070102761") in codes or ("4070102761", "4070102753") in codes
    for a, b in pairs.other_services:
        assert {a.kind.code, b.kind.code} == {"welfare-equipment", "equipment-sales"}


def test_a_decision_from_a_stale_page_is_refused(client_for, cast):
    a, b = pair()
    client = client_for("admin")
    client.post(URL, {"decision": "keep", "keep": a.pk, "other": b.pk})
    # The same page, a second click (or another admin): b is closed already.
    response = client.post(URL, {"decision": "keep", "keep": b.pk, "other": a.pk}, follow=True)
    assert "この組はもう重複の可能性の一覧にありません" in response.content.decode()
    a.refresh_from_db()
    assert a.closed_on is None and Facility.objects.filter(closed_on__isnull=False).count() == 1
    response = client.post(URL, {"decision": "dismiss", "first": a.pk, "second": b.pk}, follow=True)
    assert "この組はもう重複の可能性の一覧にありません" in response.content.decode()
    assert not DuplicateDismissal.objects.exists()
    # Two facilities that were never a pair, one office's two services, or itself.
    other = make_facility("別の医院")
    rent = make_facility("福祉用具のひまわり", kind_code="welfare-equipment", code="4070102761")
    sell = make_facility("福祉用具のひまわり", kind_code="equipment-sales", code="4070102753")
    for first, second in ((a.pk, other.pk), (rent.pk, sell.pk), (a.pk, a.pk)):
        client.post(URL, {"decision": "keep", "keep": first, "other": second})
        client.post(URL, {"decision": "dismiss", "first": first, "second": second})
    assert Facility.objects.filter(closed_on__isnull=False).count() == 1
    assert not DuplicateDismissal.objects.exists()
    assert client.post(URL, {"decision": "keep", "keep": "x", "other": b.pk}).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("coordinator", 403),
        ("coordinator2", 403),
        ("professional", 403),
        ("official", 403),
    ],
)
def test_only_admins_decide_duplicates(client_for, cast, role, status):
    a, b = pair()
    dismissal = DuplicateDismissal.objects.create(first=a, second=b)
    client = client_for(role)
    assert client.get(URL).status_code == status
    assert client.get(DISMISSED_URL).status_code == status
    assert client.post(DISMISSED_URL, {"dismissal": dismissal.pk}).status_code == status
    dismissal.delete()
    assert client.post(URL, {"decision": "dismiss", "first": a.pk, "second": b.pk}).status_code == status
    assert client.post(URL, {"decision": "keep", "keep": a.pk, "other": b.pk}).status_code == status
    assert not DuplicateDismissal.objects.exists()
    assert Facility.objects.open().count() == 2


def test_duplicate_pages_query_counts_are_constant(client_for, cast, django_assert_num_queries):
    client = client_for("admin")
    for i in range(2):
        pair(f"医院{i}", phone=f"093-000-000{i}")
        dismissed = pair(f"済み医院{i}", phone=f"093-100-000{i}")
        DuplicateDismissal.objects.create(first=dismissed[0], second=dismissed[1], dismissed_by=cast.admin)
        make_facility(f"用具{i}", kind_code="welfare-equipment", phone=f"093-200-000{i}")
        make_facility(f"用具{i}", kind_code="equipment-sales", phone=f"093-200-000{i}")
    # session, user, the dismissed pairs, repeated names, their facilities with kinds and services
    with django_assert_num_queries(5):
        html = client.get(URL).content.decode()
    assert html.count("data-pair=") == 2 and "（2組）" in html
    with django_assert_num_queries(4):  # session, user, count, the page with facilities and users
        assert client.get(DISMISSED_URL).content.decode().count("data-dismissal=") == 2
    for i in range(2, 8):
        pair(f"医院{i}", phone=f"093-000-000{i}")
        dismissed = pair(f"済み医院{i}", phone=f"093-100-000{i}")
        DuplicateDismissal.objects.create(first=dismissed[0], second=dismissed[1], dismissed_by=cast.admin)
        make_facility(f"用具{i}", kind_code="welfare-equipment", phone=f"093-200-000{i}")
        make_facility(f"用具{i}", kind_code="equipment-sales", phone=f"093-200-000{i}")
    with django_assert_num_queries(5):
        html = client.get(URL).content.decode()
    assert html.count("data-pair=") == 8 and "（8組）" in html
    with django_assert_num_queries(4):
        assert client.get(DISMISSED_URL).content.decode().count("data-dismissal=") == 8
