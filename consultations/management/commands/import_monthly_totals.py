from django.core.management.base import CommandError

from consultations import past_totals
from coordination.import_command import NOTHING_IMPORTED, FileImportCommand
from coordination.spreadsheets import error_lines


class Command(FileImportCommand):
    help = (
        "ポータル導入前の月報の合計（センター・年・月・相談件数）を取り込みます。"
        "エラーが1件でもあれば何も保存しません。"
    )

    def import_file(self, file, dry_run, **options):
        totals, errors = past_totals.parse(file.read_bytes(), file.name)
        if errors:
            self.write_errors(error_lines(errors))
            raise CommandError(NOTHING_IMPORTED)
        saved = 0 if dry_run else past_totals.save(totals, file.name)
        self.stdout.write(f"imported {saved}, rows {len(totals)}" + (" (dry run)" if dry_run else ""))
