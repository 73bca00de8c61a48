"""What a 厚生局 list changes in a facility's 在宅対応機能 (its 受理記号 → capabilities) is named on
the import's preview (変わる項目), its summary (変わった項目) and the facility's history: which
capability was added, which removed, whose 算定開始日 moved; not only 「在宅対応機能」, and for a
new facility too."""

import pytest

from resources import imports
from resources.models import Facility, FacilityCapability, FacilityChange, FacilityImport
from tests.resources.factories import capability
from tests.resources.samples import as_xlsx, kouseikyoku_row, kouseikyoku_rows

pytestmark = pytest.mark.django_db

CLINIC = ("0112345", "小倉在宅クリニック")
SUPPORT = "在宅対応機能: 「支援診3（在宅療養支援診療所）」を削除"


def _clinic_file(*symbols):
    """A small 厚生局 list (医科) of one clinic with a 届出 row per (受理記号, 算定開始年月日)."""
    rows = [kouseikyoku_row(n, *CLINIC, symbol, since=since) for n, (symbol, since) in enumerate(symbols, 1)]
    return as_xlsx(kouseikyoku_rows(rows))


FIRST = _clinic_file(("支援診３", "令和 4年10月 1日"), ("在医総管１", "令和 5年 4月 1日"))
# A year on: 支援診３ withdrawn, 在緩診実 new, 在医総管１ as before.
SECOND = _clinic_file(("在緩診実", "令和 6年 6月 1日"), ("在医総管１", "令和 5年 4月 1日"))


def _run(data):
    plan = imports.run(data, "todokede.xlsx", write=True)
    assert plan.ok and not plan.rejected, plan.error_lines()
    return plan


def _upload_and_confirm(client, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post("/resources/import/", {"file": SimpleUploadedFile("todokede.xlsx", data)})
    batch = FacilityImport.objects.latest("pk")
    preview = client.get(f"/resources/import/{batch.pk}/").content.decode()
    client.post(f"/resources/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.status == "done", batch.result.get("error")
    return preview, client.get(f"/resources/import/{batch.pk}/").content.decode()


def test_a_capability_added_and_one_withdrawn_are_named_on_the_preview_and_the_summary(client_for, cast):
    client = client_for("admin")
    _upload_and_confirm(client, FIRST)
    clinic = Facility.objects.get(code="4010112345")

    preview, summary = _upload_and_confirm(client, SECOND)
    added = "在宅対応機能: 「緩和ケア」を追加"
    assert added in preview and SUPPORT in preview  # 変わる項目
    assert '<th scope="col">変わった項目</th>' in summary
    assert f"{added}、{SUPPORT}" in summary  # 変わった項目 of the clinic's row
    assert set(clinic.capabilities.values_list("code", flat=True)) == {"palliative", "home-visit"}
    page = client.get(f"/resources/{clinic.pk}/").content.decode()
    assert added in page  # the facility's own history


def test_a_new_facility_lists_the_capabilities_its_file_gave(cast):
    _run(FIRST)
    change = FacilityChange.objects.get(facility__code="4010112345")
    assert (
        change.fields[-1] == "在宅対応機能: 「訪問診療」「支援診3（在宅療養支援診療所）」を追加"
    )  # in the capabilities' order


def test_a_moved_start_date_is_named_and_a_same_file_changes_nothing(cast):
    _run(FIRST)
    assert _run(FIRST).updated == 0
    moved = _clinic_file(("支援診３", "令和 4年10月 1日"), ("在医総管１", "令和 6年 4月 1日"))
    plan = _run(moved)
    assert plan.samples["update"][0].changed_labels == ["在宅対応機能: 「訪問診療」の算定開始日を変更"]


def test_a_capability_set_by_hand_is_not_added_again(cast):
    _run(FIRST)
    clinic = Facility.objects.get(code="4010112345")
    FacilityCapability.objects.create(facility=clinic, capability=capability("palliative"), source="manual")
    plan = _run(SECOND)
    # 緩和ケア was there already (by hand): only the withdrawn 届出 is a change.
    assert plan.samples["update"][0].changed_labels == [SUPPORT]
    assert clinic.capability_links.get(capability__code="palliative").source == "manual"
