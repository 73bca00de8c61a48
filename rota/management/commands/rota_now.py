"""`manage.py rota_now [--at ISO_DATETIME]`: who is on duty at that moment, one line per rota
(rota, facility code, facility name; tab-separated). A time without an offset is Asia/Tokyo."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rota import panels


def parse_moment(text):
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at の日時「{text}」が読めません（例: 2027-01-02T03:00）。") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "指定した時刻（省略時は現在）の当番を、当番表ごとに1行（当番表、医療機関番号、医療機関名）で表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--at", help="日時（ISO 8601、例: 2027-01-02T03:00。タイムゾーンなしは日本時間）")

    def handle(self, *args, at=None, **options):
        moment = parse_moment(at) if at else timezone.now()
        for rota, shift in panels.duty_at(moment):
            if shift is None:
                code, name = "", "（当番の時間外）"
            elif shift.is_gap:
                code, name = "", "（当番なし・空き）"
            else:
                code, name = shift.facility.code, shift.facility.name
            self.stdout.write(f"{rota.name}\t{code}\t{name}")
