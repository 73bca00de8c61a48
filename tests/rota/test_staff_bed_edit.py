"""A coordinator's (or an admin's) edit of a backup-bed row goes through the same service as the
hospital's link (rota.services.change_bed): a row already running since before today keeps what
it offered up to yesterday and a new row carries the new values from today; a row starting today
or later, or a change of the end alone, is changed in place. Each row written has its audit entry."""

import datetime
import re

import pytest
from django.utils import timezone

from coordination.models import AuditEvent
from rota.models import BackupBed
from tests.rota.factories import make_backup_bed, make_hospital

pytestmark = pytest.mark.django_db


def _day(offset):
    return timezone.localdate() + datetime.timedelta(days=offset)


def _ymd(day):
    return (day.year, day.month, day.day)


@pytest.fixture
def hospital(cast):
    return make_hospital("急変受入病院", area=cast.ward1)


def _bed(cast, hospital, start, end, **fields):
    fields.setdefault("beds", 3)
    fields.setdefault("conditions", "登録患者のみ")
    return make_backup_bed(cast.center1, hospital, start=_ymd(start), end=_ymd(end), **fields)


def _post(client, bed, **changes):
    data = {
        "facility": bed.facility_id,
        "beds": str(bed.beds),
        "available_from": bed.available_from.isoformat(),
        "available_until": bed.available_until.isoformat(),
        "conditions": bed.conditions,
        **changes,
    }
    return client.post(f"/rota/backup-beds/{bed.pk}/edit/", data)


def _events(bed):
    return list(AuditEvent.objects.filter(object_type="rota.BackupBed", object_id=str(bed.pk)))


def test_a_coordinators_edit_of_a_running_row_splits_it_and_keeps_the_past_days(client_for, cast, hospital):
    today, start, end = _day(0), _day(-7), _day(20)
    bed = _bed(cast, hospital, start, end, source=BackupBed.Source.FACILITY, stated_by="連携 花子")
    coordinator = client_for("coordinator")
    page = coordinator.get(f"/rota/backup-beds/{bed.pk}/edit/").content.decode()
    assert "data-bed-split" in page  # it says the past days stay as they are
    response = _post(
        coordinator, bed, beds="5", conditions="夜間は電話で", available_until=_day(30).isoformat()
    )
    assert response.status_code == 302
    old = BackupBed.objects.get(pk=bed.pk)
    assert (old.beds, old.conditions, old.available_from, old.available_until) == (
        3,
        "登録患者のみ",
        start,
        today - datetime.timedelta(days=1),
    )
    # Who stated the past days' values stays as it was.
    assert (old.source, old.stated_by, old.updated_by) == (BackupBed.Source.FACILITY, "連携 花子", None)
    new = BackupBed.objects.exclude(pk=bed.pk).get()
    assert (new.beds, new.conditions, new.available_from, new.available_until) == (
        5,
        "夜間は電話で",
        today,
        _day(30),
    )
    assert (new.center, new.facility, new.source, new.stated_by, new.updated_by) == (
        cast.center1,
        hospital,
        BackupBed.Source.CENTER,
        "",
        cast.coordinator,
    )
    for day, beds in ((start, 3), (today - datetime.timedelta(days=1), 3), (today, 5), (_day(30), 5)):
        assert [b.beds for b in BackupBed.objects.current(day)] == [beds], day
    (ended,), (created,) = _events(old), _events(new)
    assert (ended.action, created.action) == ("update", "create")
    for event in (ended, created):
        assert event.user == cast.coordinator and event.username == "coordinator"
        assert "病床数: 3 → 5" in event.detail and "受入の条件" in event.detail
    assert f"新しい登録 #{new.pk}" in ended.detail and f"登録 #{old.pk} の" in created.detail
    listed = coordinator.get("/rota/backup-beds/").content.decode()
    assert "昨日の3床は記録として残ります" in listed
    assert listed.count("<tr data-backup-bed=") == 1 and "今日 5床" in listed


def test_the_start_of_a_running_row_cannot_be_moved(client_for, cast, hospital):
    start = _day(-7)
    bed = _bed(cast, hospital, start, _day(20))
    coordinator = client_for("coordinator")
    page = coordinator.get(f"/rota/backup-beds/{bed.pk}/edit/").content.decode()
    assert (
        'name="available_from"' in page and "disabled" in page.split('name="available_from"')[1].split(">")[0]
    )
    _post(coordinator, bed, available_from=_day(-30).isoformat())
    bed.refresh_from_db()
    assert bed.available_from == start and BackupBed.objects.count() == 1


def test_changing_only_the_end_of_a_running_row_changes_it_in_place(client_for, cast, hospital):
    bed = _bed(cast, hospital, _day(-7), _day(20))
    coordinator = client_for("coordinator")
    assert _post(coordinator, bed, available_until=_day(40).isoformat()).status_code == 302
    bed.refresh_from_db()
    assert BackupBed.objects.get().pk == bed.pk and bed.available_until == _day(40)
    # Ending it yesterday is the coordinator's way to stop it; it stays the same row.
    assert _post(coordinator, bed, available_until=_day(-1).isoformat()).status_code == 302
    bed.refresh_from_db()
    assert (bed.available_from, bed.available_until, bed.beds) == (_day(-7), _day(-1), 3)
    assert [e.action for e in _events(bed)] == ["update", "update"]


def test_a_running_row_cannot_be_rewritten_before_yesterday(client_for, cast, hospital):
    bed = _bed(cast, hospital, _day(-7), _day(20))
    coordinator = client_for("coordinator")
    html = _post(coordinator, bed, available_until=_day(-3).isoformat()).content.decode()
    assert "昨日より前にはできません" in html
    html = _post(coordinator, bed, available_until=_day(-1).isoformat(), beds="5").content.decode()
    assert "ほかの項目は変えずに保存してください" in html
    bed.refresh_from_db()
    assert (bed.available_until, bed.beds) == (_day(20), 3) and BackupBed.objects.count() == 1
    assert not _events(bed)


@pytest.mark.parametrize("offset", [0, 3], ids=["today", "later"])
def test_a_coordinators_edit_of_a_row_starting_today_or_later_changes_it_in_place(
    client_for, cast, hospital, offset
):
    start = _day(offset)
    bed = _bed(cast, hospital, start, _day(20))
    coordinator = client_for("coordinator")
    response = _post(coordinator, bed, beds="4", available_from=_day(offset + 1).isoformat())
    assert response.status_code == 302
    bed.refresh_from_db()
    assert BackupBed.objects.get().pk == bed.pk
    assert (bed.beds, bed.available_from, bed.updated_by, bed.source) == (
        4,
        _day(offset + 1),
        cast.coordinator,
        BackupBed.Source.CENTER,
    )
    (event,) = _events(bed)
    assert event.action == "update" and event.user == cast.coordinator and "病床数: 3 → 4" in event.detail


def test_an_admin_moving_a_running_row_to_another_center_splits_it_too(client_for, cast, hospital):
    bed = _bed(cast, hospital, _day(-7), _day(20))
    response = _post(client_for("admin"), bed, center=cast.center2.pk)
    assert response.status_code == 302
    bed.refresh_from_db()
    new = BackupBed.objects.exclude(pk=bed.pk).get()
    assert (bed.center, bed.available_until) == (cast.center1, _day(-1))
    assert (new.center, new.available_from, new.beds) == (cast.center2, _day(0), 3)


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("professional", 403), ("official", 403), ("coordinator2", 404)],
)
def test_others_cannot_edit_the_row(client_for, cast, hospital, role, status):
    bed = _bed(cast, hospital, _day(-7), _day(20))
    assert _post(client_for(role), bed, beds="9").status_code == status
    bed.refresh_from_db()
    assert bed.beds == 3 and BackupBed.objects.count() == 1 and not _events(bed)


def test_a_row_that_has_ended_is_a_record_and_is_copied_not_rewritten(client_for, cast, hospital):
    bed = _bed(cast, hospital, _day(-20), _day(-2), beds=4, conditions="登録患者のみ")
    coordinator = client_for("coordinator")
    page = coordinator.get(f"/rota/backup-beds/{bed.pk}/edit/").content.decode()
    assert "data-bed-ended" in page and "変更できません" in page
    assert '<input type="number" name="beds"' not in page  # no form to change it
    html = _post(coordinator, bed, beds="9", available_until=_day(10).isoformat()).content.decode()
    assert "終わった記録のため、変更できません" in html
    bed.refresh_from_db()
    assert (bed.beds, bed.available_until) == (4, _day(-2)) and not _events(bed)
    # 「同じ内容で新しく登録する」 starts a new registration from its hospital, beds and conditions.
    assert f'href="/rota/backup-beds/new/?copy={bed.pk}" data-bed-copy' in page
    new_form = coordinator.get(f"/rota/backup-beds/new/?copy={bed.pk}").content.decode()
    assert 'name="beds" value="4"' in new_form and "登録患者のみ</textarea>" in new_form
    assert re.search(rf'<option value="{hospital.pk}" selected>急変受入病院', new_form)
    # Another center's row is not copied.
    assert client_for("coordinator2").get(f"/rota/backup-beds/new/?copy={bed.pk}").status_code == 404
