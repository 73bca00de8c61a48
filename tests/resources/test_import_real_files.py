"""The real national files admins download (tests/data/real, copied unedited from
../shared/data/real; see its README): each imports for the demo city, rows of the rest of Japan
counted as out of scope, the real quirks repaired or set aside with their row and column."""

from pathlib import Path

import pytest

from resources import imports
from resources.models import Facility, FacilityKind

pytestmark = pytest.mark.django_db

REAL = Path(__file__).resolve().parent.parent / "data" / "real"
ALL_OF_JAPAN = [f"{code:02d}" for code in range(1, 48)]


def run(name, write=True, area_codes=()):
    path = next(REAL.glob(f"*/{name}"))
    plan = imports.run(path.read_bytes(), path.name, write=write, area_codes=area_codes)
    assert plan.ok, plan.error
    return plan


# file → (rows, created for the city (北九州市 40100 and its wards), out of scope)
KAIGO = {
    "jigyosho_120.csv": (1568, 11, 1557),
    "jigyosho_170.csv": (7042, 68, 6974),
    "jigyosho_334.csv": (617, 1, 616),
    "jigyosho_410.csv": (5969, 53, 5916),
    "jigyosho_550.csv": (923, 10, 913),
}


@pytest.mark.parametrize("name", sorted(KAIGO))
def test_each_real_kaigo_file_imports_the_citys_rows(cast, name):
    rows, created, out_of_scope = KAIGO[name]
    plan = run(name)
    assert (plan.rows, plan.created, plan.out_of_scope, plan.rejected_rows) == (
        rows,
        created,
        out_of_scope,
        0,
    )
    assert plan.out_of_scope_places  # where the others are, for the preview
    assert Facility.objects.count() == created
    assert all(code.startswith("40") for code in Facility.objects.values_list("code", flat=True))
    again = run(name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, created)


@pytest.mark.parametrize("name", sorted(KAIGO))
def test_each_real_kaigo_file_reads_whole_for_all_of_japan(cast, name):
    rows = KAIGO[name][0]
    plan = run(name, write=False, area_codes=ALL_OF_JAPAN)
    assert plan.out_of_scope == 0 and plan.rejected_rows == 0
    # 170 lists one office twice (two spellings of its address): merged, with a warning.
    assert plan.created == rows - (1 if name == "jigyosho_170.csv" else 0)


def test_real_quirks_are_repaired_or_left_out_with_warnings(cast):
    warnings = run("jigyosho_120.csv", write=False, area_codes=ALL_OF_JAPAN).warning_lines()
    warnings += run("jigyosho_550.csv", write=False, area_codes=ALL_OF_JAPAN).warning_lines()
    assert any("「緯度」: 緯度が範囲外です" in w or "「経度」: 経度が範囲外です" in w for w in warnings)
    assert any("「URL」: URLを直しました" in w for w in warnings)
    plan = run("jigyosho_170.csv", write=False, area_codes=ALL_OF_JAPAN)
    assert any("同じ事業所です（番号・名称が同じ）" in w for w in plan.warning_lines())


def test_real_codes_with_a_letter_and_nested_brackets(cast):
    run("jigyosho_550.csv")
    assert Facility.objects.get(code="40B0100048").kind.code == "care-medical-hospital"
    run("jigyosho_334.csv")
    assert Facility.objects.filter(kind__code="specified-facility").count() == 1


def test_an_office_in_two_service_files_is_found_under_either_kind(client_for, cast):
    run("jigyosho_170.csv")
    plan = run("jigyosho_410.csv")
    assert (plan.created, plan.updated) == (22, 31)  # 31 offices both rent and sell equipment
    assert Facility.objects.count() == 90
    client = client_for("anonymous")
    for code, expected in (("welfare-equipment", 68), ("equipment-sales", 53)):
        kind = FacilityKind.objects.get(code=code)
        html = client.get(f"/resources/?kind={kind.pk}").content.decode()
        assert f'data-result-count="{expected}"' in html


def test_real_kouseikyoku_workbooks_key_on_the_national_code(cast):
    tottori = run("chugoku_31_tottori_ika.xlsx", area_codes=["31"])
    assert tottori.created == 918 and tottori.rejected_rows == 0
    saga = run("kyushu_r6_07_shisetsu_saga_ika_02.xlsx", area_codes=["41"])
    assert saga.created == 619 and Facility.objects.count() == 918 + 619
    codes = set(Facility.objects.values_list("code", flat=True))
    assert all(len(code) == 10 for code in codes)
    # 医科 1, 歯科 3, 薬局 4 after the prefecture: the one Tottori workbook holds all three.
    assert {code[:3] for code in codes} == {"311", "313", "314", "411"}
    assert Facility.objects.filter(code__startswith="313", kind__code="dental").count() > 0
    assert Facility.objects.filter(code__startswith="314", kind__code="pharmacy").count() > 0
    assert run("chugoku_31_tottori_ika.xlsx", area_codes=["31"]).unchanged == 918


def test_real_kouseikyoku_rows_outside_the_city_are_out_of_scope(cast):
    plan = run("chugoku_31_tottori_ika.xlsx", write=False)
    assert (plan.created, plan.out_of_scope) == (0, 8665)
    assert plan.out_of_scope_places.most_common(1)[0][0] == "鳥取県鳥取市"
