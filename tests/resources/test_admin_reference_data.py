"""Reference data (kinds, capabilities, specialties) is exported and imported in the Django
admin with django-import-export, matched on its code so nothing doubles."""

import pytest
import tablib

from resources.admin import CapabilityResource, KindResource
from resources.models import Capability, FacilityKind

pytestmark = pytest.mark.django_db


def test_the_admin_offers_import_and_export_of_reference_data(client_for, cast):
    client = client_for("admin")
    for model in ("capability", "facilitykind", "specialty"):
        page = client.get(f"/admin/resources/{model}/").content.decode()
        assert f"/admin/resources/{model}/import/" in page and f"/admin/resources/{model}/export/" in page
        assert client.get(f"/admin/resources/{model}/import/").status_code == 200


def test_a_capability_sheet_updates_by_code_and_adds_the_new_ones(cast):
    exported = CapabilityResource().export()
    assert "home-visit" in exported.csv
    before = Capability.objects.count()
    sheet = tablib.Dataset(headers=["code", "name", "group", "description", "sort_order"])
    sheet.append(["home-visit", "訪問診療", "診療", "医師が計画的に訪問", 0])
    sheet.append(["transfusion", "在宅輸血", "医療処置", "", 99])
    result = CapabilityResource().import_data(sheet, dry_run=False)
    assert not result.has_errors()
    assert Capability.objects.count() == before + 1
    assert Capability.objects.get(code="home-visit").description == "医師が計画的に訪問"
    assert Capability.objects.get(code="transfusion").group == "医療処置"


def test_a_kind_sheet_keeps_service_codes_with_their_leading_digits(cast):
    sheet = tablib.Dataset(headers=["code", "name", "group", "service_code", "sort_order"])
    sheet.append(["rental-new", "福祉用具（新）", "care", "071", 50])
    assert not KindResource().import_data(sheet, dry_run=False).has_errors()
    assert FacilityKind.objects.get(code="rental-new").service_code == "071"
