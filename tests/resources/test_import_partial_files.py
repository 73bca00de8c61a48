"""Which facilities a file says are gone from its source: not those on rows it set aside (the
file lists them), none for the portal's own file of rows to fix (a few rows, never a whole
national file), and, for a file that would mark a large share of the area gone, none unless the
admin says the file is complete, the count said prominently either way."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from resources import imports
from resources.models import Facility, FacilityImport
from tests.resources.samples import KAIGO_ROWS, as_csv, as_xlsx, kaigo_rows, kouseikyoku_row, kouseikyoku_rows

pytestmark = pytest.mark.django_db

NAME, SERVICE, CODE = 4, 6, 15  # columns of the kaigo rows


def office(number, name=None):
    """Another 居宅介護支援 office of the city (事業所番号 04701000NN)."""
    cells = list(KAIGO_ROWS[0])
    name = f"ケアプランセンター{number}" if name is None else name
    cells[1], cells[NAME], cells[CODE] = str(number), name, f"04701{number:05d}"
    return cells


def upload(client, data, name="jigyosho_430.csv", **fields):
    response = client.post("/resources/import/", {"file": SimpleUploadedFile(name, data), **fields})
    assert response.status_code == 302, response.content.decode()[:800]
    return FacilityImport.objects.latest("pk")


def confirmed(client, data, name="jigyosho_430.csv", **post):
    batch = upload(client, data, name)
    client.post(f"/resources/import/{batch.pk}/confirm/", post)
    batch.refresh_from_db()
    assert batch.status == "done", batch.failure
    return batch


def flagged():
    return set(Facility.objects.filter(missing_since__isnull=False).values_list("code", flat=True))


def test_rows_set_aside_keep_their_facilities_off_the_missing_list(client_for, cast):
    client = client_for("admin")
    confirmed(client, as_csv(kaigo_rows([office(1), office(2), office(3), office(4)])))
    nameless = office(2, name="")
    short = office(3)[:20]  # a row cut short: its 事業所番号 (16th cell) can still be read
    newer = [office(1), nameless, short]  # office 4 is really gone
    batch = upload(client, as_csv(kaigo_rows(newer)))
    assert (batch.rejected, batch.missing) == (2, 1)
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "3行目「事業所名」: 事業所名がありません。" in html and "4行目: 列の数が見出しと違います" in html
    client.post(f"/resources/import/{batch.pk}/confirm/")
    assert flagged() == {"0470100004"}


def test_a_listed_facility_on_a_row_set_aside_loses_an_earlier_flag(client_for, cast):
    client = client_for("admin")
    confirmed(client, as_csv(kaigo_rows([office(1), office(2), office(3)])))
    confirmed(client, as_csv(kaigo_rows([office(1), office(3)])))
    assert flagged() == {"0470100002"}
    confirmed(client, as_csv(kaigo_rows([office(1), office(2, name=""), office(3)])))
    assert flagged() == set()  # the newer file lists office 2 again, on a row to fix


def test_a_kouseikyoku_row_set_aside_is_still_its_clinic_in_the_file(cast):
    rows = [
        kouseikyoku_row(1, "0112345", "小倉在宅クリニック", "支援診３"),
        kouseikyoku_row(2, "0198765", "浅野病院", "在後病"),
    ]
    imports.run(as_xlsx(kouseikyoku_rows(rows)), "k.xlsx", write=True)
    rows[1][7] = ""  # 医療機関名称 left out: the row is set aside, its 医療機関コード still reads
    plan = imports.run(as_xlsx(kouseikyoku_rows(rows)), "k.xlsx")
    assert (plan.rejected_rows, plan.missing) == (1, 0)
    assert "4010198765" in plan.listed_keys


def test_the_portals_file_of_rows_to_fix_is_read_as_a_partial_file(client_for, cast):
    client = client_for("admin")
    city = [office(n) for n in range(1, 9)]
    confirmed(client, as_csv(kaigo_rows(city)))
    bad = office(9)
    bad[CODE] = "04701X0009"
    batch = upload(client, as_csv(kaigo_rows([*city, bad])))
    assert batch.rejected == 1
    download = client.get(f"/resources/import/{batch.pk}/rejected.csv")
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("行,都道府県コード又は市町村コード") and lines[0].endswith(
        ",取り込めなかった理由"
    )
    fixed = download.content.replace(b"04701X0009", b"0470100009")

    again = upload(client, fixed, "jigyosho_430-取り込めなかった行.csv")
    assert (again.status, again.created, again.rejected, again.missing) == ("ready", 1, 0, 0)
    html = client.get(f"/resources/import/{again.pk}/").content.decode()
    assert "data-import-partial" in html and "知らない列" not in html and "data-import-missing" not in html
    assert "（取り込めなかった行を直したファイル）" in html
    client.post(f"/resources/import/{again.pk}/confirm/")
    assert Facility.objects.filter(code="0470100009").exists() and flagged() == set()


def test_the_rows_to_fix_of_a_workbook_come_back_without_the_portals_columns(cast):
    bad = kouseikyoku_row(1, "01123X5", "小倉在宅クリニック", "支援診３")
    plan = imports.run(as_xlsx(kouseikyoku_rows([bad])), "k.xlsx")
    header, rows = plan.rejected_table()
    rows[0][5] = "0112345"  # 医療機関番号, fixed (the 行 column comes first)
    again = imports.run(as_csv([header, *rows]), "k-取り込めなかった行.csv")
    assert again.ok and again.format.code == "kouseikyoku" and again.partial
    assert (again.created, again.rejected_rows) == (1, 0) and again.header == header[1:-1]
    assert not again.warning_lines()


def test_a_file_that_would_mark_much_of_the_area_gone_flags_none_unless_the_admin_says_it_is_complete(
    client_for, cast
):
    client = client_for("admin")
    city = [office(n) for n in range(1, 11)]
    confirmed(client, as_csv(kaigo_rows(city)))
    batch = upload(client, as_csv(kaigo_rows(city[:2])))  # two of ten: cut down, or filtered
    assert (batch.status, batch.missing) == ("ready", 0)
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert 'data-import-missing-held="8"' in html
    assert "このファイルに載っていない施設が 8件あります。" in html and "10件の80%" in html
    assert "data-flag-many-missing" in html  # the confirm can be had with them

    client.post(f"/resources/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert (batch.status, batch.missing) == ("done", 0) and flagged() == set()
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "載せませんでした" in html and "data-changed-since-preview" not in html

    complete = confirmed(client, as_csv(kaigo_rows(city[:2])), flag_many_missing="1")
    assert complete.missing == 8 and len(flagged()) == 8
    html = client.get(f"/resources/import/{complete.pk}/").content.decode()
    assert 'data-import-missing="8"' in html and "data-changed-since-preview" not in html


def test_a_few_facilities_gone_are_flagged_without_asking(client_for, cast):
    client = client_for("admin")
    city = [office(n) for n in range(1, 11)]
    confirmed(client, as_csv(kaigo_rows(city)))
    batch = confirmed(client, as_csv(kaigo_rows(city[:9])))  # one of ten: a real closure
    assert batch.missing == 1 and flagged() == {"0470100010"}


def test_the_command_says_why_it_flagged_none_of_a_partial_files_missing(tmp_path, cast):
    import io

    from django.core.management import call_command

    city = [office(n) for n in range(1, 11)]
    imports.run(as_csv(kaigo_rows(city)), "jigyosho_430.csv", write=True)
    path = tmp_path / "jigyosho_430.csv"
    path.write_bytes(as_csv(kaigo_rows(city[:2])))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_facilities", str(path), stdout=out, stderr=err)
    assert "載っていない施設が8件あります" in err.getvalue() and "載せていません" in err.getvalue()
    assert flagged() == set()
