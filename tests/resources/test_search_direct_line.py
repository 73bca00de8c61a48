"""A coordinator who was called from a number looks it up: a professional's search by phone number
also finds the facility whose 直通電話 it is; a visitor's never does (the direct line is for
professionals only)."""

import pytest

from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


def found(client, q):
    html = client.get("/resources/", {"q": q}).content.decode()
    return [name for name in ("直通のある病院", "代表だけの医院") if f">{name}</a>" in html]


@pytest.fixture
def facilities(cast):
    make_facility("直通のある病院", phone="093-100-0001", direct_phone="093-378-2447")
    make_facility("代表だけの医院", phone="093-378-9999")


@pytest.mark.parametrize("q", ["093-378-2447", "0933782447", "０９３（３７８）２４４７", "378-2447"])
def test_a_professional_finds_a_facility_by_its_direct_line(client_for, facilities, q):
    assert found(client_for("professional"), q) == ["直通のある病院"]
    assert found(client_for("coordinator"), q) == ["直通のある病院"]


def test_the_main_number_still_finds_its_facility_and_part_of_one_finds_both(client_for, facilities):
    pro = client_for("professional")
    assert found(pro, "093-100-0001") == ["直通のある病院"]
    assert found(pro, "093-378") == ["直通のある病院", "代表だけの医院"]


def test_a_visitor_cannot_find_a_facility_by_its_direct_line(client_for, facilities):
    assert found(client_for("anonymous"), "093-378-2447") == []
    assert found(client_for("official"), "093-378-2447") == []
    assert found(client_for("anonymous"), "093-100-0001") == ["直通のある病院"]
