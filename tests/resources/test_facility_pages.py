import datetime

import pytest

from resources.models import Capability, ContactWindow, Facility, FacilityChange, Specialty
from tests.resources.factories import capability, kind, make_facility


def test_confirm_records_who_and_when(client_for, cast):
    f = make_facility("確認する医院")
    response = client_for("coordinator").post(f"/resources/{f.pk}/confirm/")
    assert response.status_code == 302
    f.refresh_from_db()
    assert f.confirmed_on == datetime.date.today() and f.confirmed_by == cast.coordinator
    assert FacilityChange.objects.filter(facility=f, action="confirm", user=cast.coordinator).count() == 1
    html = client_for("coordinator").get(f"/resources/{f.pk}/").content.decode()
    assert "確認者: coordinator" in html and "確認済み" in html


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("professional", 403), ("official", 403)])
def test_confirm_is_refused_to_others(client_for, cast, role, status):
    f = make_facility("確認する医院")
    assert client_for(role).post(f"/resources/{f.pk}/confirm/").status_code == status
    f.refresh_from_db()
    assert f.confirmed_on is None


def test_confirm_button_only_for_editors(client_for, cast):
    f = make_facility("医院")
    assert "最新と確認する" in client_for("coordinator").get(f"/resources/{f.pk}/").content.decode()
    assert "最新と確認する" not in client_for("professional").get(f"/resources/{f.pk}/").content.decode()


def _form(f, **changes):
    data = {
        "kind": f.kind_id,
        "code": f.code,
        "name": f.name,
        "name_kana": "",
        "corporation_name": "",
        "corporation_number": "",
        "postal_code": "",
        "address": f.address,
        "area": "",
        "latitude": "",
        "longitude": "",
        "phone": "",
        "fax": "",
        "url": "",
        "opening_days": "",
        "opening_hours": "",
        "closed_days": "",
        "capacity": "",
        "public_note": "",
        "direct_phone": "",
        "contact_person": "",
        "avoid_note": "",
        "accepting": "",
        "accepting_stated_on": "",
        "internal_note": "",
        "windows-TOTAL_FORMS": "1",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
        "windows-0-kind": "call",
        "windows-0-weekdays": "2",
        "windows-0-start": "13:00",
        "windows-0-end": "14:00",
        "windows-0-method": "phone",
        "windows-0-note": "",
    }
    data.update(changes)
    return data


def test_edit_saves_capabilities_windows_and_history(client_for, cast):
    f = make_facility("編集前医院", capabilities=["house-call"])
    data = _form(
        f, name="編集後医院", phone="０９３－１２３－４５６７", capability_set=[capability("home-visit").pk]
    )
    response = client_for("coordinator").post(f"/resources/{f.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    f.refresh_from_db()
    assert f.name == "編集後医院" and f.phone == "093-123-4567"
    assert [c.code for c in f.capabilities.all()] == ["home-visit"]
    assert ContactWindow.objects.get(facility=f).weekday == 2
    change = FacilityChange.objects.get(facility=f, action="update")
    assert (
        change.user == cast.coordinator
        and "名称" in change.fields
        and "ケアマネタイム・連絡時間" in change.fields
    )
    assert Facility.objects.search("編集後").get() == f  # search text follows the edit


def test_edit_errors_name_the_field_and_save_nothing(client_for, cast):
    f = make_facility("医院A", code="4000000001")
    make_facility("医院B", code="4000000002")
    data = _form(f, code="4000000002", **{"windows-0-start": "15:00", "windows-0-end": "14:00"})
    response = client_for("admin").post(f"/resources/{f.pk}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "同じ種別の「医院B」" in html and "終了時刻は開始時刻より後" in html
    f.refresh_from_db()
    assert f.code == "4000000001" and not ContactWindow.objects.filter(facility=f).exists()


def test_code_keeps_leading_zeros_and_must_be_digits(client_for, cast):
    data = _form(make_facility("x"), name="新規医院", code="0123456789")
    data["kind"] = kind("clinic").pk
    response = client_for("admin").post("/resources/new/", data)
    assert response.status_code == 302
    assert Facility.objects.get(name="新規医院").code == "0123456789"
    response = client_for("admin").post("/resources/new/", {**data, "code": "12-AB", "name": "別医院"})
    assert "数字のみ" in response.content.decode()


def test_zero_coordinates_mean_unknown(cast):
    f = make_facility("座標なし", latitude=0, longitude=0)
    f.refresh_from_db()
    assert f.latitude is None and f.longitude is None and not f.has_location


def test_detail_shows_map_pin_and_capabilities(client, cast):
    f = make_facility(
        "地図の医院", latitude=33.88, longitude=130.87, capabilities=["home-visit", "end-of-life"]
    )
    html = client.get(f"/resources/{f.pk}/").content.decode()
    assert 'data-lat="33.880000"' in html and "leaflet.js" in html
    assert "<li>訪問診療<span" in html and "<li>在宅看取り<span" in html
    assert "医師が計画を立てて定期的に自宅へ来て診察します。" in html  # a plain explanation with it


def test_detail_lists_capabilities_specialties_and_other_services_in_table_order(client, cast):
    from resources.models import FacilityKind

    f = make_facility("順序医院", capabilities=["end-of-life", "home-visit"], specialties=["眼科", "内科"])
    f.services.add(f.kind, kind("visiting-nursing"))
    html = client.get(f"/resources/{f.pk}/").content.decode()
    visit, eol = Capability.objects.get(code="home-visit"), Capability.objects.get(code="end-of-life")
    first, second = sorted([visit, eol], key=lambda c: (c.sort_order, c.name))
    assert html.index(f"<li>{first.name}<") < html.index(f"<li>{second.name}<")
    assert "内科、眼科" in html or "眼科、内科" in html
    assert html.count(f'<span class="badge">{f.kind.name}</span>') == 1  # its own kind once
    assert f'<span class="badge">{kind("visiting-nursing").name}</span>' in html
    # A renamed capability shows at once: the per-process lookup tables follow the directory version.
    visit.name = "訪問診療（改称）"
    visit.save()
    assert "訪問診療（改称）" in client.get(f"/resources/{f.pk}/").content.decode()
    FacilityKind.objects.filter(code="visiting-nursing").update(name="訪問看護（改称）")
    assert "訪問看護（改称）" in client.get(f"/resources/{f.pk}/").content.decode()


def test_detail_query_count_does_not_grow_with_labels(client_for, cast, django_assert_num_queries):
    f = make_facility("数医院", capabilities=["home-visit"], windows=[(0, (13, 0), (14, 0))])
    client = client_for("professional")
    client.get(f"/resources/{f.pk}/")
    # session, user, facility (kind, area, confirmer), capabilities, specialties, services,
    # contact windows, history, areas served, capability answers (date, source), 空床; the rota
    # app's on-call panel (its shifts: none here, so no backups) and, as no rota covers the area,
    # its fallback: the area tree, the covering center with its areas, the 24時間対応 search link
    with django_assert_num_queries(16):
        client.get(f"/resources/{f.pk}/")
    f.capabilities.add(*Capability.objects.all()[:8])
    f.specialties.add(*Specialty.objects.all()[:5])
    with django_assert_num_queries(16):
        client.get(f"/resources/{f.pk}/")


@pytest.mark.parametrize("typed", ["８０１－０８３３", "〒801ー0833", "8010833", "801 - 0833"])
def test_the_edit_form_stores_a_postcode_as_three_and_four_digits(client_for, cast, typed):
    f = make_facility("郵便番号医院")
    response = client_for("coordinator").post(f"/resources/{f.pk}/edit/", _form(f, postal_code=typed))
    assert response.status_code == 302, response.content.decode()[:2000]
    f.refresh_from_db()
    assert f.postal_code == "801-0833"


@pytest.mark.parametrize("typed", ["801-083", "８０１－０８３３４", "門司801"])
def test_the_edit_form_refuses_a_postcode_that_is_not_seven_digits(client_for, cast, typed):
    f = make_facility("郵便番号医院", postal_code="802-0001")
    response = client_for("coordinator").post(f"/resources/{f.pk}/edit/", _form(f, postal_code=typed))
    assert response.status_code == 200
    assert "郵便番号は7桁の数字で入力してください（例: 801-0833）。" in response.content.decode()
    f.refresh_from_db()
    assert f.postal_code == "802-0001"
