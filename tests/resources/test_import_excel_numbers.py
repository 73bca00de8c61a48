"""Codes Excel turned into numbers: a 6-digit 市町村コード of prefectures 01–09 cut to 5 digits is
told from a 5-digit code by the row's 都道府県名 (and the check digit), and a 9-digit 事業所番号 gets
its 0 back only when the 0 makes it the row's prefecture's (its first two digits are the
prefecture's code in every row of the real national files)."""

import csv
import io
from pathlib import Path

import pytest

from resources import imports
from resources.models import Facility
from tests.resources.samples import KAIGO_HEADER, KAIGO_ROWS, as_csv, as_xlsx, kaigo_rows

pytestmark = pytest.mark.django_db

REAL_KAIGO = Path(__file__).resolve().parent.parent / "data" / "real" / "kaigo"
SAPPORO = "011002"  # 札幌市 and its wards 01101–01110


def row(code, prefecture, municipality, address, office="0172000011", name="さっぽろケアプラン"):
    cells = list(KAIGO_ROWS[0])
    cells[0], cells[2], cells[3], cells[7], cells[15], cells[4] = (
        code,
        prefecture,
        municipality,
        address,
        office,
        name,
    )
    cells[9] = cells[10] = ""  # no pin in 北九州
    return cells


@pytest.mark.parametrize(
    ("cell", "prefecture", "code"),
    [
        ("011029", "", "01102"),  # as published
        ("11029", "01", "01102"),  # 北海道's, its 0 dropped: the check digit 9 agrees
        ("11029", "", "11029"),  # without the row's prefecture, read as written
        ("11100", "11", "11100"),  # さいたま市 without its check digit
        ("11100", "01", "01110"),  # 札幌市清田区 (011100) that lost its 0
        ("40100", "01", "40100"),  # the check digit rules the other reading out
        ("1101", "01", "01101"),  # a 5-digit code that lost its 0
        ("", "01", ""),
    ],
)
def test_a_code_cell_is_read_with_the_rows_prefecture(cell, prefecture, code):
    from resources.places import municipality_code  # noqa: PLC0415 — collected without it too

    assert municipality_code(cell, prefecture) == code


def test_a_scope_asks_for_the_prefecture_only_for_a_number_with_two_readings(cast):
    from resources.places import Scope  # noqa: PLC0415

    scope = Scope()
    scope.add(SAPPORO)
    assert scope.decides("11029") is None and scope.decides("401005") is False
    assert scope.contains(code="11029", prefecture="北海道") is True
    assert scope.contains(code="11029", prefecture="埼玉県") is False


@pytest.mark.parametrize("encode", [as_csv, as_xlsx], ids=["csv", "xlsx"])
def test_a_hokkaido_row_whose_code_lost_its_zero_stays_in_scope(cast, encode):
    kita = row(11029, "北海道", "札幌市北区", "札幌市北区北7条西1-1")  # a number, as Excel keeps it
    kiyota = row("11100", "北海道", "札幌市清田区", "札幌市清田区平岡1-1", "0172000029", "きよたケア")
    saitama = row("11100", "埼玉県", "さいたま市", "さいたま市浦和区1-1", "1172000011", "さいたまケア")
    data = encode(kaigo_rows([kita, kiyota, saitama]))
    plan = imports.run(data, "jigyosho_430.csv", write=True, area_codes=[SAPPORO[:5]])
    assert plan.ok, plan.error
    assert (plan.created, plan.out_of_scope) == (2, 1)
    assert dict(plan.out_of_scope_places) == {"埼玉県さいたま市": 1}
    assert dict(Facility.objects.values_list("code", "municipality_code")) == {
        "0172000011": "01102",
        "0172000029": "01110",
    }


def test_a_short_office_number_that_would_be_another_prefectures_is_refused(cast):
    fukuoka = list(KAIGO_ROWS[0])
    fukuoka[15] = "407030136"  # 9 digits in a row of 福岡県 (40): 0407030136 would be 宮城県's
    plan = imports.run(as_csv(kaigo_rows([fukuoka, KAIGO_ROWS[1]])), "jigyosho_430.csv", write=True)
    assert plan.ok and (plan.created, plan.rejected_rows) == (1, 1)
    [line] = plan.rejected_lines()
    assert line.startswith("2行目「事業所番号」: 事業所番号「407030136」は9桁です。")
    assert "宮城県＝04" in line and "福岡県＝40" in line and "10桁の番号を確かめて" in line
    assert not Facility.objects.filter(code="0407030136").exists()
    assert not any("先頭の0を補いました" in w for w in plan.warning_lines())


def test_a_short_office_number_of_a_prefecture_01_to_09_gets_its_zero_back(cast):
    sapporo = row("11029", "北海道", "札幌市北区", "札幌市北区北7条西1-1", office="172000011")
    plan = imports.run(as_csv(kaigo_rows([sapporo])), "jigyosho_430.csv", write=True, area_codes=["01"])
    assert plan.created == 1 and Facility.objects.get().code == "0172000011"
    assert any("「172000011」の先頭の0を補いました" in w for w in plan.warning_lines())


@pytest.mark.parametrize("path", sorted(REAL_KAIGO.glob("jigyosho_*.csv")), ids=lambda p: p.name)
def test_in_the_real_files_an_office_number_starts_with_its_prefectures_code(path):
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    header = next(reader)
    assert header == KAIGO_HEADER
    pairs = [(r[0][:2], r[15][:2]) for r in reader]
    assert pairs and all(prefecture == office for prefecture, office in pairs)
