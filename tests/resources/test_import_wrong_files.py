"""Files that are not what the import wants, told plainly: a file that is no table of facilities
is refused at the upload (by its content), a national file of another area says whose file to
download instead, and the counts of a file add up to its rows. The history and the batch page
name a batch's state and format alike."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from resources import imports
from resources.imports.municipalities import check_digit
from resources.models import FacilityImport
from tests.resources.samples import KAIGO_ROWS, as_csv, as_xlsx, kaigo_rows, kouseikyoku_row, kouseikyoku_rows

pytestmark = pytest.mark.django_db


def post(client, data, name):
    return client.post("/resources/import/", {"file": SimpleUploadedFile(name, data)})


def uploaded(client, data, name):
    response = post(client, data, name)
    assert response.status_code == 302, response.content.decode()[:800]
    return FacilityImport.objects.latest("pk")


POPULATION = [
    ["北九州市の区別人口（令和7年10月1日現在）"],
    [],
    ["区", "世帯数", "人口", "男", "女"],
    ["門司区", "47000", "90000", "42000", "48000"],
]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        ("来週の会議までに施設の一覧を見直す。\n担当: 山田\n".encode(), "memo.txt", "表の形になっていません"),
        (as_csv([["氏名", "住所", "電話"], ["山田太郎", "北九州市小倉北区1-1", "093-111-1111"]]),
         "people.csv", "1行目の見出し（氏名、住所、電話…）に、施設の名称にあたる列がありません"),
        (as_xlsx(POPULATION), "population.xlsx", "3行目の見出し（区、世帯数、人口、男、女…）に、施設の名称にあたる列がありません"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "list.csv", "PDFファイルです"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "list.xls", "古い形式のExcelファイル（.xls）です"),
        (PNG, "list.csv", "CSV（文字だけのファイル）でもExcel（.xlsx）でもありません"),
        ("名称\t種別\n森医院\t診療所\n".encode(), "list.txt", "タブ区切りのテキストのようです"),
    ],
    ids=["memo", "people", "population", "pdf", "xls", "png", "tsv"],
)  # fmt: skip
def test_a_file_that_is_no_table_of_facilities_is_refused_at_the_upload(client_for, cast, data, name, said):
    response = post(client_for("admin"), data, name)
    assert response.status_code == 200
    html = response.content.decode()
    assert said in html
    assert not FacilityImport.objects.exists()


def test_the_refusal_says_what_the_import_takes(client_for, cast):
    html = post(client_for("admin"), as_csv([["氏名", "住所"], ["a", "b"]]), "p.csv").content.decode()
    assert "取り込めるのは、介護サービス情報公表システムのオープンデータCSV" in html
    assert "「名称」「事業所名」などの列と「種別」の列がある表" in html


def test_a_national_file_is_known_by_its_content_not_its_name(client_for, cast):
    batch = uploaded(client_for("admin"), as_csv(kaigo_rows()), "jigyosho_430.txt")
    assert (batch.status, batch.created) == ("ready", 2)


def test_the_command_refuses_a_file_with_no_name_column(tmp_path, cast):
    path = tmp_path / "people.csv"
    path.write_bytes(as_csv([["氏名", "住所", "電話"], ["山田", "北九州市", "093"]]))
    with pytest.raises(CommandError, match="施設の名称にあたる列がありません"):
        call_command("import_facilities", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def saga_kaigo_rows():
    saga = list(KAIGO_ROWS[0])
    saga[0], saga[2], saga[3], saga[7] = "41201" + check_digit("41201"), "佐賀県", "佐賀市", "佐賀市栄町1-1"
    return kaigo_rows([saga])


def saga_workbook():
    rows = []
    for number, code in ((1, "0111103"), (2, "0111103"), (3, "0122222")):
        cells = kouseikyoku_row(number, code, f"佐賀の医院{code}", "支援診３")
        cells[1], cells[2], cells[9], cells[20], cells[21] = "41", "佐賀県", "佐賀市神園3-18-45", "", ""
        rows.append(cells)
    return as_xlsx(kouseikyoku_rows(rows))


def test_a_workbook_of_another_prefecture_says_whose_to_download(client_for, cast):
    client = client_for("admin")
    batch = uploaded(client, saga_workbook(), "kyushu_saga_ika.xlsx")
    assert (batch.status, batch.rows, batch.out_of_scope) == ("failed", 3, 3)
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "data-nothing-in-scope" in html and "対象地域の行がありません。何も取り込みません。" in html
    assert (
        "このファイルの3行はすべて対象地域（福岡県北九州市）の外の行で" in html and "佐賀県佐賀市 3行" in html
    )
    assert "九州厚生局の「福岡県」のファイルにあります" in html
    assert "都道府県コード（佐賀県なら「41」）" in html
    assert "ファイルを読み込めませんでした" not in html and "やり直す" not in html
    assert "取り込む必要はありません" not in html
    history = client.get("/resources/import/").content.decode()
    assert '<td data-import-state="failed">対象地域の行なし</td>' in history


def test_a_national_file_with_no_row_of_the_city_says_so(client_for, cast):
    client = client_for("admin")
    batch = uploaded(client, as_csv(saga_kaigo_rows()), "jigyosho_430.csv")
    assert batch.status == "failed"
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert (
        "対象地域（福岡県北九州市）の外の行" in html
        and "全国のファイルをダウンロードし直してください" in html
    )


def test_the_command_still_counts_a_file_of_another_area_and_says_why_nothing_came(tmp_path, cast):
    path = tmp_path / "jigyosho_430.csv"
    path.write_bytes(as_csv(saga_kaigo_rows()))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_facilities", str(path), stdout=out, stderr=err)
    assert out.getvalue().startswith("created 0, updated 0, unchanged 0, rejected 0, out_of_scope 1")
    assert "すべて対象地域（福岡県北九州市）の外の行" in err.getvalue()


def test_the_upload_page_says_where_each_file_is_downloaded(client_for, cast):
    html = client_for("admin").get("/resources/import/").content.decode()
    assert "介護サービス情報公表システムの「オープンデータ」" in html
    assert "「届出受理医療機関名簿」" in html and "医療情報ネットの「オープンデータ」" in html
    assert "<strong data-import-bureau>九州厚生局の福岡県</strong>" in html


def test_the_rows_of_a_kouseikyoku_file_add_up_with_the_rows_merged_into_one_clinic(client_for, cast):
    client = client_for("admin")
    batch = uploaded(client, as_xlsx(kouseikyoku_rows()), "k.xlsx")  # 4 rows of 届出, 2 clinics
    assert (batch.rows, batch.created) == (4, 2)
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert '同じ医療機関の別の届出としてまとめた行 <strong data-import-merged="2">2</strong>行' in html


def test_the_real_tottori_workbook_adds_up(cast):
    from tests.resources.test_import_area_codes import TOTTORI

    plan = imports.run(TOTTORI.read_bytes(), TOTTORI.name, area_codes=["31204"])
    assert (plan.rows, plan.created, plan.merged, plan.out_of_scope) == (8665, 45, 352, 8268)
    assert plan.rows == plan.imported + plan.merged + plan.rejected_rows + plan.out_of_scope


def test_the_same_office_twice_is_counted_as_merged(cast):
    plan = imports.run(as_csv(kaigo_rows([KAIGO_ROWS[0], KAIGO_ROWS[0], KAIGO_ROWS[1]])), "jigyosho_430.csv")
    assert (plan.rows, plan.created, plan.merged) == (3, 2, 1)
    assert plan.merged_label == "同じ事業所が重ねて載っていた行"


CITY = [
    ["事業所の名前", "サービス", "所在地"],
    ["みどり訪問看護", "訪問看護ステーション", "北九州市小倉北区1-1"],
]


def test_the_history_and_the_batch_page_name_a_batchs_state_and_format_alike(client_for, cast):
    client = client_for("admin")
    waiting = uploaded(client, as_csv(CITY), "city.csv")
    page = client.get(f"/resources/import/{waiting.pk}/").content.decode()
    history = client.get("/resources/import/").content.decode()
    assert '<dd data-import-state="failed">列の対応づけ待ち</dd>' in page
    assert '<td data-import-state="failed">列の対応づけ待ち</td>' in history and ">失敗<" not in history

    client.post(
        f"/resources/import/{waiting.pk}/mapping/",
        {"column_0": "名称", "column_1": "種別", "column_2": "住所"},
    )
    client.post(f"/resources/import/{waiting.pk}/confirm/")
    plain = uploaded(client, as_csv([["種別", "名称"], ["診療所", "森医院"]]), "list.csv")
    history = client.get("/resources/import/").content.decode()
    for batch, label in (
        (waiting, "市などで作った一覧（列の対応づけで読み込み）"),
        (plain, "市などで作った一覧（このポータルの列名で読み込み）"),
    ):
        assert (
            f"<dt>形式</dt><dd>{label}</dd>" in client.get(f"/resources/import/{batch.pk}/").content.decode()
        )
        assert f"<td>{label}</td>" in history
    assert "このポータルの書式（書き出したファイル）" not in history
