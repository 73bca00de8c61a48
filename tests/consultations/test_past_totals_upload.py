"""The upload page for past 月報 totals: upload → preview (bad rows by row and column) → confirm
(good rows imported, once however often confirmed); coordinators their own center's rows only."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.models import PastMonthlyTotal, PastTotalsImport
from coordination.models import AuditEvent

URL = "/consultations/past-totals/"
SHEET = (
    'センター,年,月,相談件数\nC01,2024,4,31\nC01,2024,13,x\nC09,2024,5,3\nC01,2024,5,"1,204"\nC02,2024,4,7\n'
)


def upload(client, text=SHEET, name="past.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, text.encode("utf-8-sig"))})


def test_an_admin_uploads_sees_the_bad_rows_by_row_and_column_and_imports_the_good_ones(client_for, cast):
    c = client_for("admin")
    response = upload(c)
    batch = PastTotalsImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{batch.pk}/"
    html = c.get(response["Location"]).content.decode()
    assert 'data-batch-state="ready"' in html
    assert 'data-import-rows="3"' in html and 'data-import-errors="3"' in html
    assert re.search(r'data-error-row="3" data-error-column="月".*?1〜12の数字で入力してください', html, re.S)
    assert re.search(r'data-error-row="3" data-error-column="相談件数"', html)
    assert re.search(
        r'data-error-row="4" data-error-column="センター".*?「C09」は登録されていません', html, re.S
    )
    assert not PastMonthlyTotal.objects.exists()  # the preview saves nothing
    c.post(f"{URL}{batch.pk}/confirm/")
    got = set(PastMonthlyTotal.objects.values_list("center__code", "year", "month", "consultations"))
    assert got == {("C01", 2024, 4, 31), ("C01", 2024, 5, 1204), ("C02", 2024, 4, 7)}
    done = c.get(f"{URL}{batch.pk}/").content.decode()
    assert 'data-import-created="3"' in done and "誤りのあった3行は取り込んでいません" in done
    assert (
        AuditEvent.objects.filter(object_type="consultations.PastTotalsImport", detail="取込の実行").count()
        == 1
    )


def test_confirming_twice_imports_once(client_for, cast):
    c = client_for("admin")
    upload(c, "センター,年,月,相談件数\nC01,2024,4,31\n")
    batch = PastTotalsImport.objects.get()
    c.post(f"{URL}{batch.pk}/confirm/")
    PastMonthlyTotal.objects.filter(center=cast.center1).update(consultations=40)  # changed since
    second = c.post(f"{URL}{batch.pk}/confirm/", follow=True).content.decode()
    assert "二重には取り込みません" in second
    assert list(PastMonthlyTotal.objects.values_list("consultations", flat=True)) == [40]
    assert (
        AuditEvent.objects.filter(object_type="consultations.PastTotalsImport", detail="取込の実行").count()
        == 1
    )


def test_a_file_without_a_good_row_fails_with_its_errors_and_imports_nothing(client_for, cast):
    c = client_for("admin")
    upload(c, "センター,年,月\nC01,2024,4\n")
    batch = PastTotalsImport.objects.get()
    html = c.get(f"{URL}{batch.pk}/").content.decode()
    assert batch.status == "failed" and "取り込める行がありません" in html
    assert 'data-error-row="1" data-error-column="相談件数"' in html and "この列がありません" in html
    assert c.post(f"{URL}{batch.pk}/confirm/").status_code == 302
    assert not PastMonthlyTotal.objects.exists()


def test_a_file_with_none_of_the_headings_says_so_once(client_for, cast):
    c = client_for("admin")
    upload(c, "メモ\n来週の会議の件\n")
    html = c.get(f"{URL}{PastTotalsImport.objects.get().pk}/").content.decode()
    assert "見出しの行が見つかりません（センター・年・月・相談件数）" in html
    assert "この列がありません" not in html


def test_a_coordinator_imports_its_own_centers_rows_only_and_another_centers_batch_is_404(client_for, cast):
    c = client_for("coordinator")
    upload(c)
    batch = PastTotalsImport.objects.get()
    assert batch.center == cast.center1
    html = c.get(f"{URL}{batch.pk}/").content.decode()
    assert re.search(
        r'data-error-row="6" data-error-column="センター".*?C01 東センターの行だけを取り込めます', html, re.S
    )
    c.post(f"{URL}{batch.pk}/confirm/")
    assert set(PastMonthlyTotal.objects.values_list("center__code", flat=True)) == {"C01"}
    other = client_for("coordinator2")
    assert other.get(f"{URL}{batch.pk}/").status_code == 404
    assert other.post(f"{URL}{batch.pk}/confirm/").status_code == 404
    assert batch.pk not in [h.pk for h in other.get(URL).context["history"]]


def test_who_may_upload(client_for, cast):
    assert client_for("official").get(URL).status_code == 403
    assert client_for("professional").get(URL).status_code == 403
    assert client_for("anonymous").get(URL)["Location"].startswith("/accounts/login/")
    assert (
        "data-past-totals-link" in client_for("coordinator").get("/consultations/reports/").content.decode()
    )
    assert (
        "data-past-totals-link" not in client_for("official").get("/consultations/reports/").content.decode()
    )


def test_no_file_is_a_japanese_message(client_for, cast):
    html = client_for("admin").post(URL, {}).content.decode()
    assert "ファイルを選んでください" in html and not PastTotalsImport.objects.exists()


def test_the_upload_page_lists_earlier_uploads_in_a_fixed_number_of_queries(
    client_for, cast, django_assert_num_queries
):
    c = client_for("admin")
    upload(c)
    c.get(URL)
    with django_assert_num_queries(3):
        c.get(URL)
    upload(c)
    upload(c)
    with django_assert_num_queries(3):
        c.get(URL)
