"""「この取込だけ対象に加える地域」: a municipality's 全国地方公共団体コード with its check digit
(6 digits) or without (5) selects it in either kind of national file (the kaigo files by their
code column, the 地方厚生局 workbooks by the address); a code that is no municipality's, or that
no row of the file is in, is refused in Japanese, naming the field and the value, before any
facility is written."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from resources import imports
from resources.imports import municipalities
from resources.models import Facility, FacilityImport
from tests.resources.samples import KAIGO_ROWS, as_csv, kaigo_rows

pytestmark = pytest.mark.django_db

TOTTORI = (
    Path(__file__).resolve().parent.parent / "data" / "real" / "kouseikyoku" / "chugoku_31_tottori_ika.xlsx"
)
SAKAIMINATO_FACILITIES = 45  # 境港市's 397 rows of 届出, one facility each 医療機関番号


@pytest.mark.parametrize(
    ("code", "name"),
    [("401005", "北九州市"), ("312045", "境港市"), ("131016", "千代田区"), ("011002", "札幌市")],
)
def test_the_check_digit_is_computed_from_the_first_five_digits(code, name):
    assert municipalities.check_digit(code[:5]) == code[5]
    assert municipalities.municipality(code[:5])[1] == name


@pytest.mark.parametrize("code", ["312045", "31204", "３１２０４５"])
def test_a_municipality_code_selects_its_rows_of_a_kouseikyoku_workbook(cast, code):
    [typed] = municipalities.parse(code)[0]
    plan = imports.run(TOTTORI.read_bytes(), TOTTORI.name, write=True, area_codes=[typed])
    assert plan.ok, plan.error
    assert plan.created == SAKAIMINATO_FACILITIES
    assert "境港市" in plan.scope and "31204" not in plan.scope
    addresses = list(Facility.objects.values_list("address", flat=True))
    assert len(addresses) == SAKAIMINATO_FACILITIES
    assert all(a.startswith("鳥取県境港市") for a in addresses)
    assert "鳥取県境港市" not in dict(plan.out_of_scope_places)


def _upload(client, data, name, area_codes):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post("/resources/import/", {"file": file, "area_codes": area_codes})


def test_the_upload_page_takes_a_six_digit_code_and_names_the_municipality(client_for, cast):
    client = client_for("admin")
    response = _upload(client, TOTTORI.read_bytes(), TOTTORI.name, "312045")
    assert response.status_code == 302, response.content.decode()[:500]
    batch = FacilityImport.objects.get()
    assert batch.area_codes == ["31204"]
    html = client.get(response.url).content.decode()
    assert f'data-import-new="{SAKAIMINATO_FACILITIES}"' in html
    assert 'data-import-out-of-scope="8268"' in html  # 8,665 rows, 境港市's 397 kept
    assert "対象外（境港市、" in html
    assert "この取込だけ加えた地域</dt><dd>鳥取県境港市（31204）</dd>" in html


@pytest.mark.parametrize(
    ("typed", "bad", "reason"),
    [
        ("99999", "99999", "どの市町村のコードでもありません"),
        ("312046", "312046", "検査数字が合いません"),
        ("３１２０４５ 99999", "99999", "どの市町村のコードでもありません"),
        ("3120", "3120", "4桁です"),
        ("48", "48", "都道府県コード（01〜47）ではありません"),
        ("境港市", "境港市", "数字ではありません"),
    ],
)
def test_a_code_that_is_no_municipality_is_refused_before_any_work(client_for, cast, typed, bad, reason):
    client = client_for("admin")
    response = _upload(client, TOTTORI.read_bytes(), TOTTORI.name, typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"「この取込だけ対象に加える地域」の「{bad}」は" in html and reason in html
    assert not FacilityImport.objects.exists()


def test_a_valid_code_no_row_of_the_file_is_in_is_said_and_the_rest_still_imports(client_for, cast):
    client = client_for("admin")
    response = _upload(client, TOTTORI.read_bytes(), TOTTORI.name, "402036 312045")
    batch = FacilityImport.objects.get()
    assert batch.status == FacilityImport.Status.READY
    html = client.get(response.url).content.decode()
    assert (
        "「この取込だけ対象に加える地域」の「40203」（福岡県久留米市）に当たる行はこのファイルにありませんでした"
        in html
    )
    assert "境港市" in html and "新規（45件）" in html  # the other code's rows are still offered


@pytest.mark.parametrize("code", ["011002", "01100", "011011", "01101"])
def test_a_code_selects_its_rows_of_a_kaigo_file_with_or_without_the_check_digit(cast, code):
    rows = [list(KAIGO_ROWS[0]), list(KAIGO_ROWS[1])]
    rows[1][0], rows[1][2], rows[1][3] = "011011", "北海道", "札幌市中央区"
    [typed] = municipalities.parse(code)[0]
    plan = imports.run(as_csv(kaigo_rows(rows)), "jigyosho_430.csv", write=True, area_codes=[typed])
    assert plan.ok, plan.error
    assert (plan.created, plan.out_of_scope) == (2, 0)
    assert "札幌市" in plan.scope
