import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from consultations.models import Consultation, ConsultationImport

HEADER = "受付日時,センター,受付方法,相談者区分,相談者所属,相談者氏名,対象者年齢,対象者性別,対象者居住区,相談内容,相談概要,対応内容,対応結果,状態"
GOOD = [
    "2026-08-03 10:15,C01,電話,ケアマネジャー,△△ケアプラン,佐藤,84,女性,東区,医療/訪問診療できる医療機関に関する事;連絡調整,訪問医を探したい,紹介,受入可,完了",
    "2026/8/4 9:05,東センター,FAX,訪問看護,,,,,,介護/その他,,,,継続",
]


def csv_bytes(lines, encoding="utf-8-sig"):
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding)


def run(tmp_path, data, name="log.csv", dry_run=False):
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_consultations", str(path), dry_run=dry_run, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_import_csv_in_each_encoding(tmp_path, cast, encoding):
    out, _ = run(tmp_path, csv_bytes(GOOD, encoding))
    assert "created 2" in out
    first = Consultation.objects.get(consultant_name="佐藤")
    assert first.center == cast.center1 and first.client_area == cast.ward1 and first.client_age == 84
    assert sorted(t.path for t in first.topics.all()) == ["医療/訪問診療できる医療機関に関する事", "連絡調整"]
    assert Consultation.objects.get(method="fax").status == "continuing"


def test_import_xlsx(tmp_path, cast):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    for line in GOOD:
        ws.append(line.split(","))
    buffer = io.BytesIO()
    wb.save(buffer)
    out, _ = run(tmp_path, buffer.getvalue(), "log.xlsx")
    assert "created 2" in out


def test_dry_run_saves_nothing(tmp_path, cast):
    out, _ = run(tmp_path, csv_bytes(GOOD), dry_run=True)
    assert "dry run" in out and not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "2026-02-30 10:00,C01,電話,ケアマネジャー,,,,,,連絡調整,,,,完了",
            "2行目「受付日時」: 存在しない日時",
        ),
        ("2026-08-03,C09,電話,ケアマネジャー,,,,,,連絡調整,,,,完了", "2行目「センター」"),
        ("2026-08-03,C01,伝書鳩,ケアマネジャー,,,,,,連絡調整,,,,完了", "2行目「受付方法」"),
        ("2026-08-03,C01,電話,伝書鳩,,,,,,連絡調整,,,,完了", "2行目「相談者区分」"),
        ("2026-08-03,C01,電話,ケアマネジャー,,,二十,,,連絡調整,,,,完了", "2行目「対象者年齢」"),
        ("2026-08-03,C01,電話,ケアマネジャー,,,,,,医療/眼科,,,,完了", "2行目「相談内容」: 「医療/眼科」"),
        ("2026-08-03,C01,電話,ケアマネジャー,,,,,,,,,,完了", "2行目「相談内容」"),
        ("2026-08-03,C01,電話,ケアマネジャー,,,,,,連絡調整,,,,済", "2行目「状態」"),
        ("2026-08-03,C01,電話,ケアマネジャー,,,,,,連絡調整,,,,完了,余分,余分", "2行目: 列が多すぎます"),
    ],
)
def test_bad_rows_name_row_and_column_and_save_nothing(tmp_path, cast, line, expected):
    with pytest.raises(CommandError):
        run(tmp_path, csv_bytes([GOOD[0], line]).replace(b"\r\n2026-08-03 10:15", b"\r\n2026-08-03 10:15", 1))
    assert not Consultation.objects.exists()
    # the error text, through the parser directly
    from consultations import importing

    lines = importing.parse(csv_bytes([line, GOOD[0]]), "x.csv").error_lines()
    assert any(expected in e for e in lines), lines


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "x.csv", "ファイルが空です"),
        ((HEADER + "\r\n").encode(), "x.csv", "データ行がありません"),
        ("受付日時,センター,相談者区分\r\n".encode(), "x.csv", "必須の列がありません: 相談内容"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "x.xls", "HTML"),
        (b"PK\x03\x04not really a zip", "x.xlsx", "読み込めません"),
        (bytes([0x82, 0xA0, 0xFF, 0xFE, 0x81]), "x.csv", "文字コードを判別できません"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(cast, data, name, expected):
    from consultations import importing

    result = importing.parse(data, name)
    assert not result.ok and any(expected in e for e in result.error_lines()), result.error_lines()


def test_zip_bomb_is_refused_before_opening(cast):
    from consultations import importing

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    result = importing.parse(buffer.getvalue(), "bomb.xlsx")
    assert any("異常に大きい" in e for e in result.error_lines())


def test_formula_cells_are_refused(cast):
    from consultations import importing

    wb = Workbook()
    wb.active.append(HEADER.split(","))
    wb.active.append(["2026-08-03", "C01", "電話", "=1+1"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = importing.parse(buffer.getvalue(), "f.xlsx")
    assert any("数式" in e and "2行目" in e for e in result.error_lines())


def test_file_over_the_limit_is_refused(cast, settings):
    from consultations import importing

    settings.IMPORT_MAX_BYTES = 100
    result = importing.parse(csv_bytes(GOOD), "x.csv")
    assert any("大きすぎます" in e for e in result.error_lines())


def _upload(client, data, name="past.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    response = client.post("/consultations/import/", {"file": upload})
    batch = ConsultationImport.objects.latest("pk")
    assert response.status_code == 302 and response.url == f"/consultations/import/{batch.pk}/"
    return batch


def test_upload_preview_confirm_in_the_portal(client_for, cast):
    client = client_for("admin")
    batch = _upload(client, csv_bytes(GOOD))
    html = client.get(f"/consultations/import/{batch.pk}/").content.decode()
    assert 'data-import-new="2"' in html and not Consultation.objects.exists()
    response = client.post(f"/consultations/import/{batch.pk}/confirm/", follow=True)
    assert "2</strong>件の相談を取り込みました" in response.content.decode()
    assert Consultation.objects.count() == 2
    batch.refresh_from_db()
    assert batch.status == "done" and batch.created == 2 and batch.user == cast.admin


def test_a_confirm_posted_twice_imports_once(client_for, cast):
    client = client_for("admin")
    batch = _upload(client, csv_bytes(GOOD))
    client.post(f"/consultations/import/{batch.pk}/confirm/")
    again = client.post(f"/consultations/import/{batch.pk}/confirm/", follow=True).content.decode()
    assert "二重には取り込みません" in again
    assert Consultation.objects.count() == 2
    # And a second request that read the batch before the first one claimed it loses the claim.
    other = _upload(client, csv_bytes(GOOD[:1]))
    stale = ConsultationImport.objects.get(pk=other.pk)
    assert other.request_confirm() is True and stale.request_confirm() is False
    assert Consultation.objects.count() == 3


def test_upload_with_only_bad_rows_imports_nothing_and_offers_them_as_csv(client_for, cast):
    client = client_for("admin")
    bad = [f"2026-08-03,C01,電話,家族{i},,,,,,連絡調整,,,,完了" for i in range(300)]
    batch = _upload(client, csv_bytes(bad), "bad.csv")
    html = client.get(f"/consultations/import/{batch.pk}/").content.decode()
    assert "取り込める行がありません" in html and 'data-error-row="3" data-error-column="相談者区分"' in html
    assert html.count('data-error-column="相談者区分"') == 200  # the page lists the first ones only
    assert "ほか100件" in html
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.errors == 300
    csv = client.get(f"/consultations/import/{batch.pk}/errors.csv").content.decode("utf-8-sig")
    assert len(csv.splitlines()) == 301 and "家族299" in csv
    assert client.post(f"/consultations/import/{batch.pk}/confirm/", follow=True).status_code == 200
    assert not Consultation.objects.exists()


def test_import_history_query_count_is_constant(client_for, cast, django_assert_num_queries):
    client = client_for("admin")
    ConsultationImport.objects.create(user=cast.admin, file_name="a.csv", content=b"", status="done")
    client.get("/consultations/import/")
    with django_assert_num_queries(4):  # session, user, history (with user, center), the centers to choose
        html = client.get("/consultations/import/").content.decode()
    assert "a.csv" in html
    for i in range(10):
        ConsultationImport.objects.create(user=cast.coordinator, file_name=f"b{i}.csv", content=b"")
    with django_assert_num_queries(4):
        client.get("/consultations/import/")


def test_an_implausible_date_names_the_row_and_the_field(cast):
    from consultations import importing

    result = importing.parse(
        csv_bytes(["2099-01-01 10:00,C01,電話,ケアマネジャー,,,,,,連絡調整,,,,完了"]), "x.csv"
    )
    assert any(e.startswith("2行目「受付日時」: 受付日時が未来の日付") for e in result.error_lines()), (
        result.error_lines()
    )
    result = importing.parse(
        csv_bytes(["1999-12-31 10:00,C01,電話,ケアマネジャー,,,,,,連絡調整,,,,完了"]), "x.csv"
    )
    assert any("2000年1月1日以降" in e for e in result.error_lines())


def test_blank_lines_before_the_header_are_not_an_empty_file(cast):
    from consultations import importing

    assert importing.parse(b"\r\n" * 3 + csv_bytes(GOOD), "x.csv").ok
    lines = importing.parse(b"\r\n" * 1000 + csv_bytes(GOOD), "x.csv").error_lines()
    assert any("最初の20行に見出しの行が見つかりません" in e for e in lines), lines
