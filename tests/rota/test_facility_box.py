"""The facility page's rota box agrees with itself: every rota that applies to the facility (its
area's, and any it takes shifts in) is listed under いまの当番, said to be off duty with the next
shift when nobody is on now; a facility no rota covers is told so in those words."""

import re

import pytest

from resources.models import Capability
from rota import panels
from rota.models import ShiftBackup
from tests.rota.factories import (
    local,
    make_backup_bed,
    make_clinic,
    make_hospital,
    make_rota,
    make_shift,
)

pytestmark = pytest.mark.django_db


def freeze(monkeypatch, *moment):
    monkeypatch.setattr(panels, "now", lambda: local(*moment))


def _box(client, facility):
    html = client.get(f"/resources/{facility.pk}/").content.decode()
    return re.search(
        r'<section class="panel" aria-labelledby="panel-facility-duty">(.*?)</section>', html, re.S
    )[1]


def test_off_duty_at_noon_the_box_names_the_rota_and_its_next_shift(client_for, cast, monkeypatch):
    # 東センター's rota has no 対象地域 of its own (it covers the center's 東区).
    rota = make_rota(cast.center1, name="東センター 夜間休日当番")
    clinic = make_clinic("足立内科医院", code="4001000006", area=cast.ward1)
    tonight = make_clinic("すこやか内科医院", code="4001000009", area=cast.ward1, direct_phone="093-222-0000")
    make_shift(rota, (2026, 12, 2, 18), (2026, 12, 3, 9), tonight, doctor="山本 健一")
    make_shift(rota, (2026, 12, 7, 18), (2026, 12, 8, 9), clinic)
    freeze(monkeypatch, 2026, 12, 2, 12, 46)

    box = _box(client_for("professional"), clinic)
    assert "12月7日（月）18:00" in box
    assert "登録された当番表はありません" not in box and "登録されていません。</li>" not in box
    assert f'data-rota="{rota.pk}"' in box and "いまは当番の時間外です" in box
    assert "次の当番" in box and 'data-on-duty="4001000009"' in box and "093-222-0000" in box


def test_a_rota_the_facility_takes_shifts_in_is_listed_even_outside_its_area(client_for, cast, monkeypatch):
    west_rota = make_rota(cast.center2, name="西区当番", area=cast.ward2)
    clinic = make_clinic("東区の医院", code="4001000016", area=cast.ward1)
    make_shift(west_rota, (2026, 12, 7, 18), (2026, 12, 8, 9), clinic)
    freeze(monkeypatch, 2026, 12, 2, 12, 46)
    box = _box(client_for("professional"), clinic)
    assert f'data-rota="{west_rota.pk}"' in box


def test_a_facility_no_rota_covers_is_told_so(client_for, cast, monkeypatch):
    make_rota(cast.center1, name="東区当番", area=cast.ward1)
    clinic = make_clinic("西区の医院", code="4001000026", area=cast.ward2)
    freeze(monkeypatch, 2026, 12, 2, 12, 46)
    box = _box(client_for("professional"), clinic)
    assert "西区を受け持つ当番表は登録されていません。" in box
    assert "data-rota=" not in box


def test_a_facility_no_rota_covers_is_told_whom_to_turn_to_instead(client_for, cast, monkeypatch):
    # At night a care manager on this page needs a next step, not only "none registered": the
    # emergency contacts and 119, the area's 24時間対応 facilities, and the center covering the area.
    round_the_clock, _ = Capability.objects.get_or_create(code="24h", defaults={"name": "24時間対応"})
    cast.center2.phone = "093-555-0102"
    cast.center2.save()
    cast.center2.areas.add(cast.ward2)
    clinic = make_clinic("西区の医院", code="4001000026", area=cast.ward2)
    freeze(monkeypatch, 2026, 12, 2, 22, 10)
    box = _box(client_for("professional"), clinic)
    assert "data-no-rota" in box and "119番" in box
    assert f"?visits={cast.ward2.pk}&amp;capabilities={round_the_clock.pk}" in box
    assert f"{cast.center2.name}（電話 <a" in box and "093-555-0102" in box


def test_a_facility_a_rota_covers_gets_no_fallback(client_for, cast, monkeypatch):
    make_rota(cast.center2, name="西区当番", area=cast.ward2)
    clinic = make_clinic("西区の医院", code="4001000026", area=cast.ward2)
    freeze(monkeypatch, 2026, 12, 2, 22, 10)
    assert "data-no-rota" not in _box(client_for("professional"), clinic)


def test_the_box_keeps_its_queries_as_rotas_and_shifts_grow(
    client_for, cast, monkeypatch, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clinic = make_clinic("足立内科医院", code="4001000006", area=cast.ward1)
    rota = make_rota(cast.center1, name="東センター当番")
    make_shift(rota, (2026, 12, 2, 18), (2026, 12, 3, 9), clinic)
    freeze(monkeypatch, 2026, 12, 2, 12, 46)
    client = client_for("professional")
    client.get(f"/resources/{clinic.pk}/")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/resources/{clinic.pk}/")
    for n in range(3):
        other = make_rota(cast.center1, name=f"東区当番{n}", area=cast.ward1)
        make_shift(other, (2026, 12, 2, 18), (2026, 12, 3, 9), make_clinic(f"医院{n}", area=cast.ward1))
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(f"/resources/{clinic.pk}/")


def test_on_duty_now_the_number_to_call_is_a_tap_on_a_phone_and_so_is_the_direct_phone(
    client_for, cast, monkeypatch
):
    rota = make_rota(cast.center1, name="東センター 夜間休日当番")
    clinic = make_clinic("すこやか内科医院", code="4001000009", area=cast.ward1, direct_phone="093-222-0000")
    make_shift(rota, (2026, 12, 2, 18), (2026, 12, 3, 9), clinic, doctor="山本 健一")
    freeze(monkeypatch, 2026, 12, 2, 20, 0)
    client = client_for("professional")
    assert '連絡先 <a href="tel:093-222-0000">093-222-0000</a>' in _box(client, clinic)
    html = client.get(f"/resources/{clinic.pk}/").content.decode()
    assert '<dd data-direct-phone><a href="tel:093-222-0000">093-222-0000</a></dd>' in html


def _backup_hospital_tonight(cast):
    """A backup hospital with beds valid today (and one ended yesterday, one from tomorrow) and a
    coming shift of a clinic where it is the second backup (後方)."""
    rota = make_rota(cast.center1, name="東センター 夜間休日当番")
    hospital = make_hospital("さくら記念病院", code="4001000016", area=cast.ward1)
    clinic = make_clinic("城山内科クリニック", code="4001000007", area=cast.ward1)
    first = make_clinic("第一後方医院", area=cast.ward1)
    shift = make_shift(rota, (2026, 12, 4, 18), (2026, 12, 5, 9), clinic)
    ShiftBackup.objects.create(shift=shift, order=1, facility=first)
    ShiftBackup.objects.create(shift=shift, order=2, facility=hospital)
    make_backup_bed(
        cast.center1, hospital, start=(2026, 12, 1), end=(2026, 12, 14), beds=3, conditions="登録患者のみ"
    )
    make_backup_bed(cast.center1, hospital, start=(2026, 11, 1), end=(2026, 12, 1), beds=8)
    make_backup_bed(cast.center1, hospital, start=(2026, 12, 3), end=(2026, 12, 9), beds=9)
    return rota, hospital, shift


def test_at_night_a_backup_hospital_shows_its_beds_of_today_and_the_shifts_it_backs(
    client_for, cast, monkeypatch
):
    _, hospital, _ = _backup_hospital_tonight(cast)
    freeze(monkeypatch, 2026, 12, 2, 22, 30)
    box = _box(client_for("professional"), hospital)
    beds = re.search(r"<div data-facility-beds>(.*?)</div>", box, re.S)[1]
    assert "計3床" in beds and "3床</strong>　12月1日〜12月14日" in beds and "条件: 登録患者のみ" in beds
    assert "8床" not in beds and "9床" not in beds  # ended yesterday, starts tomorrow
    assert '<li data-as-backup="2">12月4日（金）18:00' in box
    assert "後方（2番目）</strong>・当番は城山内科クリニック" in box
    assert "登録されていません" not in box


@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_the_beds_and_backup_shifts_are_not_shown_to_visitors_and_officials(
    client_for, cast, monkeypatch, role
):
    _, hospital, _ = _backup_hospital_tonight(cast)
    freeze(monkeypatch, 2026, 12, 2, 22, 30)
    html = client_for(role).get(f"/resources/{hospital.pk}/").content.decode()
    assert "data-facility-beds" not in html and "登録患者のみ" not in html and "data-as-backup" not in html


def test_the_box_keeps_its_queries_as_beds_and_backup_shifts_grow(client_for, cast, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rota, hospital, _ = _backup_hospital_tonight(cast)
    freeze(monkeypatch, 2026, 12, 2, 22, 30)
    client = client_for("professional")
    client.get(f"/resources/{hospital.pk}/")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/resources/{hospital.pk}/")
    for n in range(3):
        shift = make_shift(
            rota, (2026, 12, 5 + n, 18), (2026, 12, 6 + n, 9), make_clinic(f"医院{n}", area=cast.ward1)
        )
        ShiftBackup.objects.create(shift=shift, order=1, facility=hospital)
        make_backup_bed(cast.center1, hospital, start=(2026, 12, 2), end=(2026, 12, 2), beds=1 + n)
    with CaptureQueriesContext(connection) as after:
        html = client.get(f"/resources/{hospital.pk}/").content.decode()
    assert "計9床" in html and html.count("data-as-backup=") == 4
    assert len(after.captured_queries) == len(before.captured_queries)
