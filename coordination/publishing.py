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


def complete_hiding(values, hidden):
    """Complementary suppression of one group: cells that add up to a total the page also shows
    (the choices of a question and its 回答数). With a lone hidden cell a reader subtracts the shown
    ones from the total and has it, so the smallest other count goes too, every cell of that count
    if several have it (a zero only when there is no other count): then whatever a hidden small
    count holds, another hidden cell could hold instead, even for a reader who knows this rule.
    `hidden` are the positions hidden for their own sake; returns (all hidden positions, whether
    the total must be hidden as well): the total goes only when no other cell is left and the
    hidden counts are one, or can only be all 1 or all threshold − 1 (the one split a reader
    would find)."""
    hidden = set(hidden)
    if not hidden:
        return hidden, False
    others = [(value, i) for i, value in enumerate(values) if i not in hidden]
    nonzero = [value for value, _i in others if value]
    if others:
        smallest = min(nonzero) if nonzero else 0
        return hidden | {i for value, i in others if value == smallest}, False
    total = sum(values[i] for i in hidden)
    return hidden, len(hidden) == 1 or total in (len(hidden), len(hidden) * (threshold() - 1))


def hidden_in_group(counts):
    """The positions of a group's counts shown as the mark (the small ones and their complement)
    and whether its total must be hidden too (see complete_hiding)."""
    return complete_hiding(counts, [i for i, n in enumerate(counts) if is_suppressed(n)])
