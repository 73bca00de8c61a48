"""The Django admin's import and export pages of reference data (django-import-export) read in
Japanese: the strings the library's own ja catalogue leaves in English come from the portal's
catalogue (locale/ja), and the messages it words before translating (a missing key column, a cell
that is no number, a name the referenced table lacks) from the portal's resource."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from resources.models import Capability

pytestmark = pytest.mark.django_db

CAPABILITY_HEADER = "コード,名称,分類,説明,並び順\r\n"
# The library's English for what these pages show; none may be left.
ENGLISH = [
    "Some rows failed to validate",
    "Please correct these errors",
    "Non field specific",
    "<th>Row</th>",
    "Import finished",
    "through import_export",
    "This exporter will export",
    "Select all",
    "No valid data to import",
    "import_id_fields",
    "Traceback",
    "ConversionSyntax",
    "matching query does not exist",
    "Value could not be parsed",
]


def _no_english(page):
    assert not [s for s in ENGLISH if s in page], page


def _upload(client, url, text, name="sheet.csv"):
    page = client.get(url).content.decode()
    csv_format = re.search(r'<option value="(\d+)"[^>]*>csv</option>', page).group(1)
    return client.post(
        url,
        {"import_file": SimpleUploadedFile(name, text.encode()), "format": csv_format, "resource": "0"},
        follow=True,
    ).content.decode()


def test_the_export_page_says_what_it_exports_in_japanese(client_for):
    page = client_for("admin").get("/admin/resources/capability/export/").content.decode()
    assert "以下の列をエクスポートします。" in page and "すべて選択" in page
    assert "以下の列をインポートします。" not in page  # the library's ja has this wrong (and fuzzy)
    _no_english(page)


def test_a_valid_sheet_is_previewed_confirmed_and_reported_in_japanese(client_for):
    client = client_for("admin")
    preview = _upload(
        client,
        "/admin/resources/capability/import/",
        CAPABILITY_HEADER
        + "home-visit,訪問診療,診療,医師が計画的に訪問,0\r\ntransfusion,在宅輸血,医療処置,,99\r\n",
    )
    assert "プレビュー" in preview and "インポート実行" in preview and "在宅輸血" in preview
    _no_english(preview)
    confirm = re.search(r'name="import_file_name" value="([^"]+)"', preview).group(1)
    page = client.get("/admin/resources/capability/import/").content.decode()
    csv_format = re.search(r'<option value="(\d+)"[^>]*>csv</option>', page).group(1)
    done = client.post(
        "/admin/resources/capability/process_import/",
        {
            "import_file_name": confirm,
            "original_file_name": "sheet.csv",
            "format": csv_format,
            "resource": "0",
        },
        follow=True,
    ).content.decode()
    assert "在宅対応機能のインポートが終わりました（新規 1件、更新 1件、削除 0件、スキップ 0件）。" in done
    _no_english(done)
    added = Capability.objects.get(code="transfusion")
    assert LogEntry.objects.get(object_id=str(added.pk)).change_message == "インポートで追加"


def test_bad_rows_are_listed_by_column_with_japanese_reasons(client_for):
    page = _upload(
        client_for("admin"),
        "/admin/resources/capability/import/",
        CAPABILITY_HEADER
        + "x-number,在宅輸血,医療処置,,abc\r\n"  # 並び順 that is no number
        + "x-blank,,医療処置,,1\r\n"  # 名称 left empty
        + "x-twice,往診,診療,,2\r\n",  # the name of another capability
    )
    assert "値の正しくない行があります" in page
    assert "次の行の値をファイルで直してから、上のフォームでもう一度アップロードしてください。" in page
    assert "<th>行</th>" in page and "<th>エラー</th>" in page
    labels = re.findall(r'<span class="validation-error-field-label">([^<]+)</span>', page)
    assert labels == ["並び順", "名称", "名称"]
    assert "「abc」は数ではありません。数字で書いてください。" in page
    assert "この項目は空欄にできません。" in page
    assert "名称 を持った 在宅対応機能 が既に存在します。" in page
    assert "sort_order" not in page
    _no_english(page)
    assert not Capability.objects.filter(code__startswith="x-").exists()


def test_a_sheet_without_its_key_column_is_refused_in_japanese(client_for):
    page = _upload(client_for("admin"), "/admin/resources/capability/import/", "名称,分類\r\n往診,診療\r\n")
    assert (
        "「コード」の列がありません。既にある行とはこの列で照らし合わせます。"
        "1行目の列名を、エクスポートしたファイルと同じにしてください。"
    ) in page
    assert "行番号" not in page  # no row is tried (each failed on the database, in English)
    _no_english(page)


def test_a_header_without_rows_is_refused_in_japanese(client_for):
    page = _upload(client_for("admin"), "/admin/resources/capability/import/", CAPABILITY_HEADER)
    assert "取り込めるデータがありません。1行目に列名、2行目から値が入っているか確かめてください。" in page
    _no_english(page)


def test_a_topic_under_an_unknown_top_level_topic_names_it(client_for):
    page = _upload(
        client_for("admin"),
        "/admin/consultations/topic/import/",
        "大分類,項目,並び順,使用中,資源検索で選ぶ在宅対応機能\r\nない分類,テスト,1,1,\r\n",
    )
    assert "行番号: 1 - 「ない分類」という相談内容はありません。" in page
    _no_english(page)


def test_an_organisation_with_an_unknown_profession_names_it_under_its_column(client_for):
    page = _upload(
        client_for("admin"),
        "/admin/coordination/organisation/import/",
        "名称,略称,種別,主な職種,並び順\r\nテスト薬剤師会,薬,association,魔法使い,1\r\n",
    )
    assert re.search(
        r'validation-error-field-label">主な職種</span>\s*<ul>\s*<li>「魔法使い」という職種はありません。',
        page,
    )
    _no_english(page)


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_the_committed_catalogue_is_the_compiled_po(tmp_path):
    """The .mo is committed (so that no install step needs gettext): it must say what the .po says."""
    folder = Path(settings.LOCALE_PATHS[0]) / "ja" / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(folder / "django.po")], check=True)

    def catalogue(path):
        with open(path, "rb") as f:
            return gettext.GNUTranslations(f)._catalog

    assert catalogue(folder / "django.mo") == catalogue(compiled)


def test_a_confirmed_import_writes_each_changed_row_to_the_audit_log(client_for):
    from coordination.models import AuditEvent

    client = client_for("admin")
    preview = _upload(
        client,
        "/admin/resources/capability/import/",
        CAPABILITY_HEADER
        + "home-visit,訪問診療（改）,診療,医師が計画的に訪問,0\r\ntransfusion,在宅輸血,医療処置,,99\r\n",
    )
    assert not AuditEvent.objects.filter(detail="管理画面からインポート").exists()  # a preview writes nothing
    confirm = re.search(r'name="import_file_name" value="([^"]+)"', preview).group(1)
    csv_format = re.search(r'name="format" value="(\d+)"', preview) or re.search(
        r'<option value="(\d+)"[^>]*>csv</option>',
        client.get("/admin/resources/capability/import/").content.decode(),
    )
    client.post(
        "/admin/resources/capability/process_import/",
        {
            "import_file_name": confirm,
            "original_file_name": "sheet.csv",
            "format": csv_format.group(1),
            "resource": "0",
        },
    )
    events = AuditEvent.objects.filter(detail="管理画面からインポート", object_type="resources.Capability")
    assert sorted((e.action, e.object_repr, e.username) for e in events) == [
        ("create", "在宅輸血", "admin"),
        ("update", "訪問診療（改）", "admin"),
    ]


def test_a_sort_order_with_a_fraction_is_refused_and_a_whole_one_written_with_a_point_passes(client_for):
    page = _upload(
        client_for("admin"),
        "/admin/resources/capability/import/",
        CAPABILITY_HEADER + "x-half,半端な並び,医療処置,,1.5\r\nx-whole,整数の並び,医療処置,,3.0\r\n",
    )
    labels = re.findall(r'<span class="validation-error-field-label">([^<]+)</span>', page)
    assert labels == ["並び順"]  # the 1.5 row only: Excel's 3.0 is 3
    assert "「1.5」は整数ではありません。小数点のない数で書いてください。" in page
    _no_english(page)
    assert not Capability.objects.filter(code__startswith="x-").exists()


def test_a_topic_naming_a_capability_code_that_does_not_exist_is_refused_naming_it(client_for):
    from consultations.models import Topic

    top = Topic.objects.filter(parent__isnull=True).first()
    page = _upload(
        client_for("admin"),
        "/admin/consultations/topic/import/",
        "大分類,項目,並び順,使用中,資源検索で選ぶ在宅対応機能\r\n"
        f"{top.name},誤記のある項目,1,1,home-visit|home-vist|eol-care\r\n",
    )
    assert "「home-vist」・「eol-care」という在宅対応機能はありません。" in page
    _no_english(page)
    assert not Topic.objects.filter(name="誤記のある項目").exists()


def test_an_export_of_a_description_holding_a_control_character_is_written_not_refused(client_for):
    import io

    import openpyxl

    Capability.objects.filter(code="home-visit").update(description="医師が\x0b計画的に訪問")
    client = client_for("admin")
    formats = client.get("/admin/resources/capability/export/").content.decode()
    xlsx_index = re.search(r'<option value="(\d+)"[^>]*>xlsx</option>', formats).group(1)
    fields = {n: "on" for n in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*checked', formats)}
    exported = client.post(
        "/admin/resources/capability/export/", {"format": xlsx_index, "resource": "0", **fields}
    )
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "医師が\N{REPLACEMENT CHARACTER}計画的に訪問" in cells
