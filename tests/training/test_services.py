"""training/services.py: each write and its audit entry are one transaction — when the audit entry
cannot be written, nothing of the write stays; when it can, there is exactly one."""

import pytest

from coordination.models import AuditEvent
from tests.training.factories import make_event
from training import services
from training.forms import EventForm
from training.models import Event, Registration


class AuditDown(Exception):
    pass


@pytest.fixture
def request_of(rf, cast):
    request = rf.post("/")
    request.user = cast.coordinator
    return request


@pytest.fixture
def audit_fails(monkeypatch):
    def fail(*args, **kwargs):
        raise AuditDown

    monkeypatch.setattr(services, "audit", fail)


def fields(cast, name="山田 花子"):
    return {"name": name, "organisation": "○○病院", "profession": cast.nurse, "email": ""}


def test_a_registration_is_saved_with_its_audit_entry(request_of, cast):
    event = make_event(cast.center1, capacity=1)
    registration = services.register(request_of, event, fields(cast))
    assert registration.status == Registration.Status.CONFIRMED
    assert (
        AuditEvent.objects.filter(object_id=str(registration.pk), object_type="training.Registration").count()
        == 1
    )


def test_a_registration_whose_audit_fails_is_not_saved(request_of, cast, audit_fails):
    event = make_event(cast.center1, capacity=1)
    with pytest.raises(AuditDown):
        services.register(request_of, event, fields(cast))
    assert not event.registrations.exists()


def test_a_cancel_whose_audit_fails_keeps_the_registration_and_the_waiting_list(
    request_of, cast, monkeypatch
):
    event = make_event(cast.center1, capacity=1)
    first = services.register(request_of, event, fields(cast, "A"))
    second = services.register(request_of, event, fields(cast, "B"))
    monkeypatch.setattr(services, "audit", lambda *a, **k: (_ for _ in ()).throw(AuditDown()))
    with pytest.raises(AuditDown):
        services.cancel(request_of, event, first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)


def test_a_check_in_whose_audit_fails_is_not_recorded(request_of, cast, audit_fails):
    event = make_event(cast.center1)
    registration = event.register(name="A", organisation="", profession=cast.nurse)
    with pytest.raises(AuditDown):
        services.toggle_check_in(request_of, registration)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_an_event_whose_audit_fails_is_not_created(request_of, cast, audit_fails):
    form = EventForm(
        {
            "title": "監査の研修",
            "item": "ka",
            "delivery": "in_person",
            "starts_at": "2027-01-20T18:30",
            "place": "会議室",
            "capacity": "30",
        },
        user=cast.coordinator,
    )
    assert form.is_valid(), form.errors
    with pytest.raises(AuditDown):
        services.save_event(request_of, form)
    assert not Event.objects.filter(title="監査の研修").exists()
