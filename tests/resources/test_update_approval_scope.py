"""Approving a facility's answer touches only what the answer changed: the capabilities it left
as they were keep their date and source (an import's 「公表データの取込」 gets no date it never had)."""

import datetime

from resources.models import ChangeRequest, FacilityCapability, UpdateLink
from tests.resources.factories import capability, make_facility
from tests.resources.test_update_links import _answer


def test_approval_keeps_the_date_and_source_of_capabilities_the_answer_did_not_touch(client_for, cast):
    clinic = make_facility("あおば内科", capabilities=["home-visit", "pressure-ulcer"])
    FacilityCapability.objects.filter(facility=clinic, capability__code="pressure-ulcer").update(
        source="kouseikyoku", stated_on=None
    )
    FacilityCapability.objects.filter(facility=clinic, capability__code="home-visit").update(
        source="manual", stated_on=datetime.date(2025, 4, 1)
    )
    link = UpdateLink.objects.create(facility=clinic)
    kept = [str(c.capability_id) for c in clinic.capability_links.all()]
    data = _answer(
        clinic, capabilities=[*kept, str(capability("end-of-life").pk)], direct_phone="093-111-2222"
    )
    client_for("anonymous").post(f"/resources/u/{link.token}/", data)
    cr = ChangeRequest.objects.get()
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    links = {fc.capability.code: fc for fc in clinic.capability_links.select_related("capability")}
    assert (links["pressure-ulcer"].source, links["pressure-ulcer"].stated_on) == ("kouseikyoku", None)
    assert (links["home-visit"].source, links["home-visit"].stated_on) == (
        "manual",
        datetime.date(2025, 4, 1),
    )
    assert links["end-of-life"].source == "facility" and links["end-of-life"].stated_on is not None
    page = client_for("professional").get(f"/resources/{clinic.pk}/").content.decode()
    assert '<small data-capability-answer="pressure-ulcer">（公表データの取込）</small>' in page


def test_an_approval_of_other_fields_leaves_every_capability_as_it_was(client_for, cast):
    clinic = make_facility("みどり医院", capabilities=["pressure-ulcer"])
    FacilityCapability.objects.filter(facility=clinic).update(source="kouseikyoku", stated_on=None)
    link = UpdateLink.objects.create(facility=clinic)
    client_for("anonymous").post(f"/resources/u/{link.token}/", _answer(clinic, contact_person="事務 田中"))
    cr = ChangeRequest.objects.get()
    assert cr.changed_keys == ["contact_person"]
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    fc = clinic.capability_links.get()
    assert (fc.source, fc.stated_on) == ("kouseikyoku", None)


def test_unchanged_confirms_the_entry_without_redating_its_capabilities(client, cast):
    clinic = make_facility("さくら医院", capabilities=["pressure-ulcer"])
    FacilityCapability.objects.filter(facility=clinic).update(source="kouseikyoku", stated_on=None)
    link = UpdateLink.objects.create(facility=clinic)
    client.post(f"/resources/u/{link.token}/", {"unchanged": "1"})
    clinic.refresh_from_db()
    fc = clinic.capability_links.get()
    assert clinic.confirmed_on is not None and (fc.source, fc.stated_on) == ("kouseikyoku", None)
