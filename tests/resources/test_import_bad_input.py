"""Every bad input gets a Japanese error naming the row and column, and nothing changes."""

import io
import zipfile

import pytest

from resources import imports
from resources.models import Facility, FacilityChange
from tests.resources.factories import make_facility
from tests.resources.samples import (
    KAIGO_HEADER,
    KAIGO_ROWS,
    as_csv,
    as_xlsx,
    kaigo_rows,
    kouseikyoku_row,
    kouseikyoku_rows,
)

pytestmark = pytest.mark.django_db


def refused(data, name="jigyosho_430.csv"):
    before = (Facility.objects.count(), FacilityChange.objects.count())
    plan = imports.run(data, name, write=True)
    assert not plan.ok
    assert (Facility.objects.count(), FacilityChange.objects.count()) == before
    return "\n".join(plan.error_lines())


def row(**changes):
    cells = list(KAIGO_ROWS[0])
    for index, value in changes.items():
        cells[int(index.removeprefix("c"))] = value
    return cells


def test_unknown_header(cast):
    message = refused(as_csv([["名前", "住所", "電話"], ["a", "b", "c"]]))
    assert "1行目の見出し" in message and "形式を判別できません" in message


def test_missing_required_column(cast):
    header = [h for h in KAIGO_HEADER if h != "事業所番号"]
    rows = [[c for h, c in zip(KAIGO_HEADER, r, strict=True) if h != "事業所番号"] for r in KAIGO_ROWS]
    message = refused(as_csv([header, *rows]))
    assert "必須の列がありません: 事業所番号" in message


def test_wrong_encoding_declared(cast):
    # A BOM that says UTF-8 in front of Shift_JIS bytes.
    data = b"\xef\xbb\xbf" + as_csv(kaigo_rows(), "cp932")
    assert "文字コード" in refused(data) or "UTF-8" in refused(data)


def test_empty_file(cast):
    assert "ファイルが空です" in refused(b"")


def test_only_a_header(cast):
    assert "データ行がありません" in refused(as_csv(kaigo_rows([])))


def test_row_with_too_many_and_too_few_cells(cast):
    message = refused(as_csv(kaigo_rows([KAIGO_ROWS[0] + ["余分"], KAIGO_ROWS[1][:20]])))
    assert "2行目: 列の数が見出しと違います（見出しは24列、この行は25列）" in message
    assert "3行目: 列の数が見出しと違います（見出しは24列、この行は20列）" in message


def test_non_numeric_code(cast):
    assert "2行目「事業所番号」: 事業所番号は数字で入力してください（「047010001A」）" in refused(
        as_csv(kaigo_rows([row(c15="047010001A")]))
    )


def test_code_that_lost_its_leading_zero(cast):
    assert "10桁です" in refused(as_csv(kaigo_rows([row(c15="470100011")])))


def test_duplicate_code_inside_the_file(cast):
    message = refused(as_csv(kaigo_rows([KAIGO_ROWS[0], KAIGO_ROWS[0]])))
    assert "3行目「事業所番号」: 「0470100011」が2行目と重複しています" in message


def test_unknown_service_kind(cast):
    message = refused(as_csv(kaigo_rows([row(c6="宇宙旅行介護")])))
    assert "2行目「サービスの種類」: 「宇宙旅行介護」は知らないサービスの種類です" in message


def test_impossible_date(cast):
    rows = [kouseikyoku_row(1, "0112345", "医院", "支援診３", since="令和 4年 2月30日")]
    message = refused(as_xlsx(kouseikyoku_rows(rows)), "t.xlsx")
    assert "4行目「算定開始年月日」: 算定開始年月日「令和 4年 2月30日」は存在しない日付です" in message


def test_huge_file_over_the_limit(cast, settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert "ファイルが大きすぎます" in refused(as_csv(kaigo_rows(KAIGO_ROWS * 10)))


def test_xlsx_that_is_not_a_workbook(cast):
    assert "Excelファイル（.xlsx）として読み込めません" in refused(b"PK\x03\x04garbage", "t.xlsx")
    assert "Excelファイル（.xlsx）として読み込めません" in refused(b"just text", "t.xlsx")


def test_zip_bomb_is_refused_before_opening(cast):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    assert "展開後のサイズが異常" in refused(out.getvalue(), "bomb.xlsx")


def test_formulas_in_cells(cast):
    rows = kaigo_rows([row(c4='=HYPERLINK("http://evil")')])
    assert "2行目 5列目: 数式" in refused(as_xlsx(rows), "t.xlsx")


def test_html_saved_as_xls(cast):
    data = "<html><body><table><tr><td>事業所名</td></tr></table></body></html>".encode()
    assert "HTML" in refused(data, "jigyosho.xls")


def test_bad_phone_and_coordinates_name_their_columns(cast):
    message = refused(as_csv(kaigo_rows([row(c11="電話なし", c9="北緯33度")])))
    assert "2行目「電話番号」" in message and "2行目「緯度」: 緯度は数値で入力してください" in message


def test_one_bad_row_among_good_ones_saves_nothing(cast):
    make_facility("既存", kind_code="care-management", code="0470100011", phone="093-000-0000")
    message = refused(as_csv(kaigo_rows([KAIGO_ROWS[0], row(c15="x")])))
    assert "3行目「事業所番号」" in message
    assert Facility.objects.get(code="0470100011").phone == "093-000-0000"
