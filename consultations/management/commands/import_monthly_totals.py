from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consultations import past_totals
from coordination.spreadsheets import error_lines


class Command(BaseCommand):
    help = (
        "ポータル導入前の月報の合計（センター・年・月・相談件数）を取り込みます。"
        "エラーが1件でもあれば何も保存しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="確認のみ（保存しない）")

    def handle(self, path, dry_run=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        totals, errors = past_totals.parse(file.read_bytes(), file.name)
        if errors:
            for line in error_lines(errors):
                self.stderr.write(line)
            raise CommandError("エラーがあるため、何も取り込んでいません。")
        saved = 0 if dry_run else past_totals.save(totals, file.name)
        self.stdout.write(f"imported {saved}, rows {len(totals)}" + (" (dry run)" if dry_run else ""))
