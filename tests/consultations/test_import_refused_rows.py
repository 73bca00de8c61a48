"""A past log with a few bad rows: the good rows import, the bad ones are listed by row, field and
reason, and download as the file had them with a 理由 column, to fix and upload again."""

import csv
import io

from consultations.models import Consultation, ConsultationImport
from tests.consultations.test_import import GOOD, HEADER, csv_bytes

BAD_TYPE = "2026/8/5 9:00,C01,電話,伝書鳩係,,山田,,,,連絡調整,,,,完了"
BAD_DATE_AND_TOPIC = "2026/13/5 9:00,C01,電話,訪問看護,,川口,,,,眼科の話,,,,完了"


def _upload(client, data, name="past.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    client.post("/consultations/import/", {"file": upload})
    return ConsultationImport.objects.latest("pk")


def test_good_rows_import_and_bad_rows_are_listed_with_row_field_and_reason(client_for, cast):
    client = client_for("admin")
    batch = _upload(client, csv_bytes([GOOD[0], BAD_TYPE, GOOD[1], BAD_DATE_AND_TOPIC]))
    html = client.get(f"/consultations/import/{batch.pk}/").content.decode()
    assert 'data-import-new="2"' in html and 'data-import-errors="2"' in html
    assert 'data-error-row="3" data-error-column="相談者区分"' in html
    assert "「伝書鳩係」は相談者区分にありません" in html
    assert 'data-error-row="5" data-error-column="受付日時"' in html
    assert 'data-error-row="5" data-error-column="相談内容"' in html
    assert "取り込めない行をCSVでダウンロード（2件）" in html
    done = client.post(f"/consultations/import/{batch.pk}/confirm/", follow=True).content.decode()
    assert 'data-import-created="2"' in done and "誤りのあった" in done
    assert sorted(Consultation.objects.values_list("consultant_name", flat=True)) == ["", "佐藤"]
    batch.refresh_from_db()
    assert batch.status == "done" and batch.created == 2 and batch.errors == 2
    # The refused rows still download after the import (the rows to fix).
    assert client.get(f"/consultations/import/{batch.pk}/errors.csv").status_code == 200


def test_the_refused_rows_download_as_the_file_had_them_and_import_once_fixed(client_for, cast):
    client = client_for("admin")
    batch = _upload(client, csv_bytes([GOOD[0], BAD_TYPE, BAD_DATE_AND_TOPIC], encoding="cp932"))
    client.post(f"/consultations/import/{batch.pk}/confirm/")
    response = client.get(f"/consultations/import/{batch.pk}/errors.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [*HEADER.split(","), "理由"]
    assert rows[1][:-1] == BAD_TYPE.split(",")
    assert rows[1][-1].startswith("相談者区分: 「伝書鳩係」は相談者区分にありません")
    assert rows[2][:-1] == BAD_DATE_AND_TOPIC.split(",")
    assert "受付日時: " in rows[2][-1] and " / 相談内容: " in rows[2][-1]
    # Fixed in the downloaded file (its 理由 column left in) and uploaded again.
    rows[1][3] = "ケアマネジャー"
    rows[2][0], rows[2][9] = "2026/1/5 9:00", "医療/その他"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    fixed = _upload(client, buffer.getvalue().encode("utf-8-sig"), "past-取り込めなかった行.csv")
    assert fixed.status == "ready" and fixed.rows == 2 and fixed.errors == 0, fixed.result
    client.post(f"/consultations/import/{fixed.pk}/confirm/")
    assert Consultation.objects.count() == 3


def test_a_refused_rows_file_refused_again_keeps_one_reason_column(client_for, cast):
    client = client_for("admin")
    first = _upload(client, csv_bytes([GOOD[0], BAD_TYPE]))
    again = _upload(client, client.get(f"/consultations/import/{first.pk}/errors.csv").content)
    header = (
        client.get(f"/consultations/import/{again.pk}/errors.csv").content.decode("utf-8-sig").splitlines()[0]
    )
    assert header == HEADER + ",理由"


def test_the_command_stays_all_or_nothing(tmp_path, cast):
    import pytest
    from django.core.management import CommandError, call_command

    path = tmp_path / "log.csv"
    path.write_bytes(csv_bytes([GOOD[0], BAD_TYPE]))
    with pytest.raises(CommandError):
        call_command("import_consultations", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Consultation.objects.exists()


def test_after_the_import_the_download_is_the_rows_refused_then_and_the_file_is_gone(client_for, cast):
    from consultations.models import ConsultantType, ConsultantTypeSynonym

    client = client_for("admin")
    batch = _upload(client, csv_bytes([GOOD[0], BAD_TYPE]))
    client.post(f"/consultations/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    # Every client's line of the file is dropped with the import; the refused row is kept.
    assert bytes(batch.content) == b"" and batch.errors == 1
    # A synonym added afterwards does not turn the refused row into one that looks imported.
    ConsultantTypeSynonym.objects.create(term="伝書鳩係", consultant_type=ConsultantType.objects.first())
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/consultations/import/{batch.pk}/errors.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 2 and "伝書鳩係" in rows[1] and "相談者区分" in rows[1][-1]
    assert "data-import-rejected-csv" in client.get(f"/consultations/import/{batch.pk}/").content.decode()


def test_a_confirm_run_again_after_its_rows_were_written_imports_nothing_twice(client_for, cast):
    from consultations import importing

    client = client_for("admin")
    batch = _upload(client, csv_bytes([GOOD[0], GOOD[1]]))
    batch.status = "importing"
    batch.save()
    # A worker that stopped mid-confirm: the rows and the batch's state roll back together.
    original = batch.confirm_done

    def crash():
        raise RuntimeError("worker stopped")

    batch.confirm_done = crash
    try:
        importing.confirm(batch)
    except RuntimeError:
        pass
    batch.confirm_done = original
    assert Consultation.objects.count() == 0
    batch = ConsultationImport.objects.get(pk=batch.pk)
    importing.confirm(batch)
    assert Consultation.objects.count() == 2
