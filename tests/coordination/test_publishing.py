"""coordination.publishing: the one rule for small counts in anything made public."""

from coordination.publishing import SUPPRESSED, SUPPRESSED_IN_SHEETS, suppress


def test_counts_below_the_threshold_are_marked_and_zero_and_labels_stay(settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    assert [suppress(n) for n in (0, 1, 4, 5, 12)] == [0, SUPPRESSED, SUPPRESSED, 5, 12]
    assert suppress(3, mark=SUPPRESSED_IN_SHEETS) == "－"
    assert suppress("相談者") == "相談者" and suppress(None) is None and suppress(True) is True
    settings.PUBLISH_SUPPRESS_BELOW = 10
    assert suppress(9) == SUPPRESSED
