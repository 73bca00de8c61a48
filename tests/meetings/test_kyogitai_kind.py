"""協議体 (生活支援体制整備事業) is a meeting kind, so a 協議体's meetings are recorded in the meetings app."""

from meetings import reference
from meetings.models import MeetingKind


def test_kyogitai_is_a_meeting_kind_in_new_and_migrated_databases(db):
    assert "協議体" in reference.KINDS
    assert MeetingKind.objects.filter(name="協議体").exists()
