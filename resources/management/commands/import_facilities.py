import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resources import imports
from resources.models import FacilityImport


class Command(BaseCommand):
    help = (
        "施設データ（介護サービス情報公表・厚生局名簿・医療情報ネット・このポータルの書式）を取り込みます。"
        "エラーが1件でもあれば何も保存しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="確認のみ（保存しない）")

    def handle(self, path, dry_run=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        data = file.read_bytes()

        def progress(rows):
            sys.stderr.write(f"\r{rows:,}行…")
            sys.stderr.flush()

        batch = None
        if not dry_run:
            batch = FacilityImport.objects.create(file_name=file.name[:255])
        plan = imports.run(data, file.name, write=not dry_run, batch=batch, progress=progress)
        if plan.rows >= 5000:
            sys.stderr.write("\n")
        if batch:
            batch.finish(plan)
        for line in plan.warning_lines():
            self.stderr.write(f"注意: {line}")
        if not plan.ok:
            for line in plan.error_lines():
                self.stderr.write(line)
            self.stdout.write(f"created 0, updated 0, unchanged 0, errors {len(plan.errors)}")
            raise CommandError("エラーがあるため、何も取り込んでいません。")
        suffix = f" ({plan.format_label}" + ("、確認のみ・保存していません)" if dry_run else ")")
        self.stdout.write(plan.summary() + suffix)
