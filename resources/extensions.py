"""Panels a later app adds to the facility page (e.g. consultations: how often this facility
was asked in 連絡調整 and how often it accepted). resources never imports those apps; they
register here from their AppConfig.ready()."""

_panels = []


def register_facility_panel(template, context, roles):
    """context(request, facility) -> dict; shown to users whose role is in `roles`."""
    if any(p[0] == template for p in _panels):
        return
    _panels.append((template, context, tuple(roles)))


def facility_panels(request, facility):
    user = request.user
    if not user.is_authenticated:
        return []
    return [
        {"template": template, **context(request, facility)}
        for template, context, roles in _panels
        if user.role in roles
    ]
