"""Small counts in anything made public (the centers' public pages, exports marked for publication,
survey results made public, the public 地域の見える化): a count from 1 to PUBLISH_SUPPRESS_BELOW − 1
could point at a person, so it is shown as a mark instead. One rule for every app."""

from django.conf import settings

SUPPRESSED = "-"  # on pages
SUPPRESSED_IN_SHEETS = "－"  # in XLSX/CSV cells, where a lone ASCII hyphen reads as a minus sign


def threshold():
    return settings.PUBLISH_SUPPRESS_BELOW


def is_suppressed(n):
    """Zero stays 0 (it points at nobody); a non-count (a label, None) is never suppressed."""
    return isinstance(n, int) and not isinstance(n, bool) and 0 < n < threshold()


def suppress(n, mark=SUPPRESSED):
    return mark if is_suppressed(n) else n
