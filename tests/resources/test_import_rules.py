"""What an import does to the directory beyond copying cells: national keys, a facility's set of
services, addresses joined without doubling, dashes folded for search, approximate pins,
facilities gone from a newer full file, and a city's own sheet mapped once."""

import pytest

from resources import imports
from resources.imports.formats import join_address
from resources.models import ColumnMapping, Facility, FacilityImport
from tests.resources.factories import make_facility
from tests.resources.samples import KAIGO_ROWS, as_csv, as_xlsx, kaigo_rows, kouseikyoku_row, kouseikyoku_rows

pytestmark = pytest.mark.django_db


def run(data, name="jigyosho_430.csv", **options):
    plan = imports.run(data, name, write=True, **options)
    assert plan.ok, plan.error
    return plan


def test_the_same_medical_number_in_two_prefectures_is_two_facilities(cast):
    def row(prefecture, name, address):
        cells = kouseikyoku_row(1, "0112345", name, "支援診３")
        cells[1], cells[2], cells[9] = prefecture, "", address
        return cells

    yamanashi = row("19", "甲府の診療所", "甲府市丸の内1-1")
    hokkaido = row("01", "札幌の診療所", "札幌市中央区北1条西1")
    run(as_xlsx(kouseikyoku_rows([yamanashi])), "t.xlsx", area_codes=["19"])
    run(as_xlsx(kouseikyoku_rows([hokkaido])), "t.xlsx", area_codes=["01"])
    assert dict(Facility.objects.values_list("code", "name")) == {
        "1910112345": "甲府の診療所",
        "0110112345": "札幌の診療所",
    }


def test_dental_and_pharmacy_numbers_do_not_collide_with_medical_ones(cast):
    rows = [
        kouseikyoku_row(1, "0112345", "小倉医院", "支援診３"),
        kouseikyoku_row(2, "0112345", "小倉歯科", "歯援診１", division="歯科"),
        kouseikyoku_row(3, "0112345", "小倉薬局", "在薬", division="薬局"),
    ]
    plan = run(as_xlsx(kouseikyoku_rows(rows)), "t.xlsx")
    assert plan.created == 3
    assert dict(Facility.objects.values_list("code", "kind__code")) == {
        "4010112345": "clinic",
        "4030112345": "dental",
        "4040112345": "pharmacy",
    }


@pytest.mark.parametrize(
    ("prefecture", "city", "address", "building", "joined"),
    [
        ("福岡県", "北九州市小倉北区", "小倉北区小倉北区片野3-18-7", "", "福岡県北九州市小倉北区片野3-18-7"),
        ("福岡県", "北九州市戸畑区", "戸畑区福岡県 北九州市 戸畑区中本町1-1", "", "福岡県北九州市戸畑区中本町1-1"),
        ("神奈川県", "横浜市保土ケ谷区", "横浜市保土ヶ谷区岩井町1", "", "神奈川県横浜市保土ケ谷区岩井町1"),
        ("福岡県", "北九州市小倉北区", "大手町11-4大手町ビル2F", "大手町ビル2F", "福岡県北九州市小倉北区大手町11-4大手町ビル2F"),
        ("福岡県", "北九州市小倉北区", "大手町11-4", "大手町ビル2F", "福岡県北九州市小倉北区大手町11-4 大手町ビル2F"),
    ],
)  # fmt: skip
def test_addresses_are_joined_without_doubling(prefecture, city, address, building, joined):
    assert join_address(prefecture, city, address, building) == joined


def test_any_dash_in_an_address_finds_it(cast):
    facility = make_facility("片野の事業所", address="福岡県北九州市小倉北区片野3―18―7")
    for typed in ("片野3-18-7", "片野３－１８－７", "片野3−18−7", "片野3ー18ー7", "片野3‐18‐7"):
        assert list(Facility.objects.search(typed)) == [facility], typed


def test_a_kouseikyoku_row_without_coordinates_gets_an_approximate_pin(client_for, cast):
    make_facility("近所の薬局", address="北九州市小倉北区浅野1丁目5-5", latitude=33.8870, longitude=130.8840)
    run(as_xlsx(kouseikyoku_rows()), "t.xlsx")
    clinic = Facility.objects.get(code="4010112345")
    assert clinic.location_approximate and float(clinic.latitude) == pytest.approx(33.887)
    html = client_for("anonymous").get(f"/resources/{clinic.pk}/").content.decode()
    assert "data-location-approximate" in html and "地図の位置はおおよそです" in html


def test_real_coordinates_replace_an_approximate_pin(cast):
    make_facility("近所の薬局", address="北九州市小倉北区浅野1丁目5-5", latitude=33.8870, longitude=130.8840)
    run(as_xlsx(kouseikyoku_rows()), "t.xlsx")
    clinic = Facility.objects.get(code="4010112345")
    clinic.mark_manual(["latitude"])  # even a hand-set field: an approximate pin is not a person's
    clinic.save()
    from tests.resources.samples import navii_rows

    navii = navii_rows()[:1] + [["4010000000009", "小倉在宅クリニック", "", "", "", "", "2", "40", "40106",
                                 "福岡県北九州市小倉北区浅野１丁目２－３", "33.8801", "130.8802", "", "0", "0", ""]]  # fmt: skip
    run(as_csv(navii), "n.csv")
    clinic.refresh_from_db()
    assert not clinic.location_approximate and float(clinic.latitude) == pytest.approx(33.8801)


def test_the_facility_page_links_to_its_national_page(client_for, cast):
    run(as_csv(kaigo_rows()))
    office = Facility.objects.get(code="0470100011")
    html = client_for("anonymous").get(f"/resources/{office.pk}/").content.decode()
    assert "data-national-page" in html and "JigyosyoCd=0470100011-00" in html and "ServiceCd=430" in html


def _confirmed(client, data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post("/resources/import/", {"file": SimpleUploadedFile(name, data)})
    batch = FacilityImport.objects.latest("pk")
    client.post(f"/resources/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    return batch


def test_a_facility_missing_from_a_newer_full_file_is_flagged_never_deleted(client_for, cast):
    client = client_for("admin")
    _confirmed(client, as_csv(kaigo_rows()), "jigyosho_430.csv")
    elsewhere = make_facility(
        "他市の事業所", kind_code="care-management", code="4270100011", address="長崎県長崎市1"
    )
    newer = _confirmed(client, as_csv(kaigo_rows(KAIGO_ROWS[:1])), "jigyosho_430.csv")
    assert newer.missing == 1
    gone = Facility.objects.get(code="0470100029")
    assert gone.missing_since is not None and gone.missing_batch == newer
    elsewhere.refresh_from_db()
    assert elsewhere.missing_since is None  # outside the file's scope: not its business
    html = client.get(f"/resources/{gone.pk}/").content.decode()
    assert "data-missing-from-source" in html and "最新の公表データに見当たりません（" in html
    assert gone.name in client.get("/resources/missing/").content.decode()
    client.post("/resources/missing/", {"facility": gone.pk, "decision": "close"})
    gone.refresh_from_db()
    assert gone.closed_on is not None and Facility.objects.filter(pk=gone.pk).exists()
    assert (
        'data-result-count="0"' in client.get("/resources/?q=訪問介護ステーション森").content.decode()
    )  # 廃止


def test_a_listed_facility_loses_its_flag_and_an_admin_can_keep_a_flagged_one(client_for, cast):
    client = client_for("admin")
    _confirmed(client, as_csv(kaigo_rows()), "jigyosho_430.csv")
    _confirmed(client, as_csv(kaigo_rows(KAIGO_ROWS[:1])), "jigyosho_430.csv")
    gone = Facility.objects.get(code="0470100029")
    client.post("/resources/missing/", {"facility": gone.pk, "decision": "keep"})
    gone.refresh_from_db()
    assert gone.missing_since is None and gone.closed_on is None
    _confirmed(client, as_csv(kaigo_rows(KAIGO_ROWS[:1])), "jigyosho_430.csv")
    _confirmed(client, as_csv(kaigo_rows()), "jigyosho_430.csv")  # listed again
    gone.refresh_from_db()
    assert gone.missing_since is None


CITY_SHEET = [
    ["事業所の名前", "サービス", "所在地", "TEL", "メモ"],
    ["みどり訪問看護", "訪問看護ステーション", "北九州市小倉北区1-1", "093-111-2222", "社内用"],
]


def test_a_city_sheet_is_mapped_once_and_next_years_sheet_maps_itself(client_for, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("admin")
    client.post("/resources/import/", {"file": SimpleUploadedFile("city.csv", as_csv(CITY_SHEET))})
    batch = FacilityImport.objects.latest("pk")
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "列の対応づけ" in html and "事業所の名前" in html
    refused = client.post(f"/resources/import/{batch.pk}/mapping/", {"column_0": "名称"}).content.decode()
    assert "「種別」にあたる列を選んでください" in refused
    mapping = {
        "column_0": "名称",
        "column_1": "種別",
        "column_2": "住所",
        "column_3": "電話番号",
        "column_4": "",
    }
    client.post(f"/resources/import/{batch.pk}/mapping/", mapping)
    batch.refresh_from_db()
    assert batch.status == "ready" and batch.created == 1
    client.post(f"/resources/import/{batch.pk}/confirm/")
    facility = Facility.objects.get(name="みどり訪問看護")
    assert facility.phone == "093-111-2222" and facility.kind.code == "visiting-nursing"
    assert ColumnMapping.objects.count() == 1
    # Next year's sheet, same header: no mapping step.
    next_year = [
        CITY_SHEET[0],
        ["あおば訪問看護", "訪問看護ステーション", "北九州市小倉南区2-2", "093-333-4444", ""],
    ]
    client.post("/resources/import/", {"file": SimpleUploadedFile("city2026.csv", as_csv(next_year))})
    batch = FacilityImport.objects.latest("pk")
    assert batch.status == "ready" and batch.created == 1


def test_a_newer_file_that_only_drops_a_facility_can_still_be_confirmed(client_for, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("admin")
    _confirmed(client, as_csv(kaigo_rows()), "jigyosho_430.csv")
    client.post("/resources/import/", {"file": SimpleUploadedFile("jigyosho_430.csv", as_csv(kaigo_rows(KAIGO_ROWS[:1])))})
    batch = FacilityImport.objects.latest("pk")
    assert (batch.status, batch.created, batch.updated, batch.missing) == ("ready", 0, 0, 1)
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert 'data-import-missing="1"' in html and "消えた施設 1件" in html
    assert not Facility.objects.filter(missing_since__isnull=False).exists()  # the preview flags nothing
    client.post(f"/resources/import/{batch.pk}/confirm/")
    assert Facility.objects.get(missing_since__isnull=False).code == "0470100029"


def test_the_mapping_step_guesses_the_usual_headers_and_reads_kinds_as_people_write_them(client_for, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = [["事業所の名前", "サービス", "所在地", "TEL"], ["あおば", "訪問看護", "北九州市小倉南区2-2", "093-333-4444"]]
    client = client_for("admin")
    client.post("/resources/import/", {"file": SimpleUploadedFile("city.csv", as_csv(sheet))})
    batch = FacilityImport.objects.latest("pk")
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "data-needs-mapping" in html and "form-errors" not in html and "列の対応づけ待ち" in html
    form = client.get(f"/resources/import/{batch.pk}/").context["mapping_form"]
    assert [form[f"column_{i}"].initial for i in range(4)] == ["名称", "種別", "住所", "電話番号"]
    client.post(f"/resources/import/{batch.pk}/mapping/", {f"column_{i}": form[f"column_{i}"].initial for i in range(4)})
    batch.refresh_from_db()
    assert batch.status == "ready" and batch.created == 1 and batch.rejected == 0
    assert batch.result["format_label"].startswith("市などで作った一覧")


def test_an_imported_facility_never_confirmed_is_called_unconfirmed_not_a_year_old(client_for, cast):
    run(as_csv(kaigo_rows()))
    html = client_for("anonymous").get("/resources/?q=ひまわり").content.decode()
    assert ">未確認</span>" in html and "1年以上未確認" not in html
