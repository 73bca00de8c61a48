"""Access checks in one place, the healthchecks way.

- anonymous visitors are sent to the login page (`signed_out_response`: a form sent after the
  login ended is said not to be saved; an htmx request gets a short message in place);
- a signed-in user whose role may not use a view gets 403;
- an object the user's role may use but that belongs to another center answers 404,
  so outsiders cannot even learn that it exists.
"""

from functools import wraps
from urllib.parse import urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from coordination.models import (
    COMMUNITY_EDITORS,
    Area,
    Center,
    Role,
    can_edit_directory,
    official_center_ids,
    sees_community_contacts,
    sees_professional_fields,
)

# The two role groups every center-owned record uses: its center's staff write it (admins any
# center's), and officials besides read it (its aggregates, or records without personal data).
CENTER_WRITERS = (Role.ADMIN, Role.COORDINATOR)
CENTER_READERS = (Role.ADMIN, Role.COORDINATOR, Role.OFFICIAL)

__all__ = [
    "CENTER_READERS",
    "CENTER_WRITERS",
    "admin_required",
    "can_edit_directory",
    "community_area_ids",
    "community_editor_required",
    "sees_community_contacts",
    "get_for_user",
    "require_post",
    "role_required",
    "sees_professional_fields",
    "signed_out_response",
    "staff_required",
    "visible_centers",
]


def role_required(*roles):
    """Decorator: the view is for signed-in users with one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return signed_out_response(request)
            if user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator


# Said when a form arrives from a browser whose login has ended. The idle limit ends a session
# that sent nothing for SESSION_IDLE_SECONDS; one long phone call is enough. What was sent cannot
# be kept for after the login: it would sit in a session nobody is signed in to, for whoever
# signs in next on that browser. Nor does browser Back bring it back: the form's page is never
# cached (personal data), so Back fetches it again and, signed out, lands on the login page.
# static/js/session-keeper.js is what keeps the typing: it keeps the session alive while someone
# types, and holds a form on the screen instead of sending it once the login has ended.
SIGNED_OUT = (
    "ログインの有効期限が切れていたため（しばらく操作がなかったか、ログアウトした後の画面から送信したため）"
)
NOT_SAVED = (
    "送信した内容は保存されていません。ログインし直すと、送信した画面に戻ります。"
    "お手数ですが、もう一度入力してから保存してください（ブラウザの「戻る」では、入力した内容は戻りません）。"
)
NOT_RECORDED = "記録していません。入力した内容はこの画面に残っています。"


def is_htmx(request):
    """A request htmx made for a part of a page (the page itself works without it)."""
    return request.headers.get("HX-Request") == "true"


def _sent_from(request):
    """The page of this site a form was sent from (htmx names it; else the Referer, which the
    same-origin referrer policy sends), as a path: where to come back to after logging in, since
    the address a form posts to may answer POST only."""
    for url in (request.headers.get("HX-Current-URL"), request.headers.get("Referer")):
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(url)
            return urlunsplit(("", "", parts.path or "/", parts.query, ""))
    return request.get_full_path()


def signed_out_response(request, why=""):
    """The one answer to a request that needs a login from a browser that has none (never signed
    in, or the session ended: idle, absolute lifetime). `why` says why it ended, when known.

    - htmx: a short message put in place before the element that sent the request (its form and
      what was typed stay as they are), with the login page to open in a new tab; never the login
      page swapped into the page, whose form would then post the password to the section's URL.
    - a form (POST): the login page, saying that what was sent is not saved, then back to the
      page the form was on.
    - any other request: the login page, then back to it."""
    if is_htmx(request):
        login = f"{resolve_url('login')}?{urlencode({'next': _sent_from(request)})}"
        html = render_to_string(
            "registration/_signed_out_htmx.html",
            {"why": why or SIGNED_OUT, "not_recorded": NOT_RECORDED, "login_url": login},
        )
        # 200 so that htmx swaps it (it swaps no 4xx); where and how is said by the headers.
        response = HttpResponse(html)
        response["HX-Retarget"] = "this"
        response["HX-Reswap"] = "beforebegin"
        response["Cache-Control"] = "no-store"
        return response
    if request.method == "POST":
        messages.warning(request, f"{why or SIGNED_OUT}、{NOT_SAVED}")
        return redirect_to_login(_sent_from(request))
    if why:
        messages.info(request, f"{why}、ログアウトしました。もう一度ログインしてください。")
    return redirect_to_login(request.get_full_path())


def staff_required(view):
    """Admins, coordinators and professionals (the directory's professionals-only part)."""
    return role_required(Role.ADMIN, Role.COORDINATOR, Role.PROFESSIONAL)(view)


def admin_required(view):
    return role_required(Role.ADMIN)(view)


def get_for_user(queryset, user, **lookup):
    """One object from `queryset.for_user(user)`, or 404 when it is someone else's."""
    try:
        return queryset.for_user(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def require_post(request):
    if request.method != "POST":
        raise PermissionDenied


def visible_centers(user):
    """The centers whose aggregates (reports, 事業評価) a user reads: admins every center,
    a coordinator its own, an official the whole city or (scoped to a ward) that ward's centers,
    everybody else none."""
    centers = Center.objects.all()
    if not user.is_authenticated or not user.is_active:
        return centers.none()
    if user.role == Role.ADMIN:
        return centers
    if user.role == Role.COORDINATOR:
        return centers.filter(pk=user.center_id)
    if user.role == Role.OFFICIAL:
        ids = official_center_ids(user)
        return centers if ids is None else centers.filter(pk__in=ids)
    return centers.none()


def get_center_for_user(user, code):
    """A center by code among those the user reads, else 404."""
    center = visible_centers(user).filter(code=code).first()
    if center is None:
        raise Http404
    return center


def community_editor_required(view):
    """Admins, coordinators and 生活支援コーディネーター (community resources)."""
    return role_required(*COMMUNITY_EDITORS)(view)


def community_area_ids(user):
    """The areas whose community resources a user may add and edit: None for every area (admins
    and coordinators, who edit the whole directory), a 生活支援コーディネーター's 圏域 and the
    areas inside it, else none. Outside them an entry answers 404 (coordination.access rule)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.role in (Role.ADMIN, Role.COORDINATOR):
        return None
    if user.role == Role.LIFE_SUPPORT and user.ward_id:
        return Area.objects.get(pk=user.ward_id).descendant_ids()
    return set()
