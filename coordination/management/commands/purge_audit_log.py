"""`manage.py purge_audit_log`: deletes audit events and login attempts older than
AUDIT_RETENTION_DAYS (run daily from cron/systemd). The only way rows leave the audit log: on
PostgreSQL a trigger refuses every other UPDATE or DELETE of it."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from coordination.models import AuditEvent, DeniedRequestTally, LoginAttempt


def allow_purge_in_this_transaction():
    """PostgreSQL's append-only trigger on the audit log (coordination migration 0002) lets a
    DELETE through only when this setting is on, and SET LOCAL keeps it to the purge's own
    transaction. SQLite has no such trigger, so there is nothing to allow."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL portal.audit_purge = 'on'")


class Command(BaseCommand):
    help = "保存期間（AUDIT_RETENTION_DAYS）を過ぎた監査ログとログイン試行を削除します。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="削除せず件数だけ表示")

    def handle(self, *args, dry_run=False, **options):
        cutoff = timezone.now() - timezone.timedelta(days=settings.AUDIT_RETENTION_DAYS)
        old_events = AuditEvent.objects.filter(at__lt=cutoff)
        old_attempts = LoginAttempt.objects.filter(at__lt=cutoff)
        counts = old_events.count(), old_attempts.count()
        if not dry_run:
            with transaction.atomic():
                allow_purge_in_this_transaction()
                old_events._raw_delete(old_events.db)
                old_attempts.delete()
                DeniedRequestTally.objects.filter(window_start__lt=cutoff).delete()
        self.stdout.write(
            f"{'削除予定' if dry_run else '削除'}: 監査ログ {counts[0]}件、ログイン試行 {counts[1]}件"
            f"（{cutoff:%Y-%m-%d} より前）"
        )
