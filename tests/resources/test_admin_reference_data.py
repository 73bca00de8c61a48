"""Reference data (kinds, capabilities, specialties; 相談内容, 職種 and 団体・機関 too) is exported
and imported in the Django admin with django-import-export, matched on its code (else its name) so
nothing doubles, with Japanese column names; a CSV is written with a BOM and read from Excel's
Shift_JIS as well as UTF-8."""

import re

import pytest
import tablib

from resources.admin import CapabilityResource, KindResource
from resources.models import Capability, FacilityKind

pytestmark = pytest.mark.django_db


def test_the_admin_offers_import_and_export_of_reference_data(client_for, cast):
    client = client_for("admin")
    for app, model in (
        ("resources", "capability"),
        ("resources", "facilitykind"),
        ("resources", "specialty"),
        ("consultations", "topic"),
        ("coordination", "profession"),
        ("coordination", "organisation"),
    ):
        page = client.get(f"/admin/{app}/{model}/").content.decode()
        assert f"/admin/{app}/{model}/import/" in page and f"/admin/{app}/{model}/export/" in page
        assert client.get(f"/admin/{app}/{model}/import/").status_code == 200
    # The export page names the columns as the sheet does.
    export = client.get("/admin/consultations/topic/export/").content.decode()
    assert "大分類" in export and "資源検索で選ぶ在宅対応機能" in export and "Sort Order" not in export


def test_a_capability_sheet_updates_by_code_and_adds_the_new_ones(cast):
    exported = CapabilityResource().export()
    assert "home-visit" in exported.csv
    before = Capability.objects.count()
    sheet = tablib.Dataset(headers=["コード", "名称", "分類", "説明", "並び順"])
    sheet.append(["home-visit", "訪問診療", "診療", "医師が計画的に訪問", 0])
    sheet.append(["transfusion", "在宅輸血", "医療処置", "", 99])
    result = CapabilityResource().import_data(sheet, dry_run=False)
    assert not result.has_errors()
    assert Capability.objects.count() == before + 1
    assert Capability.objects.get(code="home-visit").description == "医師が計画的に訪問"
    assert Capability.objects.get(code="transfusion").group == "医療処置"


def test_a_kind_sheet_keeps_service_codes_with_their_leading_digits(cast):
    sheet = tablib.Dataset(headers=["コード", "種別", "区分", "サービスコード", "並び順"])
    sheet.append(["rental-new", "福祉用具（新）", "care", "071", 50])
    assert not KindResource().import_data(sheet, dry_run=False).has_errors()
    assert FacilityKind.objects.get(code="rental-new").service_code == "071"


def test_a_topic_sheet_finds_its_parent_among_the_top_level_and_its_capabilities_by_code(cast):
    from consultations.admin import TopicResource
    from consultations.models import Topic

    medical = Topic.objects.get(name="医療", parent=None)
    exported = TopicResource().export()
    assert exported.headers[:2] == ["大分類", "項目"] and "医療" in exported.csv
    sheet = tablib.Dataset(headers=["大分類", "項目", "並び順", "使用中", "資源検索で選ぶ在宅対応機能"])
    sheet.append(["医療", "その他", 5, "1", ""])  # an item named as a top-level topic: stays under 医療
    sheet.append(["医療", "在宅輸血に関する事", 9, "1", "home-visit|end-of-life"])
    result = TopicResource().import_data(sheet, dry_run=False)
    assert not result.has_errors(), [r.errors for r in result.rows if r.errors]
    new = Topic.objects.get(name="在宅輸血に関する事")
    assert new.parent == medical and set(new.capabilities.values_list("code", flat=True)) == {
        "home-visit",
        "end-of-life",
    }
    assert Topic.objects.filter(parent=medical, name="その他").count() == 1


def test_an_organisation_sheet_names_its_profession_and_updates_by_name(cast):
    from coordination.admin import OrganisationResource
    from coordination.models import Organisation

    Organisation.objects.create(name="テスト薬剤師会", short_name="薬", sort_order=1)
    sheet = tablib.Dataset(headers=["名称", "略称", "種別", "主な職種", "並び順"])
    sheet.append(["テスト薬剤師会", "薬剤", "association", "看護師", 3])
    assert not OrganisationResource().import_data(sheet, dry_run=False).has_errors()
    organisation = Organisation.objects.get(name="テスト薬剤師会")
    assert (organisation.short_name, organisation.profession) == ("薬剤", cast.nurse)


def test_the_admin_writes_csv_with_a_bom_and_reads_excels_shift_jis(client_for, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coordination.models import Profession

    client = client_for("admin")
    formats = client.get("/admin/coordination/profession/export/").content.decode()
    csv_index = re.search(r'<option value="(\d+)"[^>]*>csv</option>', formats).group(1)
    exported = client.post(
        "/admin/coordination/profession/export/",
        {"format": csv_index, "resource": "0", "export_items": [], **_all_fields(formats)},
    )
    assert exported.content.startswith("\ufeff".encode()) and "職種".encode() in exported.content
    upload = SimpleUploadedFile("職種.csv", "職種,略称,並び順\r\n理学療法士,PT,8\r\n".encode("cp932"))
    import_page = client.get("/admin/coordination/profession/import/").content.decode()
    csv_import = re.search(r'<option value="(\d+)"[^>]*>csv</option>', import_page).group(1)
    preview = client.post(
        "/admin/coordination/profession/import/",
        {"import_file": upload, "format": csv_import, "resource": "0"},
    ).content.decode()
    assert "理学療法士" in preview and "UnicodeDecodeError" not in preview
    confirm = re.search(r'name="import_file_name" value="([^"]+)"', preview).group(1)
    client.post(
        "/admin/coordination/profession/process_import/",
        {
            "import_file_name": confirm,
            "original_file_name": "職種.csv",
            "format": csv_import,
            "resource": "0",
        },
    )
    assert Profession.objects.get(name="理学療法士").short_name == "PT"


def _all_fields(page):
    """The export form's field checkboxes, all ticked (django-import-export 4 asks which)."""
    return {name: "on" for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*checked', page)}
