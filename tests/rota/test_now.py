"""Who is on duty at frozen moments: a Friday 23:00, a 祝日 10:00 and 1/2 03:00, across midnight,
through the queries, the dashboard block and `manage.py rota_now`."""

import io

import pytest
from django.core.management import call_command

from rota import panels, services
from rota.models import Shift
from tests.rota.factories import local, make_clinic, make_rota


@pytest.fixture
def january(cast):
    """C01's rota for January 2027, seven clinics in turn (day d → clinic (d-1) % 7)."""
    rota = make_rota(cast.center1, name="東区当番")
    clinics = [make_clinic(f"当番{i}クリニック", code=f"401000000{i}") for i in range(7)]
    services.generate_month(None, rota, 2027, 1, clinics)
    return rota, clinics


def freeze(monkeypatch, *moment):
    monkeypatch.setattr(panels, "now", lambda: local(*moment))


@pytest.mark.parametrize(
    ("moment", "day", "kind"),
    [
        ((2027, 1, 8, 23, 0), 8, "night"),  # Friday 23:00: the Friday night shift from 18:00
        ((2027, 1, 11, 10, 0), 11, "long_holiday"),  # 成人の日 10:00: the holiday shift from 9:00
        ((2027, 1, 2, 3, 0), 1, "year_end"),  # 1/2 03:00: the 元日 shift still running
        ((2027, 1, 5, 8, 59), 4, "night"),  # across midnight: Monday night until Tuesday 9:00
    ],
)
def test_on_duty_at_frozen_moments(january, moment, day, kind):
    rota, clinics = january
    ((got_rota, shift),) = panels.duty_at(local(*moment))
    assert got_rota == rota
    assert (shift.local_start.day, shift.kind) == (day, kind)
    assert shift.facility == clinics[(day - 1) % 7]


def test_handover_at_nine_and_saturday_daytime_has_no_shift(january):
    rota, clinics = january
    ((_, at_nine),) = panels.duty_at(local(2027, 1, 10, 9, 0))  # Sunday 9:00: the holiday starts
    assert at_nine.local_start.day == 10
    ((_, saturday_noon),) = panels.duty_at(local(2027, 1, 9, 12, 0))
    assert saturday_noon is None


def test_tonight_at_noon_is_this_evening_and_at_three_is_the_running_night(january):
    rota, clinics = january
    ((_, evening),) = panels.duty_tonight(local(2027, 1, 8, 12, 0))
    assert [s.local_start.day for s in evening] == [8]
    ((_, small_hours),) = panels.duty_tonight(local(2027, 1, 6, 3, 0))
    assert [s.local_start.day for s in small_hours] == [5]
    # On a Sunday at 20:00 the holiday shift (9:00–翌9:00) is tonight's.
    ((_, sunday),) = panels.duty_tonight(local(2027, 1, 17, 20, 0))
    assert [(s.local_start.day, s.kind) for s in sunday] == [(17, "holiday")]


def test_rota_now_prints_one_line_per_rota_with_code_and_name(january, cast):
    rota, clinics = january
    gap_rota = make_rota(cast.center2, name="西区当番")
    Shift.objects.create(
        rota=gap_rota, starts_at=local(2027, 1, 2, 0, 0), ends_at=local(2027, 1, 2, 9, 0), facility=None
    )
    out = io.StringIO()
    call_command("rota_now", "--at", "2027-01-02T03:00", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == ["東区当番\t4010000000\t当番0クリニック", "西区当番\t\t（当番なし・空き）"]


def test_rota_now_refuses_a_bad_time_in_japanese(january):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="読めません"):
        call_command("rota_now", "--at", "あした")


def test_the_dashboard_shows_who_is_on_duty_with_the_official_code(january, client_for, monkeypatch):
    rota, clinics = january
    freeze(monkeypatch, 2027, 1, 8, 23, 0)
    html = client_for("professional").get("/").content.decode()
    assert 'data-on-duty="4010000000"' in html  # 1/8 → clinic 0
    assert "当番0クリニック" in html
