"""Two-factor authentication, lockout, sessions, the audit log and exports across centers."""

import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination.models import AuditEvent, LoginAttempt
from tests.conftest import PASSWORD
from tests.consultations.factories import make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True
    return settings


def password_login(username, password=PASSWORD, client=None, ip="192.0.2.10"):
    client = client or Client(REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


def current_code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


# --- Two-factor authentication ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "coordinator", "official"])
def test_staff_must_enrol_before_anything_else_when_2fa_is_required(require_2fa, cast, role):
    client, response = password_login(role)
    assert response.status_code == 302
    blocked = client.get("/consultations/reports/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/2fa/setup/")
    assert client.get("/admin/").status_code == 302  # the Django admin too
    page = client.get("/accounts/2fa/setup/").content.decode()
    assert "data:image/svg+xml;base64," in page and "data-secret" in page


def test_professionals_are_not_forced_to_enrol(require_2fa, cast):
    client, _ = password_login("professional")
    assert client.get("/resources/").status_code == 200


def test_enrolment_verifies_a_code_and_gives_ten_single_use_backup_codes(require_2fa, cast):
    client, _ = password_login("coordinator")
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=cast.coordinator)
    wrong = client.post(
        "/accounts/2fa/setup/", {"code": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert "確認コードが正しくありません" in wrong.content.decode()
    # A failure throttles the device for a second (django-otp doubles it on each failure).
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    done = client.post("/accounts/2fa/setup/", {"code": current_code(device), "next": "/consultations/"})
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/consultations/").status_code == 200  # verified for this session
    assert AuditEvent.objects.filter(user=cast.coordinator, action="2fa").exists()

    # Next login: password, then a backup code, which cannot be used twice.
    other, _ = password_login("coordinator")
    assert other.get("/consultations/")["Location"].startswith("/accounts/2fa/verify/")
    assert (
        other.post("/accounts/2fa/verify/", {"code": codes[0], "next": "/consultations/"}).status_code == 302
    )
    assert other.get("/consultations/").status_code == 200
    third, _ = password_login("coordinator")
    again = third.post("/accounts/2fa/verify/", {"code": codes[0]})
    assert "すでに使われています" in again.content.decode()
    assert StaticDevice.objects.get(user=cast.coordinator).token_set.count() == 9


def test_a_used_totp_code_is_refused_the_second_time(require_2fa, cast):
    device = TOTPDevice.objects.create(user=cast.admin, name="app", confirmed=True)
    code = current_code(device)
    first, _ = password_login("admin")
    assert first.post("/accounts/2fa/verify/", {"code": code}).status_code == 302
    assert first.get("/admin/").status_code == 200
    second, _ = password_login("admin")
    refused = second.post("/accounts/2fa/verify/", {"code": code})
    assert refused.status_code == 200 and "すでに使われています" in refused.content.decode()
    assert second.get("/admin/").status_code == 302


def test_verify_page_refuses_an_outside_next_url(require_2fa, cast):
    device = TOTPDevice.objects.create(user=cast.official, name="app", confirmed=True)
    client, _ = password_login("official")
    response = client.post(
        "/accounts/2fa/verify/", {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


# --- Lockout ------------------------------------------------------------------------------------


def test_lockout_after_repeated_failures_refuses_even_the_right_password_until_an_admin_unlocks(
    cast, settings
):
    settings.LOCKOUT_FAILURES = 5
    for _ in range(5):
        _, response = password_login("coordinator", "wrong-password")
        assert response.status_code == 200
    client, response = password_login("coordinator")  # right password, still refused
    assert response.status_code == 200
    assert "一時的にロックされています" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed", username="coordinator").count() == 5
    assert AuditEvent.objects.filter(action="locked", username="coordinator").count() == 1
    # Another account from another address is unaffected.
    _, other = password_login("coordinator2", ip="192.0.2.99")
    assert other.status_code == 302

    from coordination.security import unlock

    unlock("coordinator")
    _, response = password_login("coordinator")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="unlock").exists()


def test_an_address_trying_many_accounts_is_throttled(cast, settings):
    settings.LOCKOUT_IP_FAILURES = 4
    for name in ("a", "b", "c", "d"):
        password_login(name, "x", ip="198.51.100.7")
    _, response = password_login("admin", ip="198.51.100.7")
    assert "この端末（IPアドレス）からのログイン失敗が続いた" in response.content.decode()
    _, elsewhere = password_login("admin", ip="198.51.100.8")
    assert elsewhere.status_code == 302


def test_admin_unlocks_from_the_login_attempts_list(client_for, cast, settings):
    settings.LOCKOUT_FAILURES = 2
    for _ in range(2):
        password_login("coordinator", "nope")
    attempt = LoginAttempt.objects.filter(username="coordinator").first()
    admin = client_for("admin")
    admin.post(
        "/admin/coordination/loginattempt/",
        {"action": "unlock_accounts", "_selected_action": [attempt.pk]},
    )
    _, response = password_login("coordinator")
    assert response.status_code == 302


# --- Sessions -----------------------------------------------------------------------------------


def test_new_session_key_at_login(cast):
    client = Client()
    client.get("/accounts/login/")
    client.cookies["sessionid"] = "fixated-session-key-000000000000"
    password_login("coordinator", client=client)
    assert client.cookies["sessionid"].value != "fixated-session-key-000000000000"


def test_a_deactivated_user_is_cut_off_at_once(cast):
    client, _ = password_login("coordinator")
    assert client.get("/consultations/").status_code == 200
    cast.coordinator.is_active = False
    cast.coordinator.save()
    assert client.get("/consultations/").status_code == 302


def test_idle_timeout_ends_the_session(cast, settings):
    client, _ = password_login("coordinator")
    session = client.session
    session.set_expiry(-1)  # as if the idle time had passed
    session.save()
    assert client.get("/consultations/").status_code == 302


def test_requests_push_the_idle_clock_at_most_once_a_refresh_interval(cast, settings):
    from django.contrib.sessions.models import Session

    from coordination.sessions import REFRESHED

    client, _ = password_login("coordinator")
    client.get("/consultations/")
    key = client.cookies["sessionid"].value
    first = Session.objects.get(pk=key).expire_date
    client.get("/consultations/")  # within the interval: no write
    assert Session.objects.get(pk=key).expire_date == first
    session = client.session
    session[REFRESHED] = int(time.time()) - settings.SESSION_REFRESH_SECONDS  # the interval has passed
    session.save()
    stored = Session.objects.get(pk=key).expire_date
    time.sleep(0.01)
    client.get("/consultations/")
    assert Session.objects.get(pk=key).expire_date > stored  # the idle clock starts again


def test_a_visitor_with_a_stale_session_cookie_gets_no_new_session(cast):
    from django.contrib.sessions.models import Session

    client = Client()
    client.cookies["sessionid"] = "stale-session-key-00000000000000"
    response = client.get("/resources/")
    assert response.status_code == 200 and Session.objects.count() == 0


def test_absolute_lifetime_ends_even_an_active_session(cast, settings):
    client, _ = password_login("coordinator")
    assert client.get("/consultations/").status_code == 200
    session = client.session
    session["auth_started"] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/consultations/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/consultations/").status_code == 302


def test_pages_with_personal_data_are_not_cached(client_for, cast):
    consultation = make_consultation(cast.center1)
    for url in (
        f"/consultations/{consultation.pk}/",
        "/consultations/",
        "/consultations/reports/?format=csv",
    ):
        assert "no-store" in client_for("coordinator").get(url)["Cache-Control"], url


# --- Audit log ----------------------------------------------------------------------------------


def test_exports_and_denied_requests_are_audited(client_for, cast):
    client_for("coordinator").get("/consultations/reports/?fiscal_year=2026&format=csv")
    export = AuditEvent.objects.get(action="export")
    assert export.user == cast.coordinator and "相談実績_2026年度_東センター.csv" in export.detail
    client_for("professional").get("/consultations/")
    denied = AuditEvent.objects.get(action="denied")
    assert denied.user == cast.professional and denied.path == "/consultations/"


def test_audit_log_is_append_only(cast):
    event = AuditEvent.objects.create(action="view", username="x")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(username="y")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_refuses_sql_that_alters_the_audit_log(cast):
    AuditEvent.objects.create(action="view", username="x")
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE coordination_auditevent SET username = 'y'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM coordination_auditevent")
    assert AuditEvent.objects.filter(username="x").count() == 1


def test_purge_removes_only_events_past_retention(cast, settings):
    from django.core.management import call_command
    from django.utils import timezone

    from coordination.models import DeniedRequestTally

    old = AuditEvent.objects.create(action="view", username="old")
    LoginAttempt.objects.create(username="old")
    DeniedRequestTally.objects.create(ip="192.0.2.1", window_start=timezone.now())
    # Rows cannot be backdated (that would be an update), so move the cut-off instead: with a
    # retention of -1 days everything before tomorrow is past retention.
    settings.AUDIT_RETENTION_DAYS = 30
    call_command("purge_audit_log", stdout=open("/dev/null", "w"))
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    settings.AUDIT_RETENTION_DAYS = -1
    call_command("purge_audit_log", "--dry-run", stdout=open("/dev/null", "w"))
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    call_command("purge_audit_log", stdout=open("/dev/null", "w"))
    assert not AuditEvent.objects.exists() and not LoginAttempt.objects.exists()
    assert not DeniedRequestTally.objects.exists()


def test_admin_changes_are_audited_and_the_audit_admin_is_read_only(client_for, cast):
    admin = client_for("admin")
    response = admin.post(
        f"/admin/coordination/user/{cast.coordinator2.pk}/change/",
        {
            "username": "coordinator2",
            "last_name": "coordinator2",
            "role": "official",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="update", object_type="coordination.User")
    assert event.user == cast.admin and "役割" in event.detail
    assert admin.get("/admin/coordination/auditevent/add/").status_code == 403
    assert admin.get(f"/admin/coordination/auditevent/{event.pk}/delete/").status_code == 403
    csv = admin.post(
        "/admin/coordination/auditevent/", {"action": "export_csv", "_selected_action": [event.pk]}
    )
    assert csv["Content-Type"].startswith("text/csv") and "変更" in csv.content.decode("utf-8-sig")
    # The time as the admin list shows it (Asia/Tokyo), not the stored UTC.
    local = timezone.localtime(event.at)
    assert f"{local:%Y-%m-%d %H:%M:%S}" in csv.content.decode("utf-8-sig")
    assert "+00:00" not in csv.content.decode("utf-8-sig")


def test_changes_made_in_the_portal_are_audited_with_the_fields(client_for, cast):
    client = client_for("coordinator")
    from coordination.models import Organisation
    from meetings.models import Meeting, MeetingKind

    org = Organisation.objects.create(name="薬剤師会")
    data = {
        "tier": 1,
        "kind": MeetingKind.objects.first().pk,
        "held_on": "2026-06-01",
        "delivery": "in_person",
        "organisations": [org.pk],
    }
    client.post("/meetings/new/", data)
    meeting = Meeting.objects.get()
    client.post(f"/meetings/{meeting.pk}/edit/", {**data, "venue": "センター会議室"})
    events = list(AuditEvent.objects.filter(object_type="meetings.Meeting").order_by("pk"))
    assert [(e.action, e.user, e.object_id) for e in events] == [
        ("create", cast.coordinator, str(meeting.pk)),
        ("update", cast.coordinator, str(meeting.pk)),
    ]
    assert "会場:  → センター会議室" in events[1].detail
    consultation = make_consultation(cast.center1)
    client.post(
        f"/consultations/{consultation.pk}/consents/",
        {"consent-consented_by": "本人", "consent-consented_on": "2026-08-03", "consent-how": "oral"},
    )
    assert AuditEvent.objects.filter(
        action="create", object_type="consultations.Consent", user=cast.coordinator
    ).exists()


def test_no_export_reaches_another_centers_data(client_for, cast):
    import io

    from openpyxl import load_workbook

    from tests.fixtures import world

    w = world(cast)
    other = client_for("coordinator2")
    for url in (
        f"/surveys/{w.survey.pk}/results/?format=raw",
        f"/surveys/{w.survey.pk}/results/?format=tables",
        "/consultations/reports/?center=C01&format=xlsx",
        "/consultations/reports/?center=C01&format=csv",
    ):
        assert other.get(url).status_code == 404, url
    for url, sheet in (
        ("/meetings/issues/?format=xlsx", "課題一覧"),
        (f"/meetings/issues/?organisation={w.organisation.pk}&format=xlsx", "課題一覧"),
        ("/meetings/years/?fiscal_year=2026&format=xlsx", "提起された課題"),
    ):
        rows = list(
            load_workbook(io.BytesIO(other.get(url).content))[sheet].iter_rows(min_row=3, values_only=True)
        )
        assert rows == [], (url, rows)
    history = load_workbook(io.BytesIO(other.get("/training/history/?format=xlsx").content))["年度別実績"]
    assert list(history.iter_rows(min_row=3, values_only=True)) == []
    assert AuditEvent.objects.filter(action="export", user=cast.coordinator2).count() == 4


# --- Staff outside the role model, and the second factor in the admin -----------------------------


def test_anyone_who_can_reach_the_admin_needs_the_second_factor_whatever_the_role(require_2fa, cast):
    cast.professional.is_staff = True
    cast.professional.save()
    client, _ = password_login("professional")
    response = client.get("/admin/coordination/auditevent/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/setup/")
    # A professional without admin access still signs in with the password alone.
    cast.professional.is_staff = False
    cast.professional.save()
    client, _ = password_login("professional")
    assert client.get("/resources/").status_code == 200


def test_createsuperuser_makes_an_admin_and_a_superuser_cannot_hold_another_role(cast, monkeypatch):
    from django.core.management import call_command
    from django.db import IntegrityError

    from coordination.models import Role, User

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "long-enough-pass-2026")
    call_command("createsuperuser", "--noinput", username="root", email="root@example.jp", verbosity=0)
    assert User.objects.get(username="root").role == Role.ADMIN
    with pytest.raises(ValueError):
        User.objects.create_superuser("root2", role=Role.PROFESSIONAL, password="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast.professional.pk).update(is_superuser=True)


def test_the_admin_refuses_to_make_a_professional_a_superuser(client_for, cast):
    response = client_for("admin").post(
        f"/admin/coordination/user/{cast.professional.pk}/change/",
        {
            "username": "professional",
            "role": "professional",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "スーパーユーザーにできるのは役割が「管理者」のユーザーだけです" in response.content.decode()
    cast.professional.refresh_from_db()
    assert not cast.professional.is_superuser


def test_the_admin_never_shows_a_totp_secret_or_backup_codes_and_audits_their_removal(client_for, cast):
    from base64 import b32encode

    from django_otp.plugins.otp_static.models import StaticToken

    device = TOTPDevice.objects.create(user=cast.coordinator, name="認証アプリ", confirmed=True)
    backup = StaticDevice.objects.create(user=cast.coordinator, name="バックアップコード")
    StaticToken.objects.create(device=backup, token="zx81secret")
    admin = client_for("admin")
    secrets = (device.key, b32encode(device.bin_key).decode(), "zx81secret")
    pages = [
        "/admin/",
        "/admin/coordination/authenticatordevice/",
        f"/admin/coordination/authenticatordevice/{device.pk}/change/",
        "/admin/coordination/backupcodedevice/",
        f"/admin/coordination/backupcodedevice/{backup.pk}/change/",
    ]
    for url in pages:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert not any(secret in response.content.decode() for secret in secrets), url
    index = admin.get("/admin/").content.decode()
    assert "二要素認証（認証アプリ）" in index and "TOTP device" not in index
    # django-otp's own pages (secret, QR code, token list) are gone; nothing can be added or edited.
    for url in (
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_static/staticdevice/{backup.pk}/change/",
    ):
        assert admin.get(url).status_code == 404, url
    assert admin.get("/admin/coordination/authenticatordevice/add/").status_code == 403
    changed = admin.post(
        f"/admin/coordination/authenticatordevice/{device.pk}/change/", {"name": "x", "key": "00"}
    )
    assert changed.status_code == 403
    # Removal is audited, and its owner enrols again.
    admin.post(f"/admin/coordination/authenticatordevice/{device.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="2fa", object_id=str(device.pk))
    assert event.user == cast.admin and "coordinatorの認証アプリ" in event.detail


def test_an_admin_resetting_a_users_second_factor_is_audited_per_device(client_for, cast):
    TOTPDevice.objects.create(user=cast.official, name="認証アプリ", confirmed=True)
    StaticDevice.objects.create(user=cast.official, name="バックアップコード")
    client_for("admin").post(
        "/admin/coordination/user/",
        {"action": "reset_two_factor", "_selected_action": [cast.official.pk]},
    )
    assert not TOTPDevice.objects.filter(user=cast.official).exists()
    assert not StaticDevice.objects.filter(user=cast.official).exists()
    details = sorted(
        AuditEvent.objects.filter(action="2fa", user=cast.admin).values_list("detail", flat=True)
    )
    assert len(details) == 2 and all("officialの" in d for d in details)


@pytest.mark.parametrize(
    "typed", ["ｃｏｏｒｄｉｎａｔｏｒ", "ｃoordinator", " coordinator ", "ＣＯＯＲＤＩＮＡＴＯＲ"]
)
def test_a_locked_account_stays_locked_however_its_name_is_typed(cast, settings, typed):
    settings.LOCKOUT_FAILURES = 3
    for _ in range(3):
        password_login(typed, "wrong-password")
    for spelling in ("coordinator", "ｃｏｏｒｄｉｎａｔｏｒ", "ｃoordinator"):
        client, response = password_login(spelling)  # the right password
        assert "一時的にロックされています" in response.content.decode(), spelling
        assert "_auth_user_id" not in client.session
    assert set(LoginAttempt.objects.values_list("username", flat=True)) <= {"coordinator", "COORDINATOR"}


def test_failures_typed_full_width_lock_the_account_typed_plainly(cast, settings):
    settings.LOCKOUT_FAILURES = 2
    password_login("ｃｏｏｒｄｉｎａｔｏｒ", "x")
    password_login("ｃoordinator", "x")
    _, response = password_login("coordinator")
    assert response.status_code == 200 and "一時的にロックされています" in response.content.decode()
    from coordination.security import unlock

    unlock("ｃｏｏｒｄｉｎａｔｏｒ")
    assert password_login("coordinator")[1].status_code == 302


# --- A busy SQLite database -----------------------------------------------------------------------


def test_a_locked_database_answers_the_portals_own_page_not_a_500(client_for, cast, monkeypatch):
    from django.db import OperationalError

    from coordination import dashboard

    def busy(request):
        raise OperationalError("database is locked")

    monkeypatch.setattr(dashboard, "panels_for", busy)
    response = client_for("coordinator").get("/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "ただいま混み合っています" in page and "保存されていません" in page
    assert response["Retry-After"]


def test_a_locked_database_outside_a_view_gets_the_same_page(rf):
    from django.db import OperationalError

    from coordination.security import server_error

    request = rf.get("/")
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and "ただいま混み合っています" in response.content.decode()
    try:
        raise ValueError("something else")
    except ValueError:
        assert server_error(request).status_code == 500


def test_denied_requests_without_login_do_not_grow_the_audit_log_without_bound(cast, settings):
    from coordination.models import DeniedRequestTally

    # The windows start at whole multiples of their length: one the requests cannot straddle.
    settings.DENIED_AUDIT_WINDOW_SECONDS = 10**9
    flood = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.5")
    for _ in range(40):
        assert flood.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403
    denied = AuditEvent.objects.filter(action="denied", ip="203.0.113.5")
    assert denied.count() == 1 and "件数だけを集計" in denied.get().detail
    assert DeniedRequestTally.objects.get(ip="203.0.113.5").count == 40
    # Another address gets its own first entry; a signed-in user's denials are each recorded.
    Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.6").post("/accounts/login/", {})
    assert AuditEvent.objects.filter(action="denied", ip="203.0.113.6").count() == 1
    professional = Client(REMOTE_ADDR="203.0.113.5")
    professional.force_login(cast.professional)
    for _ in range(3):
        professional.get("/consultations/")
    assert AuditEvent.objects.filter(action="denied", user=cast.professional).count() == 3


def test_the_second_factor_and_the_absolute_timeout_keep_the_whole_next_url(require_2fa, cast, settings):
    from urllib.parse import parse_qs, urlsplit

    target = "/consultations/reports/?year=2026&month=8"

    def next_of(response):
        return parse_qs(urlsplit(response["Location"]).query)["next"][0]

    client, _ = password_login("coordinator")
    assert next_of(client.get(target)) == target  # to enrolment
    TOTPDevice.objects.create(user=cast.coordinator, name="app", confirmed=True)
    assert next_of(client.get(target)) == target  # to verification
    assert (
        next_of(
            client.get(
                "/accounts/2fa/setup/?" + "next=" + "%2Fconsultations%2Freports%2F%3Fyear%3D2026%26month%3D8"
            )
        )
        == target
    )
    device = TOTPDevice.objects.get(user=cast.coordinator)
    done = client.post("/accounts/2fa/verify/", {"code": current_code(device), "next": target})
    assert done["Location"] == target
    session = client.session
    session["auth_started"] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    timed_out = client.get(target)
    assert timed_out["Location"].startswith("/accounts/login/") and next_of(timed_out) == target


def test_the_admin_speaks_plain_japanese(client_for, cast):
    admin = client_for("admin")
    page = admin.get("/admin/coordination/auditevent/").content.decode()
    assert "日時で絞り込む" in page and "Filter by" not in page
    assert "Logout" not in admin.post("/admin/logout/").content.decode()
    refused = Client().post("/admin/login/", {"username": "admin", "password": "nope"}).content.decode()
    assert "管理画面を使えるアカウントのユーザー名とパスワードを入力してください" in refused
    assert "どちらのフィールドも" not in refused


def test_tries_against_a_locked_account_are_counted_not_each_audited(cast, settings):
    from coordination.models import DeniedRequestTally

    settings.LOCKOUT_FAILURES = 2
    settings.DENIED_AUDIT_WINDOW_SECONDS = 10**9  # a window the tries cannot straddle
    for _ in range(2):
        password_login("coordinator", "wrong", ip="203.0.113.20")
    for _ in range(25):
        _, response = password_login("coordinator", ip="203.0.113.20")
        assert "一時的にロックされています" in response.content.decode()
    assert AuditEvent.objects.filter(action="locked", username="coordinator").count() == 1
    assert DeniedRequestTally.objects.get(kind="locked:coordinator").count == 25
    # Another locked account from the same address gets its own first event.
    for _ in range(3):
        password_login("coordinator2", "wrong", ip="203.0.113.20")
    assert AuditEvent.objects.filter(action="locked", username="coordinator2").count() == 1
