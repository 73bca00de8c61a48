"""A past-log file uploaded a second time: its rows would become second consultations (the log
has no key to update by), so the batch page names the earlier import and the confirm needs the
admin's explicit consent, checked by the server and again by the worker."""

import io

from django.utils import timezone

from consultations.models import Consultation, ConsultationImport
from tests.consultations.test_import import GOOD, csv_bytes

CHECKBOX = "二重になることを承知で取り込む"


def _upload(client, data, name="past.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    client.post("/consultations/import/", {"file": upload})
    return ConsultationImport.objects.latest("pk")


def _page(client, batch):
    return client.get(f"/consultations/import/{batch.pk}/").content.decode()


def _confirm(client, batch, **data):
    return client.post(f"/consultations/import/{batch.pk}/confirm/", data, follow=True).content.decode()


def _imported(client, data, name="past.csv"):
    batch = _upload(client, data, name)
    _confirm(client, batch)
    batch.refresh_from_db()
    assert batch.status == "done"
    return batch


def test_the_same_file_again_names_the_earlier_import_and_its_confirm_is_refused(client_for, cast):
    client = client_for("admin")
    first = _imported(client, csv_bytes(GOOD))
    assert Consultation.objects.count() == 2
    second = _upload(client, csv_bytes(GOOD), "renamed.csv")
    assert second.sha256 == first.sha256 != ""
    html = _page(client, second)
    day = timezone.localtime(first.finished_at)
    expected = (
        f"このファイルは{day.year}年{day.month}月{day.day}日に{cast.admin}さんが取り込み済みです。"
        "もう一度取り込むと同じ相談が二重に登録されます。"
    )
    assert "data-import-duplicate" in html and expected in html and CHECKBOX in html
    # The confirm posted without the checkbox (a crafted request, or an old page) is refused.
    refused = _confirm(client, second)
    assert expected in refused and "チェックしてください" in refused
    second.refresh_from_db()
    assert second.status == "ready" and not second.allow_duplicate
    assert Consultation.objects.count() == 2


def test_the_same_file_imports_again_only_with_the_checkbox(client_for, cast):
    client = client_for("admin")
    _imported(client, csv_bytes(GOOD))
    second = _upload(client, csv_bytes(GOOD))
    html = _confirm(client, second, allow_duplicate="1")
    assert "2</strong>件の相談を取り込みました" in html
    second.refresh_from_db()
    assert second.status == "done" and second.allow_duplicate
    assert Consultation.objects.count() == 4


def test_a_different_file_has_no_warning(client_for, cast):
    client = client_for("admin")
    _imported(client, csv_bytes(GOOD[:1]))
    other = _upload(client, csv_bytes(GOOD))
    html = _page(client, other)
    assert "data-import-duplicate" not in html and "取り込み済みです" not in html and CHECKBOX not in html
    assert "2</strong>件の相談を取り込みました" in _confirm(client, other)
    assert Consultation.objects.count() == 3


def test_the_same_rows_for_another_center_are_another_file(client_for, cast):
    # The batch has no center of its own (admins import every center's logs; each row names its
    # center), so another center's log is told apart by its content.
    client = client_for("admin")
    _imported(client, csv_bytes(GOOD[:1]))
    other_center = _upload(client, csv_bytes([GOOD[0].replace(",C01,", ",C02,")]))
    assert "data-import-duplicate" not in _page(client, other_center)
    _confirm(client, other_center)
    assert Consultation.objects.filter(center=cast.center2).count() == 1


def test_an_upload_that_was_not_imported_is_no_earlier_import(client_for, cast):
    client = client_for("admin")
    _upload(client, csv_bytes(GOOD))  # previewed, never confirmed
    again = _upload(client, csv_bytes(GOOD))
    assert "data-import-duplicate" not in _page(client, again)
    _confirm(client, again)
    assert Consultation.objects.count() == 2


def test_the_same_file_still_being_imported_is_named_too(client_for, cast):
    client = client_for("admin")
    first = _upload(client, csv_bytes(GOOD))
    ConsultationImport.objects.filter(pk=first.pk).update(status="confirm_queued")
    second = _upload(client, csv_bytes(GOOD))
    assert "いま取り込み中です" in _page(client, second)
    _confirm(client, second)
    second.refresh_from_db()
    assert second.status == "ready" and not Consultation.objects.exists()


def test_the_worker_refuses_a_twin_imported_after_the_confirm_was_accepted(client_for, cast):
    # Two batch pages of the same file open at once: neither warned, the first is imported,
    # then the second's confirm arrives; the worker checks again and imports nothing.
    client = client_for("admin")
    first = _upload(client, csv_bytes(GOOD))
    second = _upload(client, csv_bytes(GOOD))
    _confirm(client, first)
    assert second.request_confirm() is True  # the claim as the view made it before the first was done
    second.refresh_from_db()
    assert second.status == "failed" and "取り込み済みです" in second.failure
    assert Consultation.objects.count() == 2
