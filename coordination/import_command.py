"""What every `manage.py import_*` command shares: a file argument, `--dry-run`, and a clear
error when the file is not there. A command subclasses `FileImportCommand` and writes
`import_file(file, dry_run, **options)` with the file as a Path."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

# An all-or-nothing import (past consultation logs, past 月報 totals) refused for its errors.
NOTHING_IMPORTED = "エラーがあるため、何も取り込んでいません。"


class FileImportCommand(BaseCommand):
    dry_run_help = "確認のみ（保存しない）"
    missing_file = "ファイルがありません: {path}"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)

    def handle(self, *args, path, dry_run=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(self.missing_file.format(path=path))
        return self.import_file(file, dry_run, **options)

    def import_file(self, file, dry_run, **options):
        raise NotImplementedError

    def write_errors(self, lines, prefix=""):
        """Lines about the file's rows (errors, warnings), each on its own line of stderr."""
        for line in lines:
            self.stderr.write(f"{prefix}{line}")
