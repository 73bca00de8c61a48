"""A 受入停止 heard on a 連絡調整 is dated by the call (its 連絡日時, Asia/Tokyo), not by the day the
call was logged: a call made on 12/1 and written up on 12/4 publishes 受入停止中 as of 12/1, and a
status the facility stated in between is not overwritten."""

import datetime

from django.test import RequestFactory
from django.utils import timezone

from consultations import services
from resources import updates
from resources.models import Facility, Recheck
from tests.consultations.factories import make_consultation
from tests.consultations.test_services import coordination_form
from tests.resources.factories import make_facility

RECHECKS = "/resources/rechecks/"
# 12/4 in Tokyo: the day the call was logged (the re-check's created_at).
LOGGED = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))


def _request(user):
    request = RequestFactory().post("/consultations/")
    request.user = user
    return request


def _stop_heard_on_dec_1(cast, facility):
    # 08:30 in Tokyo is still 11/30 in UTC: the day is Tokyo's.
    services.add_coordination(
        _request(cast.coordinator),
        make_consultation(cast.center1),
        coordination_form(facility, **{"co-result": "stopped", "co-contacted_at": "2026-12-01T08:30"}),
    )
    recheck = Recheck.objects.get(facility=facility)
    Recheck.objects.filter(pk=recheck.pk).update(created_at=LOGGED)
    recheck.refresh_from_db()
    return recheck


def test_a_stop_logged_days_later_is_dated_by_the_day_of_the_call(client_for, cast):
    f = make_facility("12月1日に停止と聞いた医院", accepting="yes")
    recheck = _stop_heard_on_dec_1(cast, f)
    assert recheck.heard_on == datetime.date(2026, 12, 1)
    listing = client_for("coordinator").get(RECHECKS).content.decode()
    row = listing.split(f'data-recheck="{recheck.pk}"')[1].split("</tr>")[0]
    assert "12月1日の連絡調整で聞いた" in row and 'data-heard-on="2026-12-01"' in row
    assert "12月1日付で記録します" in row and "data-recheck-stopped" in row
    client_for("coordinator").post(f"/resources/rechecks/{recheck.pk}/stopped/")
    f.refresh_from_db()
    assert f.accepting == "no" and f.accepting_stated_on == datetime.date(2026, 12, 1)


def test_a_recheck_without_the_day_heard_is_dated_by_the_day_it_was_listed(client_for, cast):
    # Re-checks opened before the day heard was kept: the day they were listed is all there is.
    f = make_facility("以前からの再確認の医院", accepting="yes")
    old = Recheck.objects.create(
        facility=f, reason="stopped", origin="相談 #5（受入停止中）", created_at=LOGGED
    )
    row = client_for("coordinator").get(RECHECKS).content.decode().split(f'data-recheck="{old.pk}"')[1]
    assert "12月4日付で記録します（再確認リストに載った日）" in row.split("</tr>")[0]
    assert updates.record_stopped(_request(cast.coordinator), old) == updates.STOPPED_RECORDED
    f.refresh_from_db()
    assert f.accepting_stated_on == datetime.date(2026, 12, 4)


def test_a_status_stated_after_the_call_but_before_it_was_logged_stands(client_for, cast):
    f = make_facility("12月2日に受入可と届けた医院", accepting="yes")
    recheck = _stop_heard_on_dec_1(cast, f)
    Facility.objects.filter(pk=f.pk).update(accepting_stated_on=datetime.date(2026, 12, 2))
    response = client_for("coordinator").post(f"/resources/rechecks/{recheck.pk}/stopped/", follow=True)
    page = response.content.decode()
    assert "12月2日に新規受入状況を届けています（連絡調整より後）" in page
    assert "12月1日の連絡調整で聞いた受入停止は、名簿に載せていません" in page
    f.refresh_from_db()
    recheck.refresh_from_db()
    assert f.accepting == "yes" and f.accepting_stated_on == datetime.date(2026, 12, 2)
    assert recheck.closed_at is None and not f.changes.exists()
    assert updates.record_stopped(_request(cast.coordinator), recheck) == updates.NEWER_STATEMENT
    assert timezone.localdate(recheck.created_at) == datetime.date(2026, 12, 4)
