"""Access checks in one place, the healthchecks way.

- anonymous visitors are sent to the login page;
- a signed-in user whose role may not use a view gets 403;
- an object the user's role may use but that belongs to another center answers 404,
  so outsiders cannot even learn that it exists.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

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
                return redirect_to_login(request.get_full_path())
            if user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator


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
