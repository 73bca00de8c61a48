"""Export → edit in Excel → import gives exactly the edits."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from resources import imports
from resources.models import ContactWindow, Facility
from tests.resources.factories import make_facility
from tests.resources.samples import as_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(cast):
    a = make_facility(
        "ひまわり在宅クリニック",
        capabilities=["home-visit", "end-of-life"],
        specialties=["内科", "眼科"],
        windows=[(0, (13, 0), (14, 0)), (3, (12, 0), (12, 30), ContactWindow.Kind.AVOID)],
        code="0112345",
        phone="093-111-2222",
        latitude="33.883333",
        longitude="130.875000",
        capacity=19,
        area=cast.ward1,
        accepting=Facility.Accepting.YES,
        accepting_stated_on=datetime.date(2026, 10, 1),
        internal_note="院長直通は午後\r\n水曜は不可",
        public_note="=SUM(A1)",  # exported with a guard, read back without it
        confirmed_on=datetime.date(2026, 4, 1),
    )
    b = make_facility("森訪問看護ステーション", kind_code="visiting-nursing", code="0470100011")
    return a, b


def export_csv(client):
    response = client.get("/resources/export.csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    return list(csv.reader(io.StringIO(text)))


def test_exported_csv_imports_with_no_change(client_for, directory):
    rows = export_csv(client_for("admin"))
    plan = imports.run(as_csv(rows), "facilities.csv", write=True)
    assert plan.ok, plan.error_lines()
    assert plan.format.code == "portal"
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 2)


def test_edits_in_the_sheet_are_exactly_what_changes(client_for, directory):
    a, b = directory
    rows = export_csv(client_for("admin"))
    header = rows[0]
    row_a = next(r for r in rows if r[0] == str(a.pk))
    row_a[header.index("電話番号")] = "093-999-0000"
    row_a[header.index("ケアマネタイム")] = "月 13:00-14:00 電話; 金 16:00-17:00 FAX"
    row_a[header.index("在宅対応機能")] = "訪問診療"
    rows.append(["", "薬局", "", "新しい薬局", "", "", "", "", "テスト市東区1-1"] + [""] * (len(header) - 9))
    plan = imports.run(as_csv(rows), "facilities.csv", write=True)
    assert plan.ok, plan.error_lines()
    assert (plan.created, plan.updated, plan.unchanged) == (1, 1, 1)
    assert plan.samples["update"][0].changed_labels == [
        "電話番号",
        "在宅対応機能: 「在宅看取り」を削除",
        "ケアマネタイム・連絡時間",
    ]
    a.refresh_from_db()
    assert a.phone == "093-999-0000" and "phone" in a.manual_fields
    assert list(a.capabilities.values_list("code", flat=True)) == ["home-visit"]
    assert sorted((w.weekday, w.kind, w.method) for w in a.contact_windows.all()) == [
        (0, "call", "phone"),
        (3, "avoid", "phone"),  # the other column, unchanged
        (4, "call", "fax"),
    ]
    assert a.internal_note == "院長直通は午後\r\n水曜は不可"  # untouched
    assert Facility.objects.filter(name="新しい薬局", kind__code="pharmacy").count() == 1


def test_xlsx_round_trip_edited_with_openpyxl(client_for, directory):
    a, _ = directory
    response = client_for("admin").get("/resources/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value == a.pk:
            cells[header.index("名称")].value = "ひまわり在宅クリニック（新館）"
            cells[header.index("最終確認日")].value = datetime.datetime(2026, 11, 1)
    out = io.BytesIO()
    book.save(out)
    plan = imports.run(out.getvalue(), "facilities.xlsx", write=True)
    assert plan.ok, plan.error_lines()
    assert plan.updated == 1 and plan.samples["update"][0].changed_labels == ["名称", "最終確認日"]
    a.refresh_from_db()
    assert a.name == "ひまわり在宅クリニック（新館）" and a.confirmed_on == datetime.date(2026, 11, 1)
    assert a.public_note == "=SUM(A1)"


def test_portal_sheet_errors_name_row_and_column(client_for, directory):
    rows = export_csv(client_for("admin"))
    header = rows[0]
    rows[1][header.index("在宅対応機能")] = "空中浮遊"
    rows[2][0] = "999999"
    plan = imports.run(as_csv(rows), "facilities.csv", write=True)
    lines = "\n".join(plan.error_lines())
    assert "2行目「在宅対応機能」: 登録されていない機能です: 空中浮遊" in lines
    assert "3行目「ID」: ID 999999 の施設はありません" in lines


def test_admin_action_exports_the_round_trip_sheet(client_for, directory):
    a, b = directory
    response = client_for("admin").post(
        "/admin/resources/facility/",
        {"action": "export_portal_sheet", "_selected_action": [a.pk]},
    )
    assert response.status_code == 200
    plan = imports.run(response.content, "from-admin.xlsx")
    assert plan.ok and plan.format.code == "portal" and plan.unchanged == 1


def test_a_city_sheet_with_known_and_unknown_columns(cast):
    rows = [
        ["種別", "名称", "住所", "電話番号", "訪問エリア"],
        ["訪問看護ステーション", "東区訪問看護", "テスト市東区2-2", "０９３－１２３－４５６７", "東区全域"],
    ]
    plan = imports.run(as_csv(rows, "cp932"), "city.csv", write=True)
    assert plan.ok and plan.format.code == "portal" and plan.created == 1
    assert "知らない列は取り込みません: 訪問エリア" in "\n".join(plan.warning_lines())
    f = Facility.objects.get(name="東区訪問看護")
    assert f.kind.code == "visiting-nursing" and f.phone == "093-123-4567"


def test_every_exported_column_is_read_back_by_the_importer():
    from resources.exporting import COLUMN_FIELDS, PROFESSIONAL_COLUMNS, PUBLIC_COLUMNS

    read_one_by_one = {"ID", "種別", "在宅対応機能", "診療科目", "ケアマネタイム", "連絡を避けてほしい時間"}
    assert set(PUBLIC_COLUMNS + PROFESSIONAL_COLUMNS) == set(COLUMN_FIELDS) | read_one_by_one


def test_the_windows_notes_go_out_and_come_back_with_the_sheet(client_for, directory):
    a, _ = directory
    a.contact_windows.filter(kind=ContactWindow.Kind.AVOID).update(note="外来診療中（第２・第４週）")
    a.contact_windows.filter(kind=ContactWindow.Kind.CALL).update(note="地域連携室へ")
    rows = export_csv(client_for("admin"))
    header = rows[0]
    row_a = next(r for r in rows if r[0] == str(a.pk))
    assert row_a[header.index("ケアマネタイム")] == "月 13:00-14:00 電話（地域連携室へ）"
    assert row_a[header.index("連絡を避けてほしい時間")] == "木 12:00-12:30（外来診療中（第２・第４週））"
    plan = imports.run(as_csv(rows), "facilities.csv", write=True)
    assert plan.ok, plan.error_lines()
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 2)  # the notes as they were

    row_a[header.index("ケアマネタイム")] = "月 13:00-14:00 電話（医事課へ）; 金 16:00-17:00 FAX"
    plan = imports.run(as_csv(rows), "facilities.csv", write=True)
    assert plan.ok, plan.error_lines()
    assert plan.updated == 1
    assert sorted((w.weekday, w.kind, w.method, w.note) for w in a.contact_windows.all()) == [
        (0, "call", "phone", "医事課へ"),
        (3, "avoid", "phone", "外来診療中（第２・第４週）"),  # the other column, kept as written
        (4, "call", "fax", ""),
    ]
