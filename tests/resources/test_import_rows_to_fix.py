"""The portal's file of rows it set aside, fixed and imported again, goes through the checks of a
first import: a number given to two names is set aside again (the other name is now the
directory's, imported from the first file), a number twice in it is checked as in any file, and
a new facility that looks like one already there is listed as a possible duplicate."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from resources import imports
from resources.models import Facility, FacilityImport
from tests.resources.factories import make_facility
from tests.resources.samples import KAIGO_ROWS, as_csv, kaigo_rows

pytestmark = pytest.mark.django_db

NAME, ADDRESS, PHONE, CODE = 4, 7, 11, 15  # columns of the kaigo rows
FILE = "jigyosho_430.csv"
TO_FIX = "jigyosho_430-取り込めなかった行.csv"


def office(number, name=None):
    cells = list(KAIGO_ROWS[0])
    cells[1], cells[CODE] = str(number), f"04701{number:05d}"
    cells[NAME] = f"ケアプランセンター{number}" if name is None else name
    cells[ADDRESS] = f"福岡県北九州市小倉北区大手町{number}-1"
    cells[PHONE] = f"093-582-{number:04d}"
    return cells


def upload(client, data, name=FILE):
    response = client.post("/resources/import/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:800]
    return FacilityImport.objects.latest("pk")


def confirm(client, batch):
    client.post(f"/resources/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.status == "done", batch.failure
    return batch


def rows_to_fix(client, batch):
    return client.get(f"/resources/import/{batch.pk}/rejected.csv").content


def test_a_number_given_to_two_names_is_set_aside_again_from_the_rows_to_fix(client_for, cast):
    client = client_for("admin")
    first = upload(
        client, as_csv(kaigo_rows([office(1), office(2), office(1, name="ケアプランセンター別名")]))
    )
    assert first.rejected == 1
    confirm(client, first)
    again = upload(client, rows_to_fix(client, first), TO_FIX)
    assert (again.rejected, again.updated, again.created) == (1, 0, 0)
    reason = again.result["rejected_lines"][0]
    assert (
        "「0470100001」" in reason
        and "登録済みの「ケアプランセンター1」" in reason
        and "名称が違います" in reason
    )
    confirm(client, again)
    assert Facility.objects.get(code="0470100001").name == "ケアプランセンター1"


def test_the_rows_to_fix_with_the_name_made_to_agree_import(client_for, cast):
    client = client_for("admin")
    first = upload(client, as_csv(kaigo_rows([office(1), office(1, name="ケアプランセンター別名")])))
    confirm(client, first)
    fixed = rows_to_fix(client, first).replace(
        "ケアプランセンター別名".encode(), "ケアプランセンター1".encode()
    )
    again = confirm(client, upload(client, fixed, TO_FIX))
    assert (again.rejected, again.unchanged) == (0, 1)


def test_one_number_twice_in_the_rows_to_fix_is_checked_as_in_any_file(cast):
    bad_a, bad_b = office(5), office(6)
    bad_a[CODE], bad_b[CODE] = "04701X0005", "04701X0006"
    plan = imports.run(as_csv(kaigo_rows([bad_a, bad_b])), FILE)
    header, rows = plan.rejected_table()
    for row in rows:  # both "fixed" to one number
        row[1 + CODE] = "0470100005"
    again = imports.run(as_csv([header, *rows]), TO_FIX, write=True)
    assert again.partial and (again.created, again.rejected_rows) == (1, 1)
    assert "名称が違います" in again.rejected_lines()[0]


def test_a_new_facility_from_the_rows_to_fix_is_listed_as_a_possible_duplicate(client_for, cast):
    client = client_for("admin")
    there = make_facility(
        "ケアプランセンター7", kind_code="care-management", code="", phone="０９３（５８２）０００７"
    )
    bad = office(7)
    bad[CODE] = "04701X0007"
    first = confirm(client, upload(client, as_csv(kaigo_rows([office(1), bad]))))
    fixed = rows_to_fix(client, first).replace(b"04701X0007", b"0470100007")
    again = confirm(client, upload(client, fixed, TO_FIX))
    assert again.created == 1
    new = Facility.objects.get(code="0470100007")
    assert [sorted(group) for group in again.duplicates] == [sorted([there.pk, new.pk])]
