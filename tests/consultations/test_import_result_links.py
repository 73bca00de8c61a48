"""After the confirm the batch page says how many consultations were imported and how many rows
refused, and links to the imported records (each to its own page)."""

import io
import re

from consultations.models import Consultation, ConsultationImport
from tests.consultations.factories import make_consultation
from tests.consultations.test_import import GOOD, csv_bytes

BAD = "2026/8/5 9:00,C01,電話,伝書鳩係,,山田,,,,連絡調整,,,,完了"


def _upload(client, data):
    upload = io.BytesIO(data)
    upload.name = "past.csv"
    client.post("/consultations/import/", {"file": upload})
    return ConsultationImport.objects.latest("pk")


def test_the_result_counts_and_links_to_the_imported_records(client_for, cast):
    client = client_for("coordinator")
    make_consultation(cast.center1)  # the center's own record, not imported
    lines = [GOOD[0].replace(",C01,", ",,"), BAD, GOOD[0].replace(",C01,", ",,").replace("佐藤", "鈴木")]
    batch = _upload(client, csv_bytes(lines))
    done = client.post(f"/consultations/import/{batch.pk}/confirm/", follow=True).content.decode()
    assert 'data-import-created="2"' in done and 'data-import-errors="1"' in done
    link = f'href="/consultations/import/{batch.pk}/records/"'
    assert link in done and "取り込んだ2件の相談を見る" in done
    records = client.get(f"/consultations/import/{batch.pk}/records/").content.decode()
    imported = Consultation.objects.filter(import_batch=batch)
    assert imported.count() == 2 and 'data-result-count="2"' in records
    shown = {int(pk) for pk in re.findall(r'href="/consultations/(\d+)/"', records)}
    assert shown == set(imported.values_list("pk", flat=True))  # not the center's other record
    assert f"{link} title=" in client.get("/consultations/import/").content.decode()
    assert client_for("coordinator2").get(f"/consultations/import/{batch.pk}/records/").status_code == 404


def test_the_command_links_its_records_to_its_import(tmp_path, cast):
    from django.core.management import call_command

    path = tmp_path / "log.csv"
    path.write_bytes(csv_bytes(GOOD))
    call_command("import_consultations", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    batch = ConsultationImport.objects.get()
    assert batch.status == "done" and batch.created == 2
    assert Consultation.objects.filter(import_batch=batch).count() == 2


def test_the_records_list_reads_the_same_queries_however_many_were_imported(
    client_for, cast, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("coordinator")

    def imported(n):
        batch = ConsultationImport.objects.create(
            user=cast.coordinator, center=cast.center1, file_name="x.csv"
        )
        for i in range(n):
            make_consultation(cast.center1, (2026, 8, 3, 9, i), import_batch=batch)
        return f"/consultations/import/{batch.pk}/records/"

    few, many = imported(1), imported(12)
    with CaptureQueriesContext(connection) as one:
        client.get(few)
    with django_assert_num_queries(len(one)):
        html = client.get(many).content.decode()
    assert 'data-result-count="12"' in html
