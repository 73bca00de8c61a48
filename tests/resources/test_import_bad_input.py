"""Bad input, at three levels: a file that cannot be read imports nothing and says why; a row
whose key or required cell is unusable is set aside with its row, column and reason while the
other rows import; a bad optional cell is repaired or left out with a warning."""

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


def imported(data, name="jigyosho_430.csv"):
    plan = imports.run(data, name, write=True)
    assert plan.ok, plan.error
    return plan


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


def test_rows_with_too_many_and_too_few_cells_are_set_aside(cast):
    plan = imported(as_csv(kaigo_rows([KAIGO_ROWS[0] + ["余分"], KAIGO_ROWS[1][:20]])))
    lines = plan.rejected_lines()
    assert "2行目: 列の数が見出しと違います（見出しは24列、この行は25列）。" in lines
    assert "3行目: 列の数が見出しと違います（見出しは24列、この行は20列）。" in lines
    assert (plan.created, plan.rejected_rows) == (0, 2)


def test_an_unusable_code_sets_the_row_aside_and_the_others_import(cast):
    plan = imported(as_csv(kaigo_rows([row(c15="047010001X"), KAIGO_ROWS[1]])))
    assert plan.rejected_lines() == [
        "2行目「事業所番号」: 事業所番号は10桁です（「047010001X」）。先頭の0が落ちていないか確認してください。"
    ]
    assert plan.created == 1 and Facility.objects.filter(code="0470100029").exists()


def test_a_code_with_a_letter_is_a_real_code(cast):
    plan = imported(as_csv(kaigo_rows([row(c15="01B0100011", c6="介護医療院")])), "jigyosho_550.csv")
    assert plan.created == 1 and Facility.objects.get(code="01B0100011").kind.code == "care-medical-hospital"


def test_a_code_that_lost_its_leading_zero_gets_it_back_with_a_warning(cast):
    # A 事業所番号 starts with its prefecture's code: only a row of 01–09 can have lost a 0.
    sapporo = row(c0="011029", c2="北海道", c3="札幌市北区", c7="札幌市北区北7条西1-1", c15="172000011")
    plan = imports.run(as_csv(kaigo_rows([sapporo])), "jigyosho_430.csv", write=True, area_codes=["01"])
    assert plan.ok and plan.created == 1 and Facility.objects.filter(code="0172000011").exists()
    assert any("先頭の0を補いました" in line for line in plan.warning_lines())


def test_the_same_office_twice_is_merged_when_the_names_agree(cast):
    plan = imported(as_csv(kaigo_rows([KAIGO_ROWS[0], KAIGO_ROWS[0]])))
    assert (plan.created, plan.rejected_rows) == (1, 0)
    assert (
        "3行目「事業所番号」: 2行目と同じ事業所です（番号・名称が同じ）。2行目の内容で取り込みます。"
        in plan.warning_lines()
    )


def test_the_same_code_with_another_name_sets_the_second_row_aside(cast):
    plan = imported(as_csv(kaigo_rows([KAIGO_ROWS[0], row(c4="別の事業所")])))
    assert plan.created == 1
    assert plan.rejected_lines() == [
        "3行目「事業所番号」: 「0470100011」は2行目と同じ番号ですが、名称が違います。"
    ]


def test_an_unknown_service_kind_sets_its_rows_aside_but_the_file_name_can_tell_it(cast):
    plan = imported(as_csv(kaigo_rows([row(c6="宇宙旅行介護")])), "kaigo.csv")
    assert plan.rejected_lines()[0].startswith(
        "2行目「サービスの種類」: 「宇宙旅行介護」は知らないサービスの種類です"
    )
    plan = imported(as_csv(kaigo_rows([row(c6="宇宙旅行介護")])), "jigyosho_430.csv")
    assert plan.created == 1 and Facility.objects.get(code="0470100011").kind.code == "care-management"


def test_real_spellings_of_the_service_kind(cast):
    nested = row(c6="特定施設入居者生活介護（有料老人ホーム（サービス付き高齢者向け住宅））")
    assert imported(as_csv(kaigo_rows([nested])), "kaigo.csv").created == 1
    assert Facility.objects.get(code="0470100011").kind.code == "specified-facility"
    other = row(c6="指定療養通所介護", c15="0470100099")
    assert imported(as_csv(kaigo_rows([other])), "kaigo.csv").created == 1
    assert Facility.objects.get(code="0470100099").kind.code == "medical-day-service"


def test_an_impossible_date_is_left_out_with_a_warning(cast):
    rows = [kouseikyoku_row(1, "0112345", "医院", "支援診３", since="令和 4年 2月30日")]
    plan = imported(as_xlsx(kouseikyoku_rows(rows)), "t.xlsx")
    assert plan.created == 1
    assert (
        "4行目「算定開始年月日」: 算定開始年月日「令和 4年 2月30日」は存在しない日付です。 この項目は取り込みません。"
        in plan.warning_lines()
    )


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


@pytest.mark.parametrize(
    ("cell", "stored"),
    [("0974-34-3331.", "0974-34-3331"), ("0943-42-3131、", "0943-42-3131"), ("0829^-56-1129", "0829-56-1129"),
     ("935821200", "0935821200"), ("非公開", ""), ("0", "")],
)  # fmt: skip
def test_phones_with_stray_characters_are_repaired_or_left_out_with_a_warning(cast, cell, stored):
    plan = imported(as_csv(kaigo_rows([row(c11=cell)])))
    assert plan.created == 1 and Facility.objects.get(code="0470100011").phone == stored
    assert any(line.startswith("2行目「電話番号」") for line in plan.warning_lines())


@pytest.mark.parametrize(
    ("lat", "lng"), [("53.41291", "-8.24389"), ("60.22", "19.55"), ("北緯33度", "130.8")]
)
def test_coordinates_outside_japan_are_left_out_with_a_warning(cast, lat, lng):
    plan = imported(as_csv(kaigo_rows([row(c9=lat, c10=lng)])))
    facility = Facility.objects.get(code="0470100011")
    assert plan.created == 1 and facility.latitude is None and facility.longitude is None
    assert any(
        line.startswith("2行目「緯度」") or line.startswith("2行目「経度」") for line in plan.warning_lines()
    )


@pytest.mark.parametrize(
    ("cell", "stored"),
    [("http//example.jp", "http://example.jp"), ("http;//example.jp", "http://example.jp"),
     ("www,example,co,jp", "https://www.example.co.jp"), ("info@example.jp", "")],
)  # fmt: skip
def test_broken_urls_are_repaired_where_unambiguous(cast, cell, stored):
    plan = imported(as_csv(kaigo_rows([row(c19=cell)])))
    assert Facility.objects.get(code="0470100011").url == stored
    assert any(line.startswith("2行目「URL」") for line in plan.warning_lines())


def test_a_bad_row_sets_only_itself_aside(cast):
    make_facility("既存", kind_code="care-management", code="0470100011", phone="093-000-0000")
    plan = imported(as_csv(kaigo_rows([KAIGO_ROWS[0], row(c15="x", c4="")])))
    assert plan.rejected_rows == 1 and plan.updated == 1
    assert (
        "3行目「事業所番号」: 事業所番号は10桁です（「X」）。先頭の0が落ちていないか確認してください。"
        in plan.rejected_lines()
    )
    assert "3行目「事業所名」: 事業所名がありません。" in plan.rejected_lines()
    assert Facility.objects.get(code="0470100011").phone == "093-582-1111"


def test_the_rejected_rows_come_back_as_read_with_their_reasons(cast):
    bad = row(c15="x")
    plan = imported(as_csv(kaigo_rows([KAIGO_ROWS[0], bad])))
    header, rows = plan.rejected_table()
    assert header == ["行", *KAIGO_HEADER, "取り込めなかった理由"]
    assert rows == [
        [3, *bad, "事業所番号: 事業所番号は10桁です（「X」）。先頭の0が落ちていないか確認してください。"]
    ]


def test_a_header_far_below_blank_lines_is_not_called_an_empty_file(cast):
    data = b"\r\n" * 500 + as_csv(kaigo_rows(), "utf-8")
    assert "最初の20行に見出しの行が見つかりません" in refused(data)


def test_a_failure_while_writing_saves_none_of_the_rows(cast, monkeypatch):
    from resources.imports import writing

    def broken(self, updates):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing.Writer, "update", broken)
    make_facility("既存", kind_code="care-management", code="0470100011")
    with pytest.raises(RuntimeError):
        imports.run(as_csv(kaigo_rows()), "jigyosho_430.csv", write=True)
    assert Facility.objects.count() == 1 and FacilityChange.objects.count() == 0


def test_a_trailing_empty_cell_past_the_header_does_not_set_the_row_aside(cast):
    # One comma more than the header at the end of each row (or of one): nothing is in the extra cell.
    plan = imported(as_csv(kaigo_rows([KAIGO_ROWS[0] + [""], KAIGO_ROWS[1] + ["", " "]])))
    assert (plan.created, plan.rejected_rows) == (2, 0)
    assert Facility.objects.get(code="0470100029").public_note.endswith("送迎あり")
