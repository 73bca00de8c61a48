"""Panels a later app adds to the facility page (e.g. consultations: how often this facility
was asked in 連絡調整 and how often it accepted): the "facility" slot of
coordination.extensions."""

from coordination import extensions

SLOT = "facility"


def register_facility_panel(template, context, roles):
    """context(request, facility) -> dict; shown to users whose role is in `roles`."""
    extensions.register(SLOT, template, context, roles)


def facility_panels(request, facility):
    return extensions.panels(SLOT, request, facility)
