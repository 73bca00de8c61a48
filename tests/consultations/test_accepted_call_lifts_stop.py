"""A 受入可 heard on a later 連絡調整 answers the facility's open 受入停止 re-checks heard on or before
it, in the same transaction as the row and audited: the re-check list no longer offers to publish
a stop the facility has lifted."""

import datetime

import pytest
from django.test import RequestFactory

from consultations import services
from coordination.models import AuditEvent
from resources.models import Recheck
from tests.consultations.factories import make_consultation
from tests.consultations.test_services import coordination_form
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db

LIFTED = "12月4日の連絡調整で受入可と聞いたため終了"


def _request(user):
    request = RequestFactory().post("/consultations/")
    request.user = user
    return request


def _call(cast, facility, result, when, consultation=None):
    consultation = consultation or make_consultation(cast.center1)
    return services.add_coordination(
        _request(cast.coordinator),
        consultation,
        coordination_form(facility, **{"co-result": result, "co-contacted_at": when}),
    )


def test_a_later_accepted_call_closes_the_stop_heard_before_it(client_for, cast):
    f = make_facility("再開した訪問看護", accepting="yes")
    _call(cast, f, "stopped", "2026-12-01T10:00")
    stop = Recheck.objects.get(facility=f, reason="stopped")
    assert "data-recheck-stopped" in client_for("coordinator").get("/resources/rechecks/").content.decode()
    _call(cast, f, "accepted", "2026-12-04T14:00")
    stop.refresh_from_db()
    assert stop.closed_at is not None and stop.closing_note == LIFTED
    assert stop.closed_by == cast.coordinator
    assert AuditEvent.objects.filter(
        object_type="resources.Recheck", object_id=str(stop.pk), detail=f"再確認済み: {LIFTED}"
    ).exists()
    listing = client_for("coordinator").get("/resources/rechecks/").content.decode()
    assert f'data-recheck="{stop.pk}"' not in listing and "data-recheck-stopped" not in listing
    f.refresh_from_db()
    assert f.accepting == "yes" and not f.changes.exists()  # the entry itself is left alone


def test_an_accepted_call_leaves_newer_stops_and_other_facilities_and_reasons_open(cast):
    f, other = make_facility("同じ日の前後の医院"), make_facility("別の医院")
    _call(cast, f, "stopped", "2026-12-05T09:00")  # heard after the 受入可 below
    _call(cast, other, "stopped", "2026-12-01T09:00")
    _call(cast, f, "no_answer", "2026-12-01T09:00")
    _call(cast, f, "accepted", "2026-12-04T09:00")
    assert Recheck.objects.filter(closed_at__isnull=True).count() == 3
    # A re-check listed before the day heard was kept counts by the day it was listed.
    listed_later, listed_before = (
        Recheck.objects.create(
            facility=f, reason="stopped", origin="相談 #1（受入停止中）", created_at=_tokyo(day)
        )
        for day in (6, 3)
    )
    _call(cast, f, "accepted", "2026-12-04T15:00")
    listed_later.refresh_from_db()
    listed_before.refresh_from_db()
    assert listed_later.closed_at is None and listed_before.closing_note == LIFTED


def _tokyo(day):
    return datetime.datetime(2026, 12, day, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))


def test_the_same_day_accepted_call_closes_the_stop(cast):
    f = make_facility("同じ日に受入可の医院")
    _call(cast, f, "stopped", "2026-12-04T09:00")
    _call(cast, f, "accepted", "2026-12-04T16:00")
    assert Recheck.objects.get().closing_note == LIFTED


def test_a_row_edited_to_accepted_closes_the_stop(cast):
    f = make_facility("後で受入可と分かった医院")
    _call(cast, f, "stopped", "2026-12-01T10:00")
    row = _call(cast, f, "pending", "2026-12-04T10:00")
    assert Recheck.objects.get().closed_at is None
    services.update_coordination(
        _request(cast.coordinator),
        row,
        coordination_form(
            f, instance=row, **{"co-result": "accepted", "co-contacted_at": "2026-12-04T10:00"}
        ),
    )
    assert Recheck.objects.get().closing_note == LIFTED


def test_a_stop_logged_after_a_newer_accepted_call_is_answered_at_once(cast):
    # The 12/1 call is written up after the 12/4 受入可 was: the newer word already stands.
    f = make_facility("後から記録された停止の医院")
    _call(cast, f, "accepted", "2026-12-04T10:00")
    _call(cast, f, "stopped", "2026-12-01T10:00")
    stop = Recheck.objects.get()
    assert stop.closed_at is not None and stop.closing_note == LIFTED
    # On the same day the calls' times decide: a morning's 受入可 does not answer the afternoon's stop.
    same_day = make_facility("同じ日の受入可が先に記録された医院")
    _call(cast, same_day, "accepted", "2026-12-04T09:00")
    _call(cast, same_day, "stopped", "2026-12-04T15:00")
    assert Recheck.objects.get(facility=same_day).closed_at is None
    # An older 受入可 does not.
    g = make_facility("前は受け入れていた医院")
    _call(cast, g, "accepted", "2026-11-20T10:00")
    _call(cast, g, "stopped", "2026-12-01T10:00")
    assert Recheck.objects.get(facility=g).closed_at is None


def test_the_closing_is_undone_with_the_row_when_the_write_fails(cast, monkeypatch):
    f = make_facility("失敗した記録の医院")
    _call(cast, f, "stopped", "2026-12-01T10:00")
    form = coordination_form(f, **{"co-result": "accepted", "co-contacted_at": "2026-12-04T10:00"})

    def fail(*args, **kwargs):
        raise RuntimeError("audit failed")

    monkeypatch.setattr(
        services.directory_updates, "close_recheck", _then(services.directory_updates.close_recheck, fail)
    )
    with pytest.raises(RuntimeError):
        services.add_coordination(_request(cast.coordinator), make_consultation(cast.center1), form)
    assert Recheck.objects.get().closed_at is None
    assert not f.coordinations.filter(result="accepted").exists()


def _then(first, second):
    def both(*args, **kwargs):
        first(*args, **kwargs)
        second(*args, **kwargs)

    return both


def test_a_morning_accepted_call_leaves_the_same_days_afternoon_stop_open(cast):
    f = make_facility("午後に停止と聞いた医院")
    _call(cast, f, "stopped", "2026-12-04T15:00")
    _call(cast, f, "accepted", "2026-12-04T09:00")  # logged after, heard before
    assert Recheck.objects.get().closed_at is None


def test_correcting_the_stops_call_time_moves_the_day_it_was_heard(cast):
    f = make_facility("連絡日時を直した医院")
    row = _call(cast, f, "stopped", "2026-12-10T10:00")
    services.update_coordination(
        _request(cast.coordinator),
        row,
        coordination_form(
            f,
            instance=row,
            **{"co-result": "stopped", "co-reason": "新規受入停止中", "co-contacted_at": "2026-12-01T10:00"},
        ),
    )
    assert Recheck.objects.get().heard_on.day == 1
    _call(cast, f, "accepted", "2026-12-05T10:00")
    assert Recheck.objects.get().closed_at is not None
