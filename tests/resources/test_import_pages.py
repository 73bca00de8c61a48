"""The admin pages and the command around the facility import: upload → preview (a background
task) → confirm (another) → summary, the rejected rows' download, retries and the history."""

import io

import pytest
from django.core.management import CommandError, call_command

from resources.models import Facility, FacilityChange, FacilityImport
from tests.resources.factories import make_facility
from tests.resources.samples import KAIGO_ROWS, as_csv, kaigo_rows

pytestmark = pytest.mark.django_db


def _file(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def upload(client, data, name="jigyosho_430.csv", **fields):
    response = client.post("/resources/import/", {"file": _file(data, name), **fields})
    assert response.status_code == 302, response.content.decode()[:500]
    batch = FacilityImport.objects.latest("pk")
    assert response.url == f"/resources/import/{batch.pk}/"  # a reload never uploads again
    return batch


def test_upload_preview_confirm_and_summary(client_for, cast):
    existing = make_facility("ケアプランセンターひまわり", kind_code="care-management", code="0470100011")
    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows()))
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert 'data-import-new="1"' in html and 'data-import-changed="1"' in html
    assert "介護サービス情報公表システム オープンデータ" in html
    assert "電話番号" in html  # a changed field is named
    assert Facility.objects.count() == 1  # preview saves nothing
    batch.refresh_from_db()
    assert batch.status == "ready" and (batch.created, batch.updated) == (1, 1)

    response = client.post(f"/resources/import/{batch.pk}/confirm/")
    assert response.status_code == 302 and response.url == f"/resources/import/{batch.pk}/"
    batch.refresh_from_db()
    assert batch.status == "done" and batch.content == b"" and batch.user == cast.admin
    assert Facility.objects.count() == 2
    summary = client.get(response.url).content.decode()
    assert 'data-import-created="1"' in summary and 'data-import-updated="1"' in summary
    assert f'href="/resources/{existing.pk}/"' in summary
    assert FacilityChange.objects.filter(batch=batch, action="import").count() == 2
    assert "jigyosho_430.csv" in client.get("/resources/import/").content.decode()


def test_a_second_confirm_never_imports_twice(client_for, cast):
    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows()))
    client.post(f"/resources/import/{batch.pk}/confirm/")
    again = client.post(f"/resources/import/{batch.pk}/confirm/", follow=True).content.decode()
    assert "二重には取り込みません" in again
    assert Facility.objects.count() == 2 and FacilityChange.objects.count() == 2


def test_a_confirm_claimed_by_another_request_does_not_run_again(client_for, cast):
    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows()))
    # What a second confirm 300 ms later sees: the first one has moved the batch on.
    assert batch.request_confirm() is True
    assert FacilityImport.objects.get(pk=batch.pk).request_confirm() is False
    assert Facility.objects.count() == 2


def test_a_failed_import_is_marked_failed_with_its_reason_and_can_be_retried(client_for, cast, monkeypatch):
    from resources.imports import writing

    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows()))
    original = writing.Writer.apply

    def broken(self, outcomes):
        raise RuntimeError("worker lost its connection")

    monkeypatch.setattr(writing.Writer, "apply", broken)
    client.post(f"/resources/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.failed_step == "confirm"
    assert "worker lost its connection" in batch.failure and not Facility.objects.exists()
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "取込に失敗しました。何も保存していません。" in html and "やり直す" in html
    monkeypatch.setattr(writing.Writer, "apply", original)
    client.post(f"/resources/import/{batch.pk}/retry/")
    batch.refresh_from_db()
    assert batch.status == "done" and Facility.objects.count() == 2


def test_rejected_rows_are_listed_and_downloadable_and_the_rest_imports(client_for, cast):
    rows = [list(KAIGO_ROWS[0]), list(KAIGO_ROWS[1])]
    rows[0][15] = "abc"
    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows(rows)), "j.csv")
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "2行目「事業所番号」" in html and 'data-import-rejected="1"' in html
    csv = client.get(f"/resources/import/{batch.pk}/rejected.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("行,都道府県コード又は市町村コード") and "abc" in csv
    assert "取り込めなかった理由" in csv.splitlines()[0]
    client.post(f"/resources/import/{batch.pk}/confirm/")
    assert list(Facility.objects.values_list("code", flat=True)) == ["0470100029"]


def test_rows_outside_the_directory_scope_are_counted_not_stored(client_for, cast):
    rows = [list(KAIGO_ROWS[0]), list(KAIGO_ROWS[1])]
    rows[1][0], rows[1][2], rows[1][3] = "011011", "北海道", "札幌市中央区"
    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows(rows)))
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert 'data-import-out-of-scope="1"' in html and "北海道札幌市中央区 1行" in html
    client.post(f"/resources/import/{batch.pk}/confirm/")
    assert list(Facility.objects.values_list("code", flat=True)) == ["0470100011"]
    # Widened for one import: the neighbour's row comes in too.
    batch = upload(client, as_csv(kaigo_rows(rows)), area_codes="01")
    client.post(f"/resources/import/{batch.pk}/confirm/")
    assert Facility.objects.count() == 2


def test_an_unreadable_file_fails_with_its_reason(client_for, cast):
    client = client_for("admin")
    batch = upload(client, b"\xff\xfe\xfd\xfc", "broken.csv")
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "文字コードを判別できません" in html and 'data-batch-state="failed"' in html


def test_progress_is_reported_as_json(client_for, cast):
    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows()))
    FacilityImport.objects.filter(pk=batch.pk).update(
        status="confirming", phase="書き込み中", done=1, total=4
    )
    data = client.get(f"/resources/import/{batch.pk}/progress/").json()
    assert data == {
        "status": "confirming", "status_label": "取込中", "phase": "書き込み中", "done": 1, "total": 4,
        "percent": 25, "running": True, "waiting": False,
    }  # fmt: skip
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "data-batch-progress" in html and 'http-equiv="refresh"' in html  # works without JavaScript


def test_a_step_no_worker_picks_up_says_so(client_for, cast):
    import datetime

    from django.utils import timezone

    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows()))
    FacilityImport.objects.filter(pk=batch.pk).update(status="queued", heartbeat=None)
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "data-batch-waiting hidden" in html  # just queued: nothing to say yet
    long_ago = timezone.now() - datetime.timedelta(minutes=2)
    FacilityImport.objects.filter(pk=batch.pk).update(created_at=long_ago)
    assert client.get(f"/resources/import/{batch.pk}/progress/").json()["waiting"] is True
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "data-batch-waiting>" in html and "db_worker" in html


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("coordinator", 403), ("professional", 403), ("official", 403)]
)
def test_only_admins_may_import(client_for, cast, role, status):
    client = client_for(role)
    assert (
        client.post("/resources/import/", {"file": _file(as_csv(kaigo_rows()), "j.csv")}).status_code
        == status
    )
    batch = FacilityImport.objects.create(file_name="j.csv", content=as_csv(kaigo_rows()), status="ready")
    for url in ("confirm/", "retry/", "mapping/"):
        assert client.post(f"/resources/import/{batch.pk}/{url}").status_code == status
    for url in ("", "progress/", "rejected.csv"):
        assert client.get(f"/resources/import/{batch.pk}/{url}").status_code == status
    assert client.get("/resources/duplicates/").status_code == status
    assert client.get("/resources/missing/").status_code == status
    assert not Facility.objects.exists()
    assert FacilityImport.objects.get(pk=batch.pk).status == "ready"


def test_possible_duplicates_are_reported_not_merged(client_for, cast):
    a = make_facility("ヒマワリ医院", code="0000001", phone="093-111-1111")
    b = make_facility("ひまわり医院", code="0000002", phone="0931111111", address="別の住所")
    make_facility("ひまわり医院", code="0000003", phone="093-222-2222", address="遠くの住所")
    html = client_for("admin").get("/resources/duplicates/").content.decode()
    assert "1組" in html and f'href="/resources/{a.pk}/"' in html and f'href="/resources/{b.pk}/"' in html
    assert "遠くの住所" not in html
    assert Facility.objects.count() == 3


def test_import_summary_lists_duplicates_of_imported_rows(client_for, cast):
    # The same service under another number (a re-designated office): a possible duplicate. Under
    # another service it would be the office's other registration (test_duplicates.py).
    make_facility(
        "ケアプランセンターひまわり", kind_code="care-management", code="0470999999", phone="093-582-1111"
    )
    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows()))
    client.post(f"/resources/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert len(batch.duplicates) == 1
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "0470999999" in html and "0470100011" in html


def test_import_pages_query_counts_are_constant(client_for, cast, django_assert_num_queries):
    client = client_for("admin")
    batch = FacilityImport.objects.create(user=cast.admin, file_name="a.csv", status="done")
    f = make_facility("医院")
    FacilityChange.objects.create(facility=f, action="import", batch=batch)
    client.get("/resources/import/")
    with django_assert_num_queries(5):  # session, user, areas (the scope), history count and page
        client.get("/resources/import/")
    with django_assert_num_queries(5):
        client.get(f"/resources/import/{batch.pk}/")
    for i in range(25):
        FacilityImport.objects.create(user=cast.coordinator, file_name=f"b{i}.csv")
        g = make_facility(f"医院{i}")
        FacilityChange.objects.create(facility=g, action="import", batch=batch)
    with django_assert_num_queries(5):  # the same with two pages of history
        html = client.get("/resources/import/").content.decode()
    assert "1 / 2 ページ" in html and "b24.csv" in html
    assert "a.csv" in client.get("/resources/import/?page=2").content.decode()
    with django_assert_num_queries(5):
        client.get(f"/resources/import/{batch.pk}/")
    for i in range(2):
        make_facility(f"重複{i}", phone=f"093-000-000{i}")
        make_facility(f"重複{i}", phone=f"093-000-000{i}", address="別")
    # + the dismissed pairs, repeated names, their facilities with kinds and services
    with django_assert_num_queries(5):
        assert "2組" in client.get("/resources/duplicates/").content.decode()
    for i in range(2, 8):
        make_facility(f"重複{i}", phone=f"093-000-000{i}")
        make_facility(f"重複{i}", phone=f"093-000-000{i}", address="別")
    with django_assert_num_queries(5):
        assert "8組" in client.get("/resources/duplicates/").content.decode()


def command(tmp_path, data, name="jigyosho_430.csv", **options):
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_facilities", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_command_prints_counts_and_is_idempotent(tmp_path, cast):
    out, _ = command(tmp_path, as_csv(kaigo_rows()))
    assert out.startswith("created 2, updated 0, unchanged 0, rejected 0, out_of_scope 0")
    out, _ = command(tmp_path, as_csv(kaigo_rows()))
    assert out.startswith("created 0, updated 0, unchanged 2, rejected 0, out_of_scope 0")
    assert FacilityImport.objects.filter(status="done").count() == 2


def test_command_dry_run_saves_nothing(tmp_path, cast):
    out, _ = command(tmp_path, as_csv(kaigo_rows()), dry_run=True)
    assert out.startswith("created 2, updated 0") and "保存していません" in out
    assert not Facility.objects.exists()


def test_command_with_some_bad_rows_imports_the_rest_and_exits_zero(tmp_path, cast):
    rows = [list(KAIGO_ROWS[0]), list(KAIGO_ROWS[1])]
    rows[1][6] = "宇宙旅行介護"
    out, err = command(
        tmp_path, as_csv(kaigo_rows(rows)), name="kaigo.csv", rejected=str(tmp_path / "bad.csv")
    )
    assert out.startswith("created 1, updated 0, unchanged 0, rejected 1, out_of_scope 0")
    assert "3行目「サービスの種類」" in err
    assert "宇宙旅行介護" in (tmp_path / "bad.csv").read_text(encoding="utf-8-sig")
    assert FacilityImport.objects.get().status == "done"


def test_command_widens_the_scope_with_area_codes(tmp_path, cast):
    rows = [list(KAIGO_ROWS[0])]
    rows[0][0], rows[0][2], rows[0][3] = "402036", "福岡県", "久留米市"
    out, _ = command(tmp_path, as_csv(kaigo_rows(rows)))
    assert out.startswith("created 0, updated 0, unchanged 0, rejected 0, out_of_scope 1")
    out, _ = command(tmp_path, as_csv(kaigo_rows(rows)), area_codes=["402036"])
    assert out.startswith("created 1,")


def test_command_exits_non_zero_only_when_nothing_could_be_read(tmp_path, cast):
    with pytest.raises(CommandError, match="形式を判別できません"):
        command(tmp_path, as_csv([["名前", "住所"], ["a", "b"]]))
    with pytest.raises(CommandError, match="都道府県コード"):
        command(tmp_path, as_csv(kaigo_rows()), area_codes=["4"])
    # The upload form's checks: the check digit and the national list.
    with pytest.raises(CommandError, match="「--area-code」の「402037」は市町村コードとして正しくありません"):
        command(tmp_path, as_csv(kaigo_rows()), area_codes=["402037"])
    with pytest.raises(CommandError, match="「99999」はどの市町村のコードでもありません"):
        command(tmp_path, as_csv(kaigo_rows()), area_codes=["99999"])


def test_duplicates_of_an_import_are_filtered_before_the_limit(cast):
    from resources.duplicates import possible_duplicates

    # One name, two separate pairs; only the second pair holds the imported facility.
    make_facility("ひまわり医院", code="0000011", phone="093-333-3333", address="北の住所")
    make_facility("ひまわり医院", code="0000012", phone="093-333-3333", address="北の住所")
    imported = make_facility("ひまわり医院", code="0000001", phone="093-111-1111", address="南の住所")
    twin = make_facility("ひまわり医院", code="0000002", phone="093-111-1111", address="南の住所")
    groups = possible_duplicates(only_ids=[imported.pk], limit=1)
    assert [sorted(f.pk for f in g) for g in groups] == [sorted([imported.pk, twin.pk])]


def test_a_row_whose_facility_went_away_after_the_preview_is_set_aside(client_for, cast):
    f = make_facility("消える医院", code="0000001")
    rows = [["ID", "種別", "名称"], [str(f.pk), "診療所", "消える医院（改名）"], ["", "診療所", "新しい医院"]]
    client = client_for("admin")
    batch = upload(client, as_csv(rows), "portal.csv")
    assert FacilityImport.objects.get(pk=batch.pk).status == "ready"
    gone = f.pk
    f.delete()
    client.post(f"/resources/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.rejected, batch.content) == ("done", 1, 1, b"")
    assert f"ID {gone} の施設はありません" in client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert Facility.objects.filter(name="新しい医院").exists()


def test_a_stalled_confirm_is_retried_as_a_confirm(client_for, cast):
    import datetime

    from django.utils import timezone

    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows()))
    stalled = timezone.now() - datetime.timedelta(hours=1)
    FacilityImport.objects.filter(pk=batch.pk).update(status="confirm_queued", heartbeat=stalled)
    client.post(f"/resources/import/{batch.pk}/retry/")
    batch.refresh_from_db()
    assert batch.status == "done" and Facility.objects.count() == 2


def test_the_preview_says_all_rows_are_listed_or_how_many_there_are_in_all(client_for, cast, monkeypatch):
    client = client_for("admin")
    batch = upload(client, as_csv(kaigo_rows()))  # two new offices, both listed
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "<caption>新規（2件）</caption>" in html and "先頭" not in html
    monkeypatch.setattr("resources.imports.SAMPLE", 1)
    batch = upload(client, as_csv(kaigo_rows()))
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "<caption>新規（先頭1件／全2件）</caption>" in html
