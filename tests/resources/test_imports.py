"""Facility imports: the four formats, their quirks, idempotence, field ownership."""

import datetime
from decimal import Decimal

import pytest

from resources import imports
from resources.models import Facility, FacilityCapability
from tests.resources.factories import capability, kind, make_facility
from tests.resources.samples import (
    KAIGO_ROWS,
    as_csv,
    as_xlsx,
    kaigo_rows,
    kouseikyoku_row,
    kouseikyoku_rows,
    navii_rows,
)

pytestmark = pytest.mark.django_db


def run(data, name="jigyosho_430.csv"):
    plan = imports.run(data, name, write=True)
    assert plan.ok and not plan.rejected, plan.error_lines()
    return plan


@pytest.mark.parametrize(
    ("encode", "name"),
    [
        (lambda rows: as_csv(rows, "utf-8-sig"), "jigyosho_430.csv"),
        (lambda rows: as_csv(rows, "utf-8"), "jigyosho_430.csv"),
        (lambda rows: as_csv(rows, "cp932"), "jigyosho_430.csv"),
        (as_xlsx, "jigyosho_430.xlsx"),
    ],
    ids=["utf8-bom", "utf8", "cp932", "xlsx"],
)
def test_kaigo_open_data_quirks_are_repaired(cast, encode, name):
    plan = run(encode(kaigo_rows()), name)
    assert plan.format.code == "kaigo" and (plan.created, plan.updated) == (2, 0)
    himawari = Facility.objects.get(code="0470100011")
    assert himawari.kind == kind("care-management")
    assert himawari.phone == "093-582-1111" and himawari.fax == "093-582-1112"
    assert himawari.url == "https://himawari.example.jp"
    assert himawari.public_note == "年末年始\n12月29日から1月3日は休み"
    assert himawari.capacity is None  # 定員 0 = not entered
    assert himawari.opening_days == "平日・土曜日"
    assert himawari.latitude == Decimal("33.883300") and himawari.longitude == Decimal("130.875100")
    assert himawari.address == "福岡県北九州市小倉北区大手町11-4 大手町ビル2F"
    assert himawari.corporation_number == "1290001000001"
    mori = Facility.objects.get(code="0470100029")
    assert mori.url == "https://www.mori-kaigo.example.jp"
    assert mori.latitude is None and mori.longitude is None  # 0,0 = unknown
    assert mori.opening_days == "平日・土曜日・日曜日・祝日"
    assert mori.address.startswith("福岡県北九州市小倉北区")  # prefecture added
    # Found by the directory search, kana folded.
    assert list(Facility.objects.search("ひまわり")) == [himawari]


def test_reimporting_the_same_file_changes_nothing(cast):
    data = as_csv(kaigo_rows())
    run(data)
    again = run(data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_changed_row_updates_only_its_fields(cast):
    run(as_csv(kaigo_rows()))
    rows = [list(r) for r in KAIGO_ROWS]
    rows[0][11] = "093-582-9999"
    plan = run(as_csv(kaigo_rows(rows)))
    assert (plan.created, plan.updated, plan.unchanged) == (0, 1, 1)
    assert plan.samples["update"][0].changed_labels == ["電話番号"]
    assert Facility.objects.get(code="0470100011").phone == "093-582-9999"


def test_one_office_in_two_service_files_stays_one_office_with_two_services(cast):
    run(as_csv(kaigo_rows()), "jigyosho_430.csv")
    rows = [list(KAIGO_ROWS[0])]
    rows[0][6] = "訪問介護"
    rows[0][18] = "30"
    plan = run(as_csv(kaigo_rows(rows)), "jigyosho_110.csv")
    assert (plan.created, plan.updated) == (0, 1)
    office = Facility.objects.get(code="0470100011")
    assert office.kind == kind("care-management")
    # Its services are a set, the first service included; its main kind follows the kinds'
    # precedence (居宅介護支援 before 訪問介護), not the order of the files.
    assert set(office.services.values_list("code", flat=True)) == {"care-management", "home-help"}
    assert office.capacity == 30  # empty before: filled
    assert Facility.objects.filter(code="0470100011").count() == 1
    # Both files again: nothing moves back and forth.
    assert run(as_csv(kaigo_rows()), "jigyosho_430.csv").updated == 0
    assert run(as_csv(kaigo_rows(rows)), "jigyosho_110.csv").updated == 0


def test_hand_edited_and_professional_fields_are_never_overwritten_by_national_data(cast):
    run(as_csv(kaigo_rows()))
    office = Facility.objects.get(code="0470100011")
    office.name = "ひまわりケアプラン（通称）"
    office.mark_manual(["name"])
    office.direct_phone = "090-0000-0000"
    office.internal_note = "所長は火曜休み"
    office.accepting = Facility.Accepting.NO
    office.save()
    rows = [list(r) for r in KAIGO_ROWS]
    rows[0][4] = "ケアプランセンターひまわり本店"
    rows[0][11] = "093-582-7777"
    plan = run(as_csv(kaigo_rows(rows)))
    outcome = plan.samples["update"][0]
    assert outcome.changed_labels == ["電話番号"] and outcome.kept_labels == ["名称"]
    office.refresh_from_db()
    assert office.name == "ひまわりケアプラン（通称）" and office.phone == "093-582-7777"
    assert (office.direct_phone, office.internal_note, office.accepting) == (
        "090-0000-0000",
        "所長は火曜休み",
        "no",
    )


def test_the_edit_form_marks_fields_as_hand_edited(client_for, cast):
    f = make_facility("医院", kind_code="care-management", code="0470100011", phone="093-000-0000")
    from tests.resources.test_facility_pages import _form

    client_for("coordinator").post(f"/resources/{f.pk}/edit/", _form(f, phone="093-111-2222"))
    f.refresh_from_db()
    assert f.phone == "093-111-2222" and "phone" in f.manual_fields


def test_kouseikyoku_list_sets_capabilities_with_their_dates(cast):
    data = as_xlsx(kouseikyoku_rows())
    plan = run(data, "todokede.xlsx")
    assert plan.format.code == "kouseikyoku" and plan.rows == 4 and plan.created == 2
    clinic = Facility.objects.get(code="4010112345")
    assert clinic.kind == kind("clinic") and clinic.postal_code == "802-0001"
    assert (
        clinic.address == "福岡県北九州市小倉北区浅野1丁目2-3"
    )  # full-width digits; the prefecture in front
    links = {link.capability.code: link for link in clinic.capability_links.select_related("capability")}
    assert set(links) == {"shienshin-3", "home-visit"}
    assert links["shienshin-3"].since == datetime.date(2022, 10, 1)
    assert links["home-visit"].since == datetime.date(2023, 4, 1)
    assert links["shienshin-3"].source == "kouseikyoku"
    hospital = Facility.objects.get(code="4010198765")
    assert hospital.kind == kind("hospital") and hospital.capacity == 190  # 一般150／療養40
    assert list(hospital.capabilities.values_list("code", flat=True)) == ["backup-hospital"]
    assert run(data, "todokede.xlsx").updated == 0


def test_kouseikyoku_header_is_found_on_any_row_and_in_csv(cast):
    rows = [["九州厚生局"], ["[令和７年１０月１日 現在 ]"], ["作成"]] + kouseikyoku_rows(title=False)
    plan = run(as_csv(rows, "cp932"), "todokede.csv")
    assert plan.format.code == "kouseikyoku" and plan.created == 2


def test_kouseikyoku_withdrawn_capability_goes_but_hand_set_ones_stay(cast):
    run(as_xlsx(kouseikyoku_rows()), "t.xlsx")
    clinic = Facility.objects.get(code="4010112345")
    FacilityCapability.objects.create(facility=clinic, capability=capability("end-of-life"), source="manual")
    rows = [kouseikyoku_row(1, "0112345", "小倉在宅クリニック", "在医総管１", since="令和 5年 4月 1日")]
    plan = run(as_xlsx(kouseikyoku_rows(rows)), "t.xlsx")
    assert plan.samples["update"][0].changed_labels == [
        "在宅対応機能: 「支援診3（在宅療養支援診療所）」を削除"
    ]
    assert set(clinic.capabilities.values_list("code", flat=True)) == {"home-visit", "end-of-life"}


def test_navii_facility_file(cast):
    plan = run(as_csv(navii_rows()), "02-1_clinic_facility_info.csv")
    assert plan.format.code == "navii" and plan.created == 2
    eye = Facility.objects.get(navii_id="4010000000001")
    assert eye.kind == kind("clinic") and eye.name_kana == "イリョウホウジン モリガンカイイン"
    assert eye.closed_days == "木" and eye.latitude == Decimal("33.885000")
    assert eye.url == "https://mori-eye.example.jp"
    hospital = Facility.objects.get(navii_id="4010000000002")
    assert hospital.kind == kind("hospital") and hospital.capacity == 199
    assert hospital.latitude is None  # 0.0,0.0 = unknown
    assert list(Facility.objects.search("森")) == [eye]


def test_navii_row_joins_the_facility_the_kouseikyoku_list_created(cast):
    run(as_xlsx(kouseikyoku_rows()), "t.xlsx")
    rows = navii_rows(
        [
            [
                "4010000000009",
                "小倉在宅クリニック",
                "コクラザイタククリニック",
                "",
                "",
                "",
                "2",
                "40",
                "40106",
                "福岡県北九州市小倉北区浅野１丁目２－３",
                "33.88",
                "130.88",
                "",
                "0",
                "0",
                "",
            ]
        ]
    )
    plan = run(as_csv(rows), "n.csv")
    assert (plan.created, plan.updated) == (0, 1)
    clinic = Facility.objects.get(code="4010112345")
    assert clinic.navii_id == "4010000000009" and clinic.name_kana == "コクラザイタククリニック"


def test_area_is_taken_from_the_address(cast):
    rows = [list(KAIGO_ROWS[0])]
    rows[0][3], rows[0][7] = "テスト市東区", "テスト市東区本町1-1"
    run(as_csv(kaigo_rows(rows)))
    assert Facility.objects.get(code="0470100011").area == cast.ward1


def test_a_file_of_many_chunks_writes_each_row_and_its_change_once(cast, monkeypatch):
    # Chunks of one row: every chunk is written while the one before is let go.
    monkeypatch.setattr(imports, "CHUNK", 1)
    rows = [list(r) for r in KAIGO_ROWS]
    rows.append(list(KAIGO_ROWS[0]))
    rows[2][15], rows[2][4] = "0470100037", "第三の事業所"
    plan = run(as_csv(kaigo_rows(rows)))
    assert (plan.created, plan.updated, plan.unchanged) == (3, 0, 0)
    codes = ["0470100011", "0470100029", "0470100037"]
    facilities = Facility.objects.filter(code__in=codes).order_by("code")
    assert [f.name for f in facilities][2] == "第三の事業所"
    assert [f.changes.count() for f in facilities] == [1, 1, 1]
    assert "名称" in facilities[2].changes.get().fields
    rows[1][11] = "093-111-2222"
    again = run(as_csv(kaigo_rows(rows)))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert Facility.objects.get(code="0470100029").changes.order_by("pk").last().fields == ["電話番号"]
