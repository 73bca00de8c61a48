from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consultations import importing


class Command(BaseCommand):
    help = "過去の相談記録（CSV/XLSX）を取り込みます。エラーが1件でもあれば何も保存しません。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="確認のみ（保存しない）")

    def handle(self, path, dry_run=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        result = importing.parse(file.read_bytes(), file.name)
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            self.stdout.write(f"created 0, errors {len(result.errors)}")
            raise CommandError("エラーがあるため、何も取り込んでいません。")
        if not dry_run:
            importing.save(result)
        self.stdout.write(
            f"created {0 if dry_run else result.created}, rows {len(result.rows)}, errors 0"
            + (" (dry run)" if dry_run else "")
        )
