"""The admin pages and the command around the facility import."""

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


def test_upload_preview_confirm_and_summary(client_for, cast):
    existing = make_facility("ケアプランセンターひまわり", kind_code="care-management", code="0470100011")
    client = client_for("admin")
    html = client.post(
        "/resources/import/", {"file": _file(as_csv(kaigo_rows()), "jigyosho_430.csv")}
    ).content.decode()
    assert 'data-import-new="1"' in html and 'data-import-changed="1"' in html
    assert "介護サービス情報公表システム オープンデータ" in html
    assert "電話番号" in html  # a changed field is named
    assert Facility.objects.count() == 1  # preview saves nothing
    batch = FacilityImport.objects.get()
    assert batch.status == "preview" and (batch.created, batch.updated) == (1, 1)

    response = client.post(f"/resources/import/{batch.pk}/confirm/")
    assert response.status_code == 302 and response.url == f"/resources/import/{batch.pk}/"
    batch.refresh_from_db()
    assert batch.status == "done" and batch.content == b"" and batch.user == cast.admin
    assert Facility.objects.count() == 2
    summary = client.get(response.url).content.decode()
    assert 'data-import-created="1"' in summary and 'data-import-updated="1"' in summary
    assert f'href="/resources/{existing.pk}/"' in summary
    assert FacilityChange.objects.filter(batch=batch, action="import").count() == 2
    # Listed in the history; a second confirm is refused.
    assert "jigyosho_430.csv" in client.get("/resources/import/").content.decode()
    assert client.post(f"/resources/import/{batch.pk}/confirm/").status_code == 404


def test_errors_are_listed_and_nothing_can_be_confirmed(client_for, cast):
    rows = [list(KAIGO_ROWS[0])]
    rows[0][15] = "abc"
    html = (
        client_for("admin")
        .post("/resources/import/", {"file": _file(as_csv(kaigo_rows(rows)), "j.csv")})
        .content.decode()
    )
    assert "2行目「事業所番号」" in html and "何も取り込みません" in html
    batch = FacilityImport.objects.get()
    assert batch.status == "rejected" and batch.errors == 1
    assert client_for("admin").post(f"/resources/import/{batch.pk}/confirm/").status_code == 404
    assert not Facility.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("coordinator", 403), ("professional", 403), ("official", 403)]
)
def test_only_admins_may_import(client_for, cast, role, status):
    client = client_for(role)
    assert (
        client.post("/resources/import/", {"file": _file(as_csv(kaigo_rows()), "j.csv")}).status_code
        == status
    )
    batch = FacilityImport.objects.create(file_name="j.csv", content=as_csv(kaigo_rows()))
    assert client.post(f"/resources/import/{batch.pk}/confirm/").status_code == status
    assert client.get(f"/resources/import/{batch.pk}/").status_code == status
    assert client.get("/resources/duplicates/").status_code == status
    assert not Facility.objects.exists()


def test_possible_duplicates_are_reported_not_merged(client_for, cast):
    a = make_facility("ヒマワリ医院", code="0000001", phone="093-111-1111")
    b = make_facility("ひまわり医院", code="0000002", phone="0931111111", address="別の住所")
    make_facility("ひまわり医院", code="0000003", phone="093-222-2222", address="遠くの住所")
    html = client_for("admin").get("/resources/duplicates/").content.decode()
    assert "1組" in html and f'href="/resources/{a.pk}/"' in html and f'href="/resources/{b.pk}/"' in html
    assert "遠くの住所" not in html
    assert Facility.objects.count() == 3


def test_import_summary_lists_duplicates_of_imported_rows(client_for, cast):
    make_facility(
        "ケアプランセンターひまわり", kind_code="home-help", code="0470999999", phone="093-582-1111"
    )
    client = client_for("admin")
    client.post("/resources/import/", {"file": _file(as_csv(kaigo_rows()), "jigyosho_430.csv")})
    batch = FacilityImport.objects.get()
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
    with django_assert_num_queries(4):  # session, user, history count and page
        client.get("/resources/import/")
    with django_assert_num_queries(5):
        client.get(f"/resources/import/{batch.pk}/")
    for i in range(25):
        FacilityImport.objects.create(user=cast.coordinator, file_name=f"b{i}.csv")
        g = make_facility(f"医院{i}")
        FacilityChange.objects.create(facility=g, action="import", batch=batch)
    with django_assert_num_queries(4):  # the same with two pages of history
        html = client.get("/resources/import/").content.decode()
    assert "1 / 2 ページ" in html and "b24.csv" in html
    assert "a.csv" in client.get("/resources/import/?page=2").content.decode()
    with django_assert_num_queries(5):
        client.get(f"/resources/import/{batch.pk}/")
    for i in range(2):
        make_facility(f"重複{i}", phone=f"093-000-000{i}")
        make_facility(f"重複{i}", phone=f"093-000-000{i}", address="別")
    with django_assert_num_queries(4):  # + repeated names, their facilities with kinds
        assert "2組" in client.get("/resources/duplicates/").content.decode()
    for i in range(2, 8):
        make_facility(f"重複{i}", phone=f"093-000-000{i}")
        make_facility(f"重複{i}", phone=f"093-000-000{i}", address="別")
    with django_assert_num_queries(4):
        assert "8組" in client.get("/resources/duplicates/").content.decode()


def command(tmp_path, data, name="jigyosho_430.csv", **options):
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_facilities", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_command_prints_counts_and_is_idempotent(tmp_path, cast):
    out, _ = command(tmp_path, as_csv(kaigo_rows()))
    assert out.startswith("created 2, updated 0, unchanged 0, errors 0")
    out, _ = command(tmp_path, as_csv(kaigo_rows()))
    assert out.startswith("created 0, updated 0, unchanged 2, errors 0")
    assert FacilityImport.objects.filter(status="done").count() == 2


def test_command_dry_run_saves_nothing(tmp_path, cast):
    out, _ = command(tmp_path, as_csv(kaigo_rows()), dry_run=True)
    assert out.startswith("created 2, updated 0") and "保存していません" in out
    assert not Facility.objects.exists()


def test_command_with_errors_exits_non_zero_and_saves_nothing(tmp_path, cast):
    rows = [list(KAIGO_ROWS[0]), list(KAIGO_ROWS[1])]
    rows[1][6] = "宇宙旅行介護"
    with pytest.raises(CommandError):
        out, err = command(tmp_path, as_csv(kaigo_rows(rows)))
    assert not Facility.objects.exists()
    assert FacilityImport.objects.get().status == "rejected"


def test_duplicates_of_an_import_are_filtered_before_the_limit(cast):
    from resources.duplicates import possible_duplicates

    # One name, two separate pairs; only the second pair holds the imported facility.
    make_facility("ひまわり医院", code="0000011", phone="093-333-3333", address="北の住所")
    make_facility("ひまわり医院", code="0000012", phone="093-333-3333", address="北の住所")
    imported = make_facility("ひまわり医院", code="0000001", phone="093-111-1111", address="南の住所")
    twin = make_facility("ひまわり医院", code="0000002", phone="093-111-1111", address="南の住所")
    groups = possible_duplicates(only_ids=[imported.pk], limit=1)
    assert [sorted(f.pk for f in g) for g in groups] == [sorted([imported.pk, twin.pk])]


def test_confirm_refuses_when_the_directory_changed_since_the_preview(client_for, cast):
    f = make_facility("消える医院", code="0000001")
    rows = [["ID", "種別", "名称"], [str(f.pk), "診療所", "消える医院（改名）"], ["", "診療所", "新しい医院"]]
    client = client_for("admin")
    client.post("/resources/import/", {"file": _file(as_csv(rows), "portal.csv")})
    batch = FacilityImport.objects.get()
    assert batch.status == "preview"
    gone = f.pk
    f.delete()
    response = client.post(f"/resources/import/{batch.pk}/confirm/", follow=True)
    assert f"ID {gone} の施設はありません" in response.content.decode()
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.errors, batch.content) == ("rejected", 0, 1, b"")
    assert not Facility.objects.filter(name="新しい医院").exists()
