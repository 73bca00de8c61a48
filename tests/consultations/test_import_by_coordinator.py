"""A coordinator imports its own center's past log: the rows go to its center whatever the file
says, another center's row is refused, and the admin keeps choosing the center (or the column)."""

import io

from consultations.models import Consultation, ConsultationImport

HEADER = "受付日時,センター,受付方法,相談者区分,相談者所属,相談者氏名,対象者年齢,対象者性別,対象者居住区,相談内容,相談概要,対応内容,対応結果,状態"
BLANK_CENTER = "2026/8/4 9:05,,電話,ケアマネジャー,,佐藤,,,,連絡調整,,,,完了"
OWN_CENTER = "2026/8/5 9:05,C01,電話,訪問看護,,鈴木,,,,連絡調整,,,,完了"
OTHER_CENTER = "2026/8/6 9:05,C02,電話,訪問看護,,田中,,,,連絡調整,,,,完了"


def csv_bytes(*lines, header=HEADER):
    return ("\r\n".join([header, *lines]) + "\r\n").encode("utf-8-sig")


def upload(client, data, **fields):
    file = io.BytesIO(data)
    file.name = "past.csv"
    response = client.post("/consultations/import/", {"file": file, **fields})
    batch = ConsultationImport.objects.latest("pk")
    assert response.status_code == 302, response
    return batch


def test_a_coordinators_rows_go_to_its_own_center(client_for, cast):
    client = client_for("coordinator")
    # A coordinator cannot send its rows to another center by posting one.
    batch = upload(client, csv_bytes(BLANK_CENTER, OWN_CENTER), center="C02")
    assert batch.center == cast.center1 and batch.status == "ready"
    client.post(f"/consultations/import/{batch.pk}/confirm/")
    assert sorted(Consultation.objects.values_list("center__code", flat=True)) == ["C01", "C01"]


def test_a_coordinators_file_needs_no_center_column(client_for, cast):
    header = HEADER.replace("センター,", "")
    batch = upload(
        client_for("coordinator"),
        csv_bytes("2026/8/4 9:05,電話,ケアマネジャー,,,,,,連絡調整,,,,完了", header=header),
    )
    assert batch.status == "ready" and batch.rows == 1


def test_another_centers_row_is_an_error_naming_the_center(client_for, cast):
    client = client_for("coordinator")
    batch = upload(client, csv_bytes(BLANK_CENTER, OTHER_CENTER))
    html = client.get(f"/consultations/import/{batch.pk}/").content.decode()
    assert 'data-error-row="3" data-error-column="センター"' in html
    assert "C01 東センターの記録だけを取り込めます（この行は「C02」）" in html


def test_another_centers_coordinator_cannot_open_the_batch(client_for, cast):
    batch = upload(client_for("coordinator"), csv_bytes(BLANK_CENTER))
    other = client_for("coordinator2")
    assert other.get(f"/consultations/import/{batch.pk}/").status_code == 404
    assert other.post(f"/consultations/import/{batch.pk}/confirm/").status_code == 404
    assert "past.csv" not in other.get("/consultations/import/").content.decode()
    assert not Consultation.objects.exists()


def test_an_admin_chooses_the_center_or_the_column(client_for, cast):
    client = client_for("admin")
    batch = upload(client, csv_bytes(BLANK_CENTER), center="C02")
    assert batch.center == cast.center2
    client.post(f"/consultations/import/{batch.pk}/confirm/")
    assert Consultation.objects.get().center == cast.center2
    by_column = upload(client, csv_bytes(OWN_CENTER, OTHER_CENTER))
    assert by_column.center is None and by_column.rows == 2
    page = client.get("/consultations/import/").content.decode()
    assert 'name="center"' in page and "センター列のとおり" in page


def test_the_consultations_index_links_coordinators_to_the_import(client_for, cast):
    html = client_for("coordinator").get("/consultations/").content.decode()
    assert "data-import-link" in html and 'href="/consultations/import/"' in html
    page = client_for("coordinator").get("/consultations/import/").content.decode()
    assert 'data-import-center="C01"' in page and 'name="center"' not in page
    assert (
        'href="/consultations/import/"'
        not in client_for("professional").get("/consultations/reports/").content.decode()
    )


def test_the_same_file_in_another_center_is_not_a_duplicate(client_for, cast):
    data = csv_bytes(BLANK_CENTER)
    first = upload(client_for("coordinator2"), data)
    client_for("coordinator2").post(f"/consultations/import/{first.pk}/confirm/")
    assert Consultation.objects.get().center == cast.center2
    second = upload(client_for("coordinator"), data)
    assert second.duplicate_warning == ""
    again = upload(client_for("coordinator"), data)
    client_for("coordinator").post(f"/consultations/import/{second.pk}/confirm/")
    assert "取り込み済み" in ConsultationImport.objects.get(pk=again.pk).duplicate_warning
