"""A phone or FAX number is compared by its digits: a file that writes the directory's number
with other dashes, brackets or widths changes nothing, and two entries with one number written
two ways are the same place to the duplicate check."""

import pytest

from resources import imports
from resources.duplicates import possible_duplicates
from resources.models import Facility
from tests.resources.factories import make_facility
from tests.resources.samples import KAIGO_ROWS, as_csv, kaigo_rows

pytestmark = pytest.mark.django_db

PHONE, FAX = 11, 12  # cells of the 介護サービス情報公表 row


def run(rows):
    plan = imports.run(as_csv(kaigo_rows(rows)), "jigyosho_430.csv", write=True)
    assert plan.ok, plan.error
    return plan


@pytest.mark.parametrize(
    ("phone", "fax"),
    [
        ("0935821111", "0935821112"),
        ("０９３（５８２）１１１１", "(093)582-1112"),
        ("093 582 1111", "093−582−1112"),
    ],
)
def test_a_national_file_writing_the_same_number_otherwise_changes_nothing(cast, phone, fax):
    run(KAIGO_ROWS)
    stored = Facility.objects.get(code="0470100011")
    assert (stored.phone, stored.fax) == ("093-582-1111", "093-582-1112")
    row = list(KAIGO_ROWS[0])
    row[PHONE], row[FAX] = phone, fax
    plan = run([row, KAIGO_ROWS[1]])
    assert (plan.updated, plan.unchanged) == (0, 2)
    stored.refresh_from_db()
    assert (stored.phone, stored.fax) == ("093-582-1111", "093-582-1112")


def test_another_number_is_still_a_change(cast):
    run(KAIGO_ROWS)
    row = list(KAIGO_ROWS[0])
    row[PHONE] = "093-582-9999"
    plan = run([row, KAIGO_ROWS[1]])
    assert plan.updated == 1
    assert plan.samples["update"][0].changed == ["phone"]


def test_the_portal_sheet_writing_the_same_number_otherwise_changes_nothing(cast):
    facility = make_facility("ひまわり医院", phone="093-111-2222", fax="093-111-2223")
    header = ["ID", "種別", "名称", "電話番号", "FAX番号"]
    data = as_csv(
        [header, [str(facility.pk), "診療所", "ひまわり医院", "０９３（１１１）２２２２", "0931112223"]]
    )
    plan = imports.run(data, "sheet.csv", write=True)
    assert plan.ok, plan.error
    assert (plan.updated, plan.unchanged) == (0, 1)


def test_two_entries_with_one_number_written_two_ways_are_a_possible_duplicate(cast):
    a = make_facility("ひまわり医院", phone="093-111-2222", address="小倉北区A町1")
    b = make_facility("ひまわり医院", phone="０９３（１１１）２２２２", address="小倉北区B町2")
    assert possible_duplicates() == [[a, b]]
