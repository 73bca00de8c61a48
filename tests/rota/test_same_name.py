"""Two clinics of the same name are told apart: the shift's lists name their kind and where they
are (Facility.name_with_place: the address, else the ward), and the generate form's refusal of a
bare name lists the lines to type instead, each with the same kind and place."""

import pytest

from rota import services
from rota.forms import ShiftForm
from rota.models import Shift
from tests.rota.factories import make_clinic, make_rota

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(cast):
    east = make_clinic("すこやかクリニック", code="4002000052", area=cast.ward1, address="テスト市東区1-1")
    west = make_clinic("すこやかクリニック", code="4006000219", area=cast.ward2, address="テスト市西区2-2")
    return east, west


def test_the_shift_form_names_each_clinic_with_its_kind_and_address(cast, twins):
    rota = make_rota(cast.center1)
    labels = [label for _value, label in ShiftForm(instance=Shift(rota=rota)).fields["facility"].choices]
    assert "すこやかクリニック（診療所・テスト市東区1-1）" in labels
    assert "すこやかクリニック（診療所・テスト市西区2-2）" in labels


def test_a_clinic_without_an_address_is_named_by_the_ward_above_its_area(cast, twins):
    twins[0].area, twins[0].address = cast.daily1, ""  # a 日常生活圏域 of 東区: named by its ward
    twins[0].save()
    rota = make_rota(cast.center1)
    labels = [label for _value, label in ShiftForm(instance=Shift(rota=rota)).fields["facility"].choices]
    assert "すこやかクリニック（診療所・東区）" in labels


def test_a_bare_name_of_two_clinics_is_refused_with_both_lines_to_type(client_for, cast, twins):
    rota = make_rota(cast.center1)
    client = client_for("coordinator")
    page = client.post(
        f"/rota/{rota.pk}/generate/", {"month": "2027-02", "clinics": "すこやかクリニック", "first": "1"}
    ).content.decode()
    assert "同じ名前の医療機関が複数あります" in page
    assert "「すこやかクリニック（4002000052）」（診療所・テスト市東区1-1）" in page
    assert "「すこやかクリニック（4006000219）」（診療所・テスト市西区2-2）" in page
    assert not rota.shifts.exists()

    # The line the message offers is read back as that clinic.
    done = client.post(
        f"/rota/{rota.pk}/generate/",
        {"month": "2027-02", "clinics": "すこやかクリニック（4006000219）", "first": "1"},
    )
    assert done.status_code == 302
    assert {s.facility for s in rota.shifts.all()} == {twins[1]}


def test_a_line_copied_with_the_messages_brackets_is_read_as_that_clinic(cast, twins):
    from rota.forms import find_clinic

    assert find_clinic("「すこやかクリニック（4002000052）」") == (twins[0], "")
    assert find_clinic(" 「すこやかクリニック（4006000219）」 ") == (twins[1], "")


def test_the_generate_form_starts_from_the_latest_months_order(client_for, cast, twins):
    rota = make_rota(cast.center1)
    services.generate_month(None, rota, 2027, 1, [twins[1], twins[0]])
    html = client_for("coordinator").get(f"/rota/{rota.pk}/generate/?month=2027-02").content.decode()
    assert "すこやかクリニック（4006000219）\nすこやかクリニック（4002000052）" in html


def test_a_part_of_a_name_matching_several_clinics_is_not_called_the_same_name(cast):
    from rota.forms import find_clinic

    make_clinic("あおばクリニック", code="4002000100", area=cast.ward1)
    make_clinic("みどりクリニック", code="4002000200", area=cast.ward1)
    facility, error = find_clinic("クリニック")
    assert facility is None
    assert error.startswith("名前に「クリニック」を含む医療機関が複数あります") and "同じ名前" not in error
    assert "「あおばクリニック（4002000100）」" in error and "「みどりクリニック（4002000200）」" in error
