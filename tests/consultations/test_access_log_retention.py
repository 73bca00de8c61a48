"""The access log to clients' records is append-only, and leaves only through `purge_audit_log`
once past AUDIT_RETENTION_DAYS, as the audit log does (on PostgreSQL its trigger lets only that
purge's DELETE through)."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from consultations.models import AccessLog
from tests.consultations.factories import make_consultation


def purge(*args):
    out = io.StringIO()
    call_command("purge_audit_log", *args, stdout=out)
    return out.getvalue()


def test_the_purge_removes_access_log_entries_only_past_retention(cast, settings):
    consultation = make_consultation(cast.center1)
    AccessLog.objects.create(user=cast.coordinator, consultation=consultation)
    settings.AUDIT_RETENTION_DAYS = 30
    assert "相談の閲覧記録 0件" in purge()
    assert AccessLog.objects.count() == 1
    # Entries cannot be backdated (that would be an update), so move the cut-off instead.
    settings.AUDIT_RETENTION_DAYS = -1
    assert "削除予定" in purge("--dry-run") and AccessLog.objects.count() == 1
    assert "相談の閲覧記録 1件" in purge()
    assert not AccessLog.objects.exists()


def test_the_access_log_still_refuses_other_deletes(cast):
    consultation = make_consultation(cast.center1)
    AccessLog.objects.create(user=cast.coordinator, consultation=consultation)
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM consultations_accesslog")
    assert AccessLog.objects.count() == 1
