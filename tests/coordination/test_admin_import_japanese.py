"""The Django admin's import and export pages of reference data (django-import-export) read in
Japanese: the strings the library's own ja catalogue leaves in English come from the portal's
catalogue (locale/ja)."""

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


def test_a_header_without_rows_is_refused_in_japanese(client_for):
    page = _upload(client_for("admin"), "/admin/resources/capability/import/", CAPABILITY_HEADER)
    assert "取り込めるデータがありません。1行目に列名、2行目から値が入っているか確かめてください。" in page
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
