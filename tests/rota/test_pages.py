"""The rota's pages: generating a month, editing shifts, swaps with their history, gaps in red
and on the coordinators' dashboard, the calendar feeds, who sees contacts, backup beds and the
consultation page about 後方支援."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from coordination.models import AuditEvent
from rota import panels, services
from rota.models import BackupBed, FacilityFeed, Shift, ShiftBackup, Swap
from tests.consultations.factories import make_consultation
from tests.rota.factories import local, make_backup_bed, make_clinic, make_hospital, make_rota, make_shift


def freeze(monkeypatch, *moment):
    monkeypatch.setattr(panels, "now", lambda: local(*moment))


@pytest.fixture
def rota(cast):
    return make_rota(cast.center1, name="東区当番")


# --- generating and editing --------------------------------------------------------------------


def test_a_coordinator_generates_a_month_from_clinic_codes(rota, client_for):
    a = make_clinic("Aクリニック", code="4011111111")
    b = make_clinic("B医院", code="4012222222")
    response = client_for("coordinator").post(
        f"/rota/{rota.pk}/generate/", {"month": "2027-01", "clinics": "4011111111\nB医院\n", "first": "1"}
    )
    assert response.status_code == 302
    shifts = list(rota.shifts.order_by("starts_at"))
    assert len(shifts) == 31
    assert [s.facility for s in shifts[:3]] == [a, b, a]
    assert AuditEvent.objects.filter(
        object_id=str(rota.pk), detail__contains="2027年1月の当番を作成: 31件"
    ).exists()


def test_a_bad_clinic_line_is_named_and_nothing_is_generated(rota, client_for):
    make_clinic("Aクリニック", code="4011111111")
    response = client_for("coordinator").post(
        f"/rota/{rota.pk}/generate/",
        {"month": "2027-13", "clinics": "4011111111\nないクリニック", "first": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2行目「ないクリニック」: 該当する診療所・病院がありません。" in html
    assert "対象の月は「2027-01」の形で入力してください。" in html
    assert not rota.shifts.exists()


def test_editing_a_shift_sets_the_backups_in_order(rota, client_for):
    clinic, h1, h2 = make_clinic(), make_hospital("一番病院"), make_hospital("二番病院")
    shift = make_shift(rota, (2027, 1, 8, 18), (2027, 1, 9, 9), clinic)
    data = {
        "kind": "night",
        "starts_at": "2027-01-08T18:00",
        "ends_at": "2027-01-09T09:00",
        "facility": clinic.pk,
        "doctor": "山田 太郎",
        "contact": "090-1234-5678",
        "backup1": h2.pk,
        "backup2": h1.pk,
    }
    assert client_for("coordinator").post(f"/rota/{rota.pk}/shifts/{shift.pk}/", data).status_code == 302
    assert [(b.order, b.facility) for b in ShiftBackup.objects.filter(shift=shift)] == [(1, h2), (2, h1)]
    # A shift that ends before it starts, or the same hospital twice, is refused by name.
    bad = {**data, "ends_at": "2027-01-08T09:00", "backup2": h2.pk}
    html = client_for("coordinator").post(f"/rota/{rota.pk}/shifts/{shift.pk}/", bad).content.decode()
    assert "終了は開始より後にしてください。" in html
    assert "同じ医療機関が後方当番に2回入っています。" in html
    shift.refresh_from_db()
    assert shift.local_end.day == 9


# --- swaps -------------------------------------------------------------------------------------


def test_a_swap_changes_the_duty_and_keeps_the_history(rota, client_for, cast):
    a, b, c = make_clinic("Aクリニック"), make_clinic("B医院"), make_clinic("C内科")
    shift = make_shift(rota, (2027, 1, 8, 18), (2027, 1, 9, 9), a, doctor="青木 一")
    client = client_for("coordinator")
    url = f"/rota/{rota.pk}/shifts/{shift.pk}/swap/"
    assert (
        client.post(url, {"to_facility": b.pk, "to_doctor": "石井 二郎", "reason": "学会出張"}).status_code
        == 302
    )
    assert client.post(url, {"to_facility": c.pk, "reason": "急病"}).status_code == 302
    shift.refresh_from_db()
    assert (shift.facility, shift.doctor) == (c, "")
    history = list(Swap.objects.filter(shift=shift).order_by("recorded_at", "pk"))
    assert [(s.from_facility, s.from_doctor, s.to_facility, s.reason) for s in history] == [
        (a, "青木 一", b, "学会出張"),
        (b, "石井 二郎", c, "急病"),
    ]
    assert all(s.recorded_by == cast.coordinator for s in history)
    page = client.get(url).content.decode()
    assert page.count("data-swap=") == 2
    assert "交代あり" in client.get(f"/rota/{rota.pk}/?month=2027-01").content.decode()


def test_a_swap_without_a_reason_is_refused_and_nothing_changes(rota, client_for):
    a, b = make_clinic("Aクリニック"), make_clinic("B医院")
    shift = make_shift(rota, (2027, 1, 8, 18), (2027, 1, 9, 9), a)
    response = client_for("coordinator").post(
        f"/rota/{rota.pk}/shifts/{shift.pk}/swap/", {"to_facility": b.pk}
    )
    assert "交代の理由を入力してください" in response.content.decode()
    shift.refresh_from_db()
    assert shift.facility == a and not Swap.objects.exists()


def test_another_centers_coordinator_cannot_swap(rota, client_for):
    a, b = make_clinic("Aクリニック"), make_clinic("B医院")
    shift = make_shift(rota, (2027, 1, 8, 18), (2027, 1, 9, 9), a)
    url = f"/rota/{rota.pk}/shifts/{shift.pk}/swap/"
    assert client_for("coordinator2").post(url, {"to_facility": b.pk, "reason": "x"}).status_code == 404
    assert client_for("professional").post(url, {"to_facility": b.pk, "reason": "x"}).status_code == 403
    assert not Swap.objects.exists()


# --- gaps --------------------------------------------------------------------------------------


def test_a_gap_is_red_on_the_month_view_and_listed_on_the_coordinators_dashboard(
    rota, client_for, monkeypatch
):
    clinic = make_clinic()
    make_shift(rota, (2027, 1, 8, 18), (2027, 1, 9, 9), clinic)
    gap = make_shift(rota, (2027, 1, 10, 9), (2027, 1, 11, 9), None, kind="holiday")
    past_gap = make_shift(rota, (2027, 1, 2, 9), (2027, 1, 3, 9), None, kind="year_end")
    html = client_for("professional").get(f"/rota/{rota.pk}/?month=2027-01").content.decode()
    assert f'data-shift="{gap.pk}" data-gap="1"' in html
    assert "rota-shift--gap" in html
    assert 'data-gap-count="2"' in html
    freeze(monkeypatch, 2027, 1, 8, 12, 0)
    dashboard = client_for("coordinator").get("/").content.decode()
    assert f'data-gap="{gap.pk}"' in dashboard
    assert f'data-gap="{past_gap.pk}"' not in dashboard  # over before now
    # The other center's coordinator and professionals get no gap list of C01's rota.
    assert f'data-gap="{gap.pk}"' not in client_for("coordinator2").get("/").content.decode()
    assert "当番の空き" not in client_for("professional").get("/").content.decode()


# --- who sees contacts -------------------------------------------------------------------------


@pytest.fixture
def tonight(rota, monkeypatch):
    clinic = make_clinic("夜間内科クリニック", code="4019999999", direct_phone="093-555-0001")
    shift = make_shift(
        rota, (2027, 1, 8, 18), (2027, 1, 9, 9), clinic, doctor="夜間 当番", contact="090-0000-1111"
    )
    freeze(monkeypatch, 2027, 1, 8, 23, 0)
    return shift


def test_professionals_see_the_on_duty_doctor_and_contact(tonight, client_for):
    for role in ("professional", "coordinator", "admin"):
        html = client_for(role).get("/").content.decode()
        assert 'data-on-duty="4019999999"' in html, role
        assert "090-0000-1111" in html and "夜間 当番" in html, role


@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_anonymous_visitors_and_officials_see_no_rota_contact(tonight, client_for, role):
    client = client_for(role)
    home = client.get("/").content.decode()
    facility_page = client.get(f"/resources/{tonight.facility_id}/").content.decode()
    for html in (home, facility_page):
        assert "data-on-duty" not in html
        assert "090-0000-1111" not in html
        assert "夜間 当番" not in html
        assert "093-555-0001" not in html
    assert client.get("/rota/").status_code in (302, 403)


def test_the_facility_page_shows_its_own_shifts_and_who_is_on_duty_to_staff_and_professionals(
    tonight, client_for, rota
):
    other = make_clinic("別の医院")
    make_shift(rota, (2027, 1, 9, 18), (2027, 1, 10, 9), other)
    html = client_for("coordinator").get(f"/resources/{tonight.facility_id}/").content.decode()
    assert "夜間・休日の当番" in html
    assert "1月8日（金）18:00" in html
    assert "1月9日（土）18:00" not in html  # another clinic's shift
    assert 'data-on-duty="4019999999"' in html
    assert "090-0000-1111" in html
    html = client_for("professional").get(f"/resources/{other.pk}/").content.decode()
    assert "夜間・休日の当番" in html and "1月9日（土）18:00" in html
    for role in ("anonymous", "official"):
        html = client_for(role).get(f"/resources/{tonight.facility_id}/").content.decode()
        assert "夜間・休日の当番" not in html and "090-0000-1111" not in html, role


def test_the_facility_page_shows_who_is_on_duty_only_in_the_rotas_covering_its_area(
    client_for, cast, monkeypatch
):
    from coordination.models import Center

    citywide_center = Center.objects.create(code="C09", name="市全域センター", sort_order=9)  # no areas
    rotas = {
        "1": make_rota(cast.center1, name="東区当番", area=cast.ward1),
        "2": make_rota(cast.center2, name="西区当番", area=cast.ward2),
        "3": make_rota(citywide_center, name="市全域当番"),
        # No 対象地域 of its own: it covers what its center covers (東センター: 東区).
        "4": make_rota(cast.center1, name="東センター当番"),
        "5": make_rota(cast.center2, name="西センター当番"),
    }
    for n, rota in rotas.items():
        make_shift(
            rota, (2027, 1, 8, 18), (2027, 1, 9, 9), make_clinic(f"{rota.name}医院", code=f"401000000{n}")
        )
    freeze(monkeypatch, 2027, 1, 8, 23, 0)

    def on_duty(facility):
        html = client_for("professional").get(f"/resources/{facility.pk}/").content.decode()
        return {n for n in rotas if f'data-on-duty="401000000{n}"' in html}

    # A clinic in a 圏域 of 東区: the 東区 rota (an area above its own), the city-wide one and
    # 東センター's; not 西区's.
    assert on_duty(make_clinic("東北圏域の医院", code="4010000019", area=cast.daily1)) == {"1", "3", "4"}
    assert on_duty(make_clinic("西区の医院", code="4010000029", area=cast.ward2)) == {"2", "3", "5"}
    # A facility with no area yet is shown every rota rather than none.
    assert on_duty(make_clinic("地域未設定の医院", code="4010000039")) == set(rotas)


# --- calendar feeds ----------------------------------------------------------------------------


def test_the_rota_feed_parses_back_with_the_right_events(rota, client):
    a, b = make_clinic("Aクリニック"), make_clinic("B医院")
    now = timezone.localtime()
    day = now.date() + datetime.timedelta(days=3)
    start = (day.year, day.month, day.day, 18)
    end_day = day + datetime.timedelta(days=1)
    first = make_shift(rota, start, (end_day.year, end_day.month, end_day.day, 9), a)
    make_shift(
        rota,
        (end_day.year, end_day.month, end_day.day, 18),
        (end_day.year, end_day.month, end_day.day, 23),
        b,
    )
    other = make_rota(rota.center, name="別の当番")
    make_shift(other, start, (end_day.year, end_day.month, end_day.day, 9), b)
    response = client.get(f"/rota/feed/{rota.feed_token}.ics")
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [str(e["summary"]) for e in events] == ["夜間当番: Aクリニック", "夜間当番: B医院"]
    assert events[0].decoded("dtstart") == first.starts_at
    assert events[0].decoded("dtend") == first.ends_at  # across midnight
    assert len({str(e["uid"]) for e in events}) == 2


def test_the_facility_feed_has_only_its_own_and_backup_shifts(rota, client, client_for):
    a, b, h = make_clinic("Aクリニック"), make_clinic("B医院"), make_hospital("後方病院")
    day = timezone.localdate() + datetime.timedelta(days=2)
    nxt = day + datetime.timedelta(days=1)
    mine = make_shift(rota, (day.year, day.month, day.day, 18), (nxt.year, nxt.month, nxt.day, 9), a)
    ShiftBackup.objects.create(shift=mine, order=1, facility=h)
    make_shift(rota, (nxt.year, nxt.month, nxt.day, 18), (nxt.year, nxt.month, nxt.day, 23), b)
    # A clinic on duty in the rota gets its link on the rota's feeds page; the hospital, only a
    # backup, through the same service.
    assert client_for("coordinator").post(f"/rota/{rota.pk}/feeds/", {"facility": a.pk}).status_code == 302
    feed = FacilityFeed.objects.get(facility=a)
    cal = icalendar.Calendar.from_ical(client.get(f"/rota/facility-feed/{feed.token}.ics").content)
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["夜間当番（東区当番）"]
    hospital_feed = services.issue_facility_feed(None, h)
    cal = icalendar.Calendar.from_ical(client.get(f"/rota/facility-feed/{hospital_feed.token}.ics").content)
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["後方当番（東区当番）"]
    assert client.get("/rota/facility-feed/not-a-token.ics").status_code == 404
    assert client.get("/rota/feed/not-a-token.ics").status_code == 404


# --- backup beds -------------------------------------------------------------------------------


def test_a_coordinator_enters_backup_beds_and_bad_dates_are_refused(client_for, cast):
    hospital = make_hospital()
    client = client_for("coordinator")
    data = {
        "facility": hospital.pk,
        "beds": "2",
        "available_from": "2027-01-10",
        "available_until": "2027-01-05",
    }
    html = client.post("/rota/backup-beds/new/", data).content.decode()
    assert "「いつまで」は「いつから」以降の日にしてください。" in html
    html = client.post(
        "/rota/backup-beds/new/", {**data, "beds": "0", "available_until": "2027-01-31"}
    ).content.decode()
    assert "病床数は1以上にしてください。" in html
    assert not BackupBed.objects.exists()
    ok = {**data, "available_until": "2027-01-31", "conditions": "登録患者のみ"}
    assert client.post("/rota/backup-beds/new/", ok).status_code == 302
    bed = BackupBed.objects.get()
    assert (bed.center, bed.beds, bed.updated_by) == (cast.center1, 2, cast.coordinator)
    assert client_for("coordinator2").get(f"/rota/backup-beds/{bed.pk}/edit/").status_code == 404


def test_the_consultation_page_about_backup_shows_beds_and_tonight_with_one_click(tonight, client_for, cast):
    from consultations.models import Topic

    Topic.objects.create(parent=None, name="在宅医療の後方支援（急変時の一時入院先の確保等）", sort_order=450)
    hospital = make_hospital("急変受入病院", code="4018888888")
    make_backup_bed(cast.center1, hospital, conditions="登録患者のみ")
    make_backup_bed(cast.center1, make_hospital("期限切れ病院"), start=(2026, 12, 1), end=(2026, 12, 31))
    about_backup = make_consultation(
        cast.center1, topics=("在宅医療の後方支援（急変時の一時入院先の確保等）",)
    )
    html = client_for("coordinator").get(f"/consultations/{about_backup.pk}/").content.decode()
    assert "後方支援病床と今夜の当番" in html
    assert 'data-backup-bed="4018888888"' in html and "2床" in html and "登録患者のみ" in html
    assert "期限切れ病院" not in html
    assert f'data-coordinate-facility="急変受入病院 #{hospital.pk}"' in html
    assert f'data-coordinate-facility="夜間内科クリニック #{tonight.facility_id}"' in html
    assert 'id="id_co-facility_query"' in html  # the field the one click fills
    other = make_consultation(cast.center1, topics=("連絡調整",))
    assert (
        "後方支援病床と今夜の当番"
        not in client_for("coordinator").get(f"/consultations/{other.pk}/").content.decode()
    )


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "queries"), [("/rota/", 5), ("/rota/backup-beds/", 4)])
def test_list_pages_run_a_fixed_number_of_queries(
    url, queries, cast, client_for, django_assert_num_queries, monkeypatch
):
    freeze(monkeypatch, 2027, 1, 8, 23, 0)
    client = client_for("coordinator")

    def grow(n):
        for i in range(n):
            r = make_rota(cast.center1 if i % 2 else cast.center2, name=f"当番{i}")
            clinic = make_clinic(f"医院{i}-{r.pk}")
            s = make_shift(r, (2027, 1, 8, 18), (2027, 1, 9, 9), clinic)
            ShiftBackup.objects.create(shift=s, order=1, facility=make_hospital(f"病院{i}-{r.pk}"))
            make_shift(r, (2027, 1, 9, 18), (2027, 1, 10, 9), None)
            make_backup_bed(cast.center1 if i % 2 else cast.center2, make_hospital(f"床{i}-{r.pk}"))

    grow(2)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    grow(6)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_month_view_runs_a_fixed_number_of_queries(rota, client_for, django_assert_num_queries):
    clinics = [make_clinic(f"医院{i}") for i in range(3)]
    services.generate_month(None, rota, 2027, 1, clinics[:1])
    ShiftBackup.objects.create(shift=rota.shifts.first(), order=1, facility=clinics[1])
    client = client_for("professional")
    with django_assert_num_queries(7):
        client.get(f"/rota/{rota.pk}/?month=2027-01")
    services.generate_month(None, rota, 2027, 2, clinics)
    for s in Shift.objects.filter(rota=rota)[:10]:
        ShiftBackup.objects.get_or_create(shift=s, order=2, facility=clinics[2])
    with django_assert_num_queries(7):
        client.get(f"/rota/{rota.pk}/?month=2027-01")


def test_the_feed_carries_its_time_zone(rota, client):
    day = timezone.localdate() + datetime.timedelta(days=1)
    nxt = day + datetime.timedelta(days=1)
    make_shift(rota, (day.year, day.month, day.day, 18), (nxt.year, nxt.month, nxt.day, 9), make_clinic())
    body = client.get(f"/rota/feed/{rota.feed_token}.ics").content.decode()
    assert "BEGIN:VTIMEZONE" in body and "TZID:Asia/Tokyo" in body
    assert "DTSTART;TZID=Asia/Tokyo:" in body


def test_a_renewed_feed_link_replaces_the_old_one(rota, client, client_for):
    clinic = make_clinic()
    make_shift(rota, (2027, 1, 8, 18), (2027, 1, 9, 9), clinic)
    coordinator = client_for("coordinator")
    old = rota.feed_token
    assert coordinator.post(f"/rota/{rota.pk}/feeds/", {"renew": "rota"}).status_code == 302
    rota.refresh_from_db()
    assert rota.feed_token != old
    assert client.get(f"/rota/feed/{old}.ics").status_code == 404
    assert client.get(f"/rota/feed/{rota.feed_token}.ics").status_code == 200
    coordinator.post(f"/rota/{rota.pk}/feeds/", {"facility": clinic.pk})
    first = FacilityFeed.objects.get(facility=clinic).token
    coordinator.post(f"/rota/{rota.pk}/feeds/", {"facility": clinic.pk, "renew": "facility"})
    assert FacilityFeed.objects.get(facility=clinic).token != first
    assert client.get(f"/rota/facility-feed/{first}.ics").status_code == 404
    # Another center's coordinator cannot renew C01's links.
    assert client_for("coordinator2").post(f"/rota/{rota.pk}/feeds/", {"renew": "rota"}).status_code == 404


def test_a_shift_added_by_hand_may_not_overlap_another(rota, client_for):
    clinic = make_clinic()
    make_shift(rota, (2027, 1, 9, 18), (2027, 1, 10, 9), clinic)
    client = client_for("coordinator")
    data = {
        "kind": "holiday",
        "starts_at": "2027-01-09T13:00",
        "ends_at": "2027-01-09T19:00",
        "facility": clinic.pk,
    }
    html = client.post(f"/rota/{rota.pk}/shifts/new/", data).content.decode()
    assert "この当番表の別の当番（1/9 18:00〜1/10 09:00）と時間が重なっています。" in html
    assert rota.shifts.count() == 1
    assert (
        client.post(f"/rota/{rota.pk}/shifts/new/", {**data, "ends_at": "2027-01-09T18:00"}).status_code
        == 302
    )
    added = rota.shifts.get(kind="holiday")
    assert (added.local_start.hour, added.local_end.hour, added.facility) == (13, 18, clinic)
