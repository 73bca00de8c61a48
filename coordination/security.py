"""Login lockout, two-factor enforcement, absolute session lifetime and the audit log, in one place.

- `LoginForm` (the portal's and the admin's login): refuses a locked account or address before
  checking the password, and records every attempt.
- `PortalSecurityMiddleware`: ends sessions older than SESSION_ABSOLUTE_SECONDS; sends staff who
  have not passed the second factor to enrol or verify (REQUIRE_2FA); writes an audit event for
  every file download (export) and every denied request.
- `audit(...)`: the one way to write to the append-only `AuditEvent` log.
- `session_status`: whether a page's browser is still signed in (static/js/session-keeper.js).
"""

import datetime
import sys
import time
from urllib.parse import unquote

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as default_server_error
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination import access
from coordination.models import AuditEvent, DeniedRequestTally, LoginAttempt, Role

# Roles that must pass a second factor when REQUIRE_2FA is on (officials read aggregates of
# personal data; coordinators and admins read the records themselves).
TWO_FACTOR_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL)
# Paths a signed-in user who has not passed the second factor may still open.
TWO_FACTOR_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz")


def client_ip(request):
    if request is None:
        return None
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


# Append-only logs of later apps (consultations' access log) that leave, like the audit log, only
# through `purge_audit_log` once past AUDIT_RETENTION_DAYS: [(model, name of its datetime field)].
RETAINED_LOGS = []


def register_retained_log(model, field="at"):
    RETAINED_LOGS.append((model, field))


def audit(request, action, obj=None, detail="", user=None, username=""):
    """Appends one event. `obj` is a model instance (its type, id and str are kept, so the event
    survives the object's deletion)."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return AuditEvent.objects.create(
        user=user,
        username=username or (user.get_username() if user else ""),
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail,
        ip=client_ip(request),
        path=request.get_full_path()[:300] if request is not None else "",
    )


def changed_fields(form):
    """「項目: 旧 → 新」 lines of a bound ModelForm's changes, for the audit detail."""
    lines = []
    for name in form.changed_data:
        field = form.fields.get(name)
        label = field.label if field else name
        before = form.initial.get(name, "")
        after = form.cleaned_data.get(name, "")
        if isinstance(after, (list, tuple)) or hasattr(after, "all"):
            after = "、".join(str(a) for a in after)
            before = ""
        lines.append(f"{label}: {before!s:.60} → {after!s:.60}")
    return "\n".join(lines)


# --- Lockout ----------------------------------------------------------------------------------


def lockout_message(username, ip):
    """The Japanese refusal when the account or the address is locked, else None."""
    since = timezone.now() - timezone.timedelta(seconds=settings.LOCKOUT_SECONDS)
    failures = LoginAttempt.objects.failures_since(since)
    if username and failures.filter(username__iexact=username).count() >= settings.LOCKOUT_FAILURES:
        return (
            f"ログインに{settings.LOCKOUT_FAILURES}回続けて失敗したため、このアカウントは一時的にロックされています。"
            f"{settings.LOCKOUT_SECONDS // 60}分後にもう一度お試しいただくか、管理者にロックの解除を依頼してください。"
        )
    if ip and failures.filter(ip=ip).count() >= settings.LOCKOUT_IP_FAILURES:
        return (
            "この端末（IPアドレス）からのログイン失敗が続いたため、一時的にログインを受け付けていません。"
            f"{settings.LOCKOUT_SECONDS // 60}分後にもう一度お試しください。"
        )
    return None


def normalise_username(raw):
    """The username as Django authenticates it (the login form's field folds it with NFKC and
    strips it), so that 「ｄｅｍｏ－ｐｒｏｆｅｓｓｉｏｎａｌ」 and 「ｄemo-professional」 count as
    failures of the same account as 「demo-professional」."""
    return UsernameField().to_python(raw or "")[:150]


def unlock(username, by_request=None):
    """An admin lifts the lock: the failures so far no longer count."""
    username = normalise_username(username)
    count = LoginAttempt.objects.filter(username__iexact=username, succeeded=False, cleared=False).update(
        cleared=True
    )
    audit(by_request, AuditEvent.Action.UNLOCK, detail=f"{username}（失敗{count}件を解除）")
    return count


class LockoutMixin:
    """For AuthenticationForm: the lock is checked before the password, so that even the right
    password is refused during the cool-off; every attempt is recorded."""

    def clean(self):
        # Keyed on the name Django authenticates, not on what was typed (see normalise_username).
        username = normalise_username(self.data.get("username"))
        ip = client_ip(self.request)
        refusal = lockout_message(username, ip)
        if refusal:
            LoginAttempt.objects.create(username=username, ip=ip, succeeded=False)
            # Tries against a lock go on as long as someone sends them: the first per address and
            # window is an audit event, the rest are counted.
            record_anonymous_denial(
                self.request,
                kind=f"locked:{username}",
                action=AuditEvent.Action.LOCKED,
                detail=refusal[:60],
                username=username,
            )
            raise forms.ValidationError(refusal, code="locked")
        try:
            data = super().clean()
        except forms.ValidationError:
            LoginAttempt.objects.create(username=username, ip=ip, succeeded=False)
            audit(self.request, AuditEvent.Action.LOGIN_FAILED, username=username)
            raise
        LoginAttempt.objects.create(username=username, ip=ip, succeeded=True)
        audit(self.request, AuditEvent.Action.LOGIN, user=self.get_user())
        return data


# Django's own Japanese for these reads like a translation (「正しいユーザー名とパスワードを入力して
# ください。どちらのフィールドも大文字と小文字は区別されます。」).
LOGIN_MESSAGES = {
    "invalid_login": "ユーザー名またはパスワードが違います。大文字と小文字は区別されます。",
    "inactive": "このアカウントは使えなくなっています。必要な場合は管理者にお問い合わせください。",
}


class LoginForm(LockoutMixin, AuthenticationForm):
    error_messages = LOGIN_MESSAGES


class AdminLoginForm(LockoutMixin, AdminAuthenticationForm):
    error_messages = {
        **LOGIN_MESSAGES,
        "invalid_login": "管理画面を使えるアカウントのユーザー名とパスワードを入力してください。"
        "大文字と小文字は区別されます。",
    }


# --- Middleware -------------------------------------------------------------------------------


def with_next(url, next_url):
    """`url?next=…` with the target encoded, so that its own query (`?year=2026&month=8`) arrives
    whole instead of losing everything after the first &."""
    return f"{url}?{urlencode({'next': next_url})}"


def needs_second_factor(user):
    """Staff roles, and anyone who can reach the Django admin whatever their role: the admin shows
    the audit log and every user, so a password alone must never open it."""
    return bool(
        settings.REQUIRE_2FA
        and user.is_authenticated
        and (user.role in TWO_FACTOR_ROLES or user.is_staff or user.is_superuser)
        and not getattr(user, "is_verified", lambda: False)()
    )


class PortalSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            started = request.session.setdefault("auth_started", int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                # As any request without a login: a form sent now is said not to be saved, an
                # htmx request gets a message in place (coordination.access).
                return access.signed_out_response(request, "ログインしてから一定時間が過ぎたため")
            if needs_second_factor(user) and not request.path.startswith(TWO_FACTOR_OPEN_PREFIXES):
                enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
                target = "two_factor_verify" if enrolled else "two_factor_setup"
                return redirect(with_next(reverse(target), request.get_full_path()))
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        if disposition.startswith("attachment"):
            # The file's real name (filename*, percent-encoded UTF-8), readable in the audit log.
            name = unquote(disposition.split("''")[-1]) if "''" in disposition else disposition
            audit(request, AuditEvent.Action.EXPORT, detail=name[:200])
        elif response.status_code == 403:
            if request.user.is_authenticated:
                audit(request, AuditEvent.Action.DENIED, detail=f"{request.method} 403")
            else:
                record_anonymous_denial(request)
        return response

    def process_exception(self, request, exception):
        return database_busy_response(request, exception)


def record_anonymous_denial(request, kind="403", action=None, detail=None, username=""):
    """One audit event per kind, address and window for visitors who are not signed in; later ones
    in that window only count in DeniedRequestTally (管理画面 → アクセス拒否の集計). Returns whether
    the event was written."""
    window = settings.DENIED_AUDIT_WINDOW_SECONDS
    now = int(time.time())
    start = datetime.datetime.fromtimestamp(now - now % window, tz=datetime.UTC)
    ip, path = client_ip(request) or "", request.get_full_path()[:300]
    counted = DeniedRequestTally.objects.filter(kind=kind, ip=ip, window_start=start)
    if counted.update(count=F("count") + 1, last_path=path):
        return False
    try:
        with transaction.atomic():
            DeniedRequestTally.objects.create(kind=kind, ip=ip, window_start=start, last_path=path)
    except IntegrityError:  # another request of the same address created it just now
        counted.update(count=F("count") + 1, last_path=path)
        return False
    note = f"（未ログイン。同じアドレスからの{window // 60}分以内の同じ拒否は件数だけを集計）"
    audit(
        request,
        action or AuditEvent.Action.DENIED,
        detail=(detail or f"{request.method} 403") + note,
        username=username,
    )
    return True


# --- The session seen from a page ------------------------------------------------------------


@never_cache
@require_GET
def session_status(request):
    """Whether this browser is still signed in, for static/js/session-keeper.js (JSON). The script
    asks only when someone is at the page: typing (at most every few minutes), pressing
    「ログインを続ける」, sending a form, coming back to the tab after the login ended. So the
    answer pushes the idle clock as a page would, and always (not once a SESSION_REFRESH_SECONDS):
    the session then runs SESSION_IDLE_SECONDS from now, which is what the script counts from. A
    browser nobody touches asks nothing and times out. The CSRF token goes with it: after logging
    in again in another tab, the forms still on this page need the new one to be sent."""
    user = request.user
    if not user.is_authenticated or needs_second_factor(user):
        return JsonResponse({"signed_in": False})
    request.session.modified = True  # saved with a new expiry (coordination.sessions)
    return JsonResponse(
        {
            "signed_in": True,
            "user": user.pk,
            "csrf_token": get_token(request),
            "idle_seconds": settings.SESSION_COOKIE_AGE,
            "refresh_seconds": settings.SESSION_REFRESH_SECONDS,
        }
    )


# --- A busy database ----------------------------------------------------------------------------


def is_database_busy(exception):
    """SQLite's answer when another connection held the write lock for longer than the busy
    timeout (settings: OPTIONS timeout, with transactions begun IMMEDIATE)."""
    return isinstance(exception, OperationalError) and "database is locked" in str(exception)


def database_busy_response(request, exception):
    """The portal's own Japanese page with 503 (retry later) instead of a 500, or None when the
    exception is something else. The transaction was rolled back, so nothing is half-saved."""
    if not is_database_busy(exception):
        return None
    # Rendered without the request's context processors: they read the user and the session,
    # which is the database that is busy.
    response = HttpResponse(render_to_string("503_busy.html"), status=503)
    response["Retry-After"] = "5"
    return response


def server_error(request, template_name="500.html"):
    """handler500: a busy database met outside a view (saving the session, a middleware) gets the
    same page; anything else the plain error page."""
    busy = database_busy_response(request, sys.exc_info()[1])
    return busy or default_server_error(request, template_name)


CREATE, UPDATE, DELETE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE
