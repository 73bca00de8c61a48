"""`manage.py purge_audit_log`: deletes audit events, login attempts and the entries of the
append-only logs later apps register (consultations' access log) older than AUDIT_RETENTION_DAYS
(run daily from cron/systemd). The only way rows leave those logs: on PostgreSQL a trigger
refuses every other UPDATE or DELETE of them."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from coordination.models import AuditEvent, DeniedRequestTally, LoginAttempt
from coordination.security import RETAINED_LOGS


def allow_purge_in_this_transaction():
    """PostgreSQL's append-only triggers on the audit log and the registered logs let a DELETE
    through only when this setting is on, and SET LOCAL keeps it to the purge's own
    transaction. SQLite has no such trigger, so there is nothing to allow."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL portal.audit_purge = 'on'")


class Command(BaseCommand):
    help = "保存期間（AUDIT_RETENTION_DAYS）を過ぎた監査ログ・閲覧記録とログイン試行を削除します。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="削除せず件数だけ表示")

    def handle(self, *args, dry_run=False, **options):
        cutoff = timezone.now() - timezone.timedelta(days=settings.AUDIT_RETENTION_DAYS)
        old_events = AuditEvent.objects.filter(at__lt=cutoff)
        old_attempts = LoginAttempt.objects.filter(at__lt=cutoff)
        # Their QuerySets refuse delete(), so the purge deletes with the raw DELETE.
        old_logs = [old_events] + [
            model.objects.filter(**{f"{field}__lt": cutoff}) for model, field in RETAINED_LOGS
        ]
        counts = [(logs.model._meta.verbose_name, logs.count()) for logs in old_logs]
        attempts = old_attempts.count()
        if not dry_run:
            with transaction.atomic():
                allow_purge_in_this_transaction()
                for logs in old_logs:
                    logs._raw_delete(logs.db)
                old_attempts.delete()
                DeniedRequestTally.objects.filter(window_start__lt=cutoff).delete()
        listed = "、".join(f"{name} {n}件" for name, n in counts)
        self.stdout.write(
            f"{'削除予定' if dry_run else '削除'}: {listed}、ログイン試行 {attempts}件（{cutoff:%Y-%m-%d} より前）"
        )
