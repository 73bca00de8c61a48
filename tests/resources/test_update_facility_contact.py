"""The facility corrects its own 郵便番号・住所・電話番号・FAX on the update form: checked as the
staff form checks them, carried into the change request as rows of their own, applied on
approval, the area and the map pin following a new address."""

from decimal import Decimal

from resources.models import ChangeRequest, Facility, FacilityChange, UpdateLink
from tests.resources.factories import make_facility
from tests.resources.test_update_links import _answer


def _clinic(cast, **fields):
    fields = {
        "phone": "093-445-9589",
        "fax": "093-813-9242",
        "postal_code": "801-5538",
        "address": "福岡県北九州市東区黄金町5丁目2-14",
        "area": cast.daily1,
        "latitude": Decimal("33.900000"),
        "longitude": Decimal("130.900000"),
        **fields,
    }
    return make_facility("足立内科医院", **fields)


def _submit(client, facility, **changes):
    link = UpdateLink.objects.create(facility=facility)
    return client.post(f"/resources/u/{link.token}/", _answer(facility, **changes))


def test_the_update_form_lets_the_facility_edit_its_phone_fax_and_address(client, cast):
    clinic = _clinic(cast)
    link = UpdateLink.objects.create(facility=clinic)
    html = client.get(f"/resources/u/{link.token}/").content.decode()
    for name, value in (
        ("phone", "093-445-9589"),
        ("fax", "093-813-9242"),
        ("postal_code", "801-5538"),
        ("address", "福岡県北九州市東区黄金町5丁目2-14"),
    ):
        assert f'name="{name}"' in html and f'value="{value}"' in html, name


def test_the_contact_fields_are_checked_as_the_staff_form_checks_them(client, cast):
    clinic = _clinic(cast)
    response = _submit(client, clinic, phone="093-44", postal_code="12345", fax="０９３ー８１３ー９２４２")
    html = response.content.decode()
    assert response.status_code == 200 and not ChangeRequest.objects.exists()
    assert "電話番号は市外局番からの数字とハイフンで入力してください" in html
    assert "郵便番号は7桁の数字で入力してください" in html


def test_typed_values_are_folded_and_become_rows_of_the_change_request(client_for, cast):
    clinic = _clinic(cast)
    _submit(client_for("anonymous"), clinic, phone="０９３－４４５－９５００", postal_code="〒8010833")
    cr = ChangeRequest.objects.get()
    assert cr.changed_keys == ["postal_code", "phone"]
    assert cr.proposed["phone"] == "093-445-9500" and cr.proposed["postal_code"] == "801-0833"
    html = client_for("coordinator").get(f"/resources/changes/{cr.pk}/").content.decode()
    assert 'data-diff="phone"' in html and "093-445-9589" in html and "093-445-9500" in html
    assert 'data-diff="postal_code"' in html


def test_a_stored_value_left_as_it_is_is_never_an_error_nor_a_change(client, cast):
    clinic = _clinic(cast, phone="非公開", postal_code="8015538")  # as an import may have kept them
    response = _submit(client, clinic, contact_person="事務 山田")
    assert response.status_code == 302
    assert ChangeRequest.objects.get().changed_keys == ["contact_person"]


def test_approval_applies_the_contact_fields_and_marks_them_manual(client_for, cast):
    clinic = _clinic(cast)
    _submit(client_for("anonymous"), clinic, phone="093-445-9500", fax="093-445-9501")
    cr = ChangeRequest.objects.get()
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    clinic.refresh_from_db()
    assert (clinic.phone, clinic.fax) == ("093-445-9500", "093-445-9501")
    assert {"phone", "fax"} <= set(clinic.manual_fields)
    assert Facility.objects.filter(search_text__contains="0934459500").exists()  # searchable by it
    assert clinic.area == cast.daily1 and clinic.latitude == Decimal("33.900000")  # no address change


def test_a_new_address_in_another_ward_moves_the_area_and_the_pin(client_for, cast):
    make_facility(
        "西区の目印",
        address="福岡県北九州市西区大通1-1",
        latitude=Decimal("33.800000"),
        longitude=Decimal("130.700000"),
    )
    clinic = _clinic(cast)
    _submit(client_for("anonymous"), clinic, address="福岡県北九州市西区大通1-5", postal_code="802-0001")
    cr = ChangeRequest.objects.get()
    assert cr.changed_keys == ["postal_code", "address"]
    page = client_for("coordinator").get(f"/resources/changes/{cr.pk}/").content.decode()
    assert "data-address-note" in page
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    clinic.refresh_from_db()
    assert clinic.address == "福岡県北九州市西区大通1-5" and clinic.postal_code == "802-0001"
    assert clinic.area == cast.ward2 and "area" in clinic.manual_fields
    assert (clinic.latitude, clinic.longitude) == (Decimal("33.800000"), Decimal("130.700000"))
    assert clinic.location_approximate
    change = (
        FacilityChange.objects.filter(facility=clinic).exclude(action=FacilityChange.Action.CONFIRM).get()
    )
    assert "住所" in change.fields and "地域（新しい住所の区）" in change.fields


def test_a_new_address_takes_the_daily_area_its_new_neighbours_are_in(client_for, cast):
    from coordination.models import Area

    south = Area.objects.create(name="西南圏域", kind=Area.Kind.DAILY, parent=cast.ward2)
    north = Area.objects.create(name="西北圏域", kind=Area.Kind.DAILY, parent=cast.ward2)
    make_facility("大通の医院", address="福岡県北九州市西区大通1-1", area=south)
    make_facility("港町の医院", address="福岡県北九州市西区港町3-3", area=north)
    make_facility("港町の薬局", address="福岡県北九州市西区港町4-4", area=south)  # 港町 is split
    for new_address, expected, said in (
        ("福岡県北九州市西区大通1-5", south, "地域（新しい住所の圏域）"),
        ("福岡県北九州市西区港町9-9", cast.ward2, "地域（新しい住所の区）"),
        ("福岡県北九州市西区新町1-1", cast.ward2, "地域（新しい住所の区）"),  # no neighbour in the 町
    ):
        clinic = _clinic(cast)
        _submit(client_for("anonymous"), clinic, address=new_address)
        cr = ChangeRequest.objects.get(facility=clinic)
        client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
        clinic.refresh_from_db()
        assert clinic.area == expected, new_address
        change = FacilityChange.objects.filter(facility=clinic, action=FacilityChange.Action.UPDATE).get()
        assert said in change.fields
        clinic.delete()


def test_a_new_address_in_the_same_ward_keeps_the_area(client_for, cast):
    make_facility(
        "近くの薬局",
        address="福岡県北九州市東区黄金町5丁目1-1",
        latitude=Decimal("33.95"),
        longitude=Decimal("130.95"),
    )
    clinic = _clinic(cast)
    _submit(client_for("anonymous"), clinic, address="福岡県北九州市東区黄金町5丁目3-1")
    cr = ChangeRequest.objects.get()
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    clinic.refresh_from_db()
    assert clinic.area == cast.daily1  # the 圏域 lies in the ward the address names
    assert clinic.latitude is not None and clinic.location_approximate


def test_a_new_address_nothing_places_drops_the_old_pin(client_for, cast):
    clinic = _clinic(cast)
    _submit(client_for("anonymous"), clinic, address="福岡県行橋市中央1-1")
    cr = ChangeRequest.objects.get()
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    clinic.refresh_from_db()
    assert clinic.address == "福岡県行橋市中央1-1" and clinic.area == cast.daily1
    assert clinic.latitude is None and clinic.longitude is None  # not left at the old address


def test_a_partial_approval_without_the_address_leaves_the_pin(client_for, cast):
    clinic = _clinic(cast)
    _submit(client_for("anonymous"), clinic, address="福岡県北九州市西区大通1-5", phone="093-445-9500")
    cr = ChangeRequest.objects.get()
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_some": "1", "fields": ["phone"]})
    clinic.refresh_from_db()
    assert clinic.phone == "093-445-9500" and clinic.address == "福岡県北九州市東区黄金町5丁目2-14"
    assert clinic.area == cast.daily1 and clinic.latitude == Decimal("33.900000")


def _approve_all(client_for, clinic, **changes):
    _submit(client_for("anonymous"), clinic, **changes)
    cr = ChangeRequest.objects.get()
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    clinic.refresh_from_db()
    return FacilityChange.objects.filter(facility=clinic).exclude(action=FacilityChange.Action.CONFIRM).get()


def test_a_building_name_added_to_the_address_keeps_the_exact_pin(client_for, cast):
    make_facility(
        "近くの薬局",
        address="福岡県北九州市東区黄金町5丁目2-1",
        latitude=Decimal("33.950000"),
        longitude=Decimal("130.950000"),
    )
    clinic = _clinic(cast)  # an exact pin (from the national data)
    change = _approve_all(client_for, clinic, address="福岡県北九州市東区黄金町５丁目２－１４　黄金ビル2階")
    assert clinic.address == "福岡県北九州市東区黄金町５丁目２－１４　黄金ビル2階"
    assert (clinic.latitude, clinic.longitude) == (Decimal("33.900000"), Decimal("130.900000"))
    assert not clinic.location_approximate
    assert not any(f.startswith("地図の位置") for f in change.fields)


def test_a_longer_lot_number_is_a_move_not_an_addition(db):
    from resources.geo import adds_to

    assert adds_to("東区黄金町5丁目2-14", "福岡県東区黄金町５丁目２－１４ 黄金ビル")
    assert adds_to("東区黄金町5丁目2-14", "東区黄金町5丁目2-14")
    assert not adds_to("東区黄金町5丁目2-1", "東区黄金町5丁目2-14")
    assert not adds_to("", "東区黄金町5丁目2-14")


def test_a_moved_facility_is_placed_from_its_neighbours_not_its_own_old_pin(client_for, cast):
    make_facility(
        "近くの薬局",
        address="福岡県北九州市東区黄金町5丁目2-5",
        latitude=Decimal("33.950000"),
        longitude=Decimal("130.950000"),
    )
    clinic = _clinic(cast)  # at 5丁目2-14, pinned at 33.9, 130.9
    _approve_all(client_for, clinic, address="福岡県北九州市東区黄金町5丁目2-30")
    # Placed at the neighbour sharing 「5丁目2-」, not halfway back to the clinic's old site.
    assert (clinic.latitude, clinic.longitude) == (Decimal("33.950000"), Decimal("130.950000"))
    assert clinic.location_approximate


def test_the_update_link_cannot_empty_the_stored_address_or_phone(client, cast):
    clinic = _clinic(cast)
    response = _submit(client, clinic, address="", phone="  ")
    html = response.content.decode()
    assert response.status_code == 200 and not ChangeRequest.objects.exists()
    assert "住所は空にできません。移転・廃止の場合は「センターへの連絡事項」に書いてください。" in html
    assert "電話番号は空にできません。" in html
    clinic.refresh_from_db()
    assert clinic.address and clinic.phone


def test_a_postcode_cannot_be_emptied_while_there_is_an_address(client, cast):
    response = _submit(client, _clinic(cast), postal_code="")
    assert response.status_code == 200 and not ChangeRequest.objects.exists()
    assert "住所のある施設の郵便番号は空にできません" in response.content.decode()


def test_the_fax_may_be_given_up(client, cast):
    response = _submit(client, _clinic(cast), fax="")
    assert response.status_code == 302
    cr = ChangeRequest.objects.get()
    assert cr.changed_keys == ["fax"] and cr.proposed["fax"] == ""


def test_a_value_never_stored_may_stay_empty(client, cast):
    clinic = _clinic(cast, address="", postal_code="", phone="")
    response = _submit(client, clinic, contact_person="事務 山田")
    assert response.status_code == 302
    assert ChangeRequest.objects.get().changed_keys == ["contact_person"]


def test_the_contact_fields_stand_under_a_heading_naming_all_of_them(client, cast):
    link = UpdateLink.objects.create(facility=_clinic(cast))
    html = client.get(f"/resources/u/{link.token}/").content.decode()
    section = html[html.index("<h2>所在地・連絡先</h2>") : html.index("<h2>受入状況・空床</h2>")]
    for name in ("postal_code", "address", "phone", "fax"):
        assert f'name="{name}"' in section, name
    assert "住所・電話番号</h2>" not in html


def test_an_estimated_pin_is_estimated_again_from_a_fuller_address(client_for, cast):
    make_facility(
        "近くの薬局",
        address="福岡県北九州市東区黄金町5丁目2-5",
        latitude=Decimal("33.950000"),
        longitude=Decimal("130.950000"),
    )
    clinic = _clinic(cast, address="福岡県北九州市東区黄金町", location_approximate=True)
    _approve_all(client_for, clinic, address="福岡県北九州市東区黄金町5丁目2-30")
    assert (clinic.latitude, clinic.longitude) == (Decimal("33.950000"), Decimal("130.950000"))
    assert clinic.location_approximate


def test_an_estimated_pin_stays_when_the_address_is_only_respelt(client_for, cast):
    clinic = _clinic(cast, location_approximate=True)  # nothing else near to estimate it from
    _approve_all(client_for, clinic, address="北九州市東区黄金町５丁目２－１４")
    assert (clinic.latitude, clinic.longitude) == (Decimal("33.900000"), Decimal("130.900000"))
    assert clinic.location_approximate
