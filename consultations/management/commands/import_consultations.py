from django.core.management.base import CommandError

from consultations import importing
from coordination.import_command import NOTHING_IMPORTED, FileImportCommand


class Command(FileImportCommand):
    help = "過去の相談記録（CSV/XLSX）を取り込みます。エラーが1件でもあれば何も保存しません。"

    def import_file(self, file, dry_run, **options):
        result = importing.parse(file.read_bytes(), file.name)
        if not result.ok:
            self.write_errors(result.error_lines())
            self.stdout.write(f"created 0, errors {len(result.errors)}")
            raise CommandError(NOTHING_IMPORTED)
        if not dry_run:
            importing.save(result)
        self.stdout.write(
            f"created {0 if dry_run else result.created}, rows {len(result.rows)}, errors 0"
            + (" (dry run)" if dry_run else "")
        )
