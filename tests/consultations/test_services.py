"""Each write of consultations/services.py leaves the 月報 tallies equal to a recount from the
records, writes its audit entry, and writes nothing when any part fails."""

import datetime

import pytest
from django.test import RequestFactory

from consultations import services, tallies
from consultations.forms import ConsentForm, ConsultationForm, CoordinationForm, ProvisionForm
from consultations.models import ConsultantType, Consultation, Coordination, DailyTally
from coordination.models import AuditEvent, Center
from tests.consultations.factories import coordinate, make_consultation, topic
from tests.consultations.test_consultations import form_data
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().post("/consultations/")
    request.user = user
    return request


def tallies_now():
    return sorted(DailyTally.objects.values_list("center_id", "day", "kind", "key", "n"))


def assert_tallies_equal_a_recount():
    kept = tallies_now()
    centers = list(Center.objects.values_list("pk", flat=True))
    tallies.recount(tallies.app_models(), centers, datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))
    assert kept == tallies_now()


def consultation_form(user, instance=None, **changes):
    changes.setdefault("topic_ids", [topic("医療/その他").pk])
    data = form_data(consultant_type=ConsultantType.objects.get(name="ケアマネジャー").pk, **changes)
    if instance:
        data["version"] = str(instance.version)
    form = ConsultationForm(data, instance=instance, user=user)
    assert form.is_valid(), form.errors
    return form


def coordination_form(facility, instance=None, **changes):
    data = {
        "co-facility_query": f"#{facility.pk}",
        "co-contacted_at": "2026-08-03T10:30",
        "co-means": "phone",
        "co-result": "pending",
        **changes,
    }
    form = CoordinationForm(data, instance=instance, prefix="co")
    assert form.is_valid(), form.errors
    return form


def test_creating_a_consultation_keeps_tallies_equal_to_a_recount(cast):
    c = services.save_consultation(request_of(cast.coordinator), consultation_form(cast.coordinator))
    assert c.center == cast.center1
    assert DailyTally.objects.filter(kind="total", n=1).count() == 1
    assert_tallies_equal_a_recount()
    assert AuditEvent.objects.get().object_id == str(c.pk)


def test_updating_a_consultation_to_another_day_keeps_tallies_equal_to_a_recount(cast):
    c = services.save_consultation(request_of(cast.coordinator), consultation_form(cast.coordinator))
    form = consultation_form(
        cast.coordinator, c, received_at="2026-09-10T09:00", topic_ids=[topic("その他").pk]
    )
    assert services.save_consultation(request_of(cast.coordinator), form) is not None
    assert not DailyTally.objects.filter(day=datetime.date(2026, 8, 3)).exists()
    assert_tallies_equal_a_recount()


def test_a_stale_version_saves_nothing_and_moves_no_tally(cast):
    c = services.save_consultation(request_of(cast.coordinator), consultation_form(cast.coordinator))
    stale = consultation_form(cast.coordinator, c, received_at="2026-09-10T09:00")
    Consultation.objects.filter(pk=c.pk).update(version=5)
    assert services.save_consultation(request_of(cast.coordinator), stale) is None
    assert DailyTally.objects.filter(day=datetime.date(2026, 8, 3), kind="total").exists()
    assert_tallies_equal_a_recount()


def test_a_failing_audit_leaves_no_consultation_and_no_tally(cast, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "audit", broken)
    with pytest.raises(RuntimeError):
        services.save_consultation(request_of(cast.coordinator), consultation_form(cast.coordinator))
    assert not Consultation.objects.exists() and not DailyTally.objects.exists()


def test_adding_a_coordination_row_keeps_tallies_equal_to_a_recount(cast):
    c = make_consultation(cast.center1, topics=["医療/その他"])
    facility = make_facility("連絡先クリニック")
    row = services.add_coordination(request_of(cast.coordinator), c, coordination_form(facility))
    assert row.recorded_by == cast.coordinator
    # A consultation with 連絡調整 rows counts under the 連絡調整 item too.
    assert topic("連絡調整") in c.topics.all()
    assert_tallies_equal_a_recount()


def test_editing_a_coordination_row_keeps_tallies_equal_to_a_recount(cast):
    c = make_consultation(cast.center1)
    facility = make_facility("連絡先クリニック")
    row = coordinate(c, facility, "pending")
    form = coordination_form(facility, instance=row, **{"co-result": "accepted"})
    services.update_coordination(request_of(cast.coordinator), row, form)
    assert DailyTally.objects.get(kind="result", key="accepted").n == 1
    assert not DailyTally.objects.filter(kind="result", key="pending").exists()
    assert_tallies_equal_a_recount()


def test_deleting_a_coordination_row_keeps_tallies_equal_to_a_recount(cast):
    c = make_consultation(cast.center1)
    row = coordinate(c, make_facility("連絡先クリニック"), "accepted")
    services.delete_coordination(request_of(cast.coordinator), row)
    assert not Coordination.objects.exists()
    assert not DailyTally.objects.filter(kind="result").exists()
    assert_tallies_equal_a_recount()
    assert AuditEvent.objects.get().action == "delete"


def test_recording_consent_and_provision_keeps_tallies_equal_to_a_recount(cast):
    c = make_consultation(cast.center1)
    consent_form = ConsentForm(
        {
            "consent-consented_by": "長女 山田花子",
            "consent-consented_on": "2026-08-03",
            "consent-how": "oral",
        },
        prefix="consent",
        consultation=c,
    )
    assert consent_form.is_valid(), consent_form.errors
    consent = services.record_consent(request_of(cast.coordinator), c, consent_form)
    assert_tallies_equal_a_recount()
    provision_form = ProvisionForm(
        {
            "prov-recipient": "訪問看護ステーション",
            "prov-items": "氏名・病名",
            "prov-provided_on": "2026-08-04",
            "prov-consent": consent.pk,
        },
        prefix="prov",
        consultation=c,
    )
    assert provision_form.is_valid(), provision_form.errors
    services.record_provision(request_of(cast.coordinator), c, provision_form)
    assert c.provisions.count() == 1
    assert_tallies_equal_a_recount()
    # The person who consented is personal data: named in the record, not in the audit log.
    logged = " ".join(AuditEvent.objects.values_list("object_repr", flat=True)) + " ".join(
        AuditEvent.objects.values_list("detail", flat=True)
    )
    assert "山田花子" not in logged and AuditEvent.objects.count() == 2
    assert AuditEvent.objects.filter(object_type="consultations.Consent", action="create").exists()
