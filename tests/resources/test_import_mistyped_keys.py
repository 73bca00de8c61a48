"""A mistyped 事業所番号 or 医療機関コード makes the real facility look gone from the file while the
row is new (or set aside). A new or set-aside row with the name and address of a facility the file
does not list is taken for that facility: it is not flagged as gone, and the preview says so."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from resources import imports
from resources.models import Facility, FacilityImport
from tests.resources.samples import KAIGO_ROWS, as_csv, as_xlsx, kaigo_rows, kouseikyoku_row, kouseikyoku_rows

pytestmark = pytest.mark.django_db

NAME, ADDRESS, CODE = 4, 7, 15  # columns of the kaigo rows


def office(number, code=None, name=None):
    cells = list(KAIGO_ROWS[0])
    cells[1], cells[CODE] = str(number), code or f"04701{number:05d}"
    cells[NAME] = name or f"ケアプランセンター{number}"
    cells[ADDRESS] = f"福岡県北九州市小倉北区大手町{number}-1"
    return cells


def city(rows):
    return as_csv(kaigo_rows(rows))


def run(data, write=True, name="jigyosho_430.csv"):
    plan = imports.run(data, name, write=write)
    assert plan.ok, plan.error
    return plan


def flagged():
    return set(Facility.objects.filter(missing_since__isnull=False).values_list("code", flat=True))


@pytest.fixture
def directory(cast):
    run(city([office(n) for n in range(1, 11)]))


def test_a_new_row_with_a_gone_facilitys_name_and_address_keeps_it_off_the_missing_list(directory):
    rows = [office(n) for n in range(1, 10)] + [office(10, code="0470100910")]  # 10 typed as 910
    preview = run(city(rows), write=False)
    assert (preview.created, preview.missing) == (1, 0)
    [line] = preview.same_as_missing
    assert line.startswith(
        "11行目（番号「0470100910」）は、このファイルに見当たらない「ケアプランセンター10」（番号 0470100010"
    )
    assert "別の施設として新しく登録されます" in line
    assert line in preview.warning_lines()  # the command prints it too


def test_a_set_aside_row_with_a_gone_facilitys_name_and_address_keeps_it_off_the_missing_list(directory):
    rows = [office(n) for n in range(1, 10)] + [office(10, code="04701000X0")]
    plan = run(city(rows), write=False)
    assert (plan.rejected_rows, plan.missing) == (1, 0)
    [line] = plan.same_as_missing
    assert "11行目（番号「04701000X0」）" in line and "取り込めなかった行です" in line


def test_a_facility_really_gone_is_still_flagged(directory):
    rows = [office(n) for n in range(1, 10)] + [office(11)]  # 10 gone, 11 new elsewhere
    plan = run(city(rows), write=False)
    assert (plan.created, plan.missing, plan.same_as_missing) == (1, 1, [])


def test_a_kouseikyoku_row_with_a_mistyped_number_keeps_its_clinic_off_the_missing_list(cast):
    rows = [
        kouseikyoku_row(1, "0112345", "小倉在宅クリニック", "支援診３"),
        kouseikyoku_row(2, "0198765", "浅野病院", "在後病"),
    ]
    run(as_xlsx(kouseikyoku_rows(rows)), name="k.xlsx")
    rows[1][4] = "0198756"  # digits swapped
    plan = run(as_xlsx(kouseikyoku_rows(rows)), write=False, name="k.xlsx")
    assert (plan.created, plan.missing) == (1, 0)
    assert "「浅野病院」（番号 4010198765" in plan.same_as_missing[0]


def test_the_preview_page_says_the_row_is_probably_the_facility_and_the_confirm_flags_none(
    client_for, directory
):
    client = client_for("admin")
    rows = [office(n) for n in range(1, 10)] + [office(10, code="0470100910")]
    client.post("/resources/import/", {"file": SimpleUploadedFile("jigyosho_430.csv", city(rows))})
    batch = FacilityImport.objects.latest("pk")
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert 'data-import-same-as-missing="1"' in html
    assert "番号が違うだけで同じ施設とみられる" in html
    client.post(f"/resources/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.missing) == ("done", 1, 0)
    assert flagged() == set()
