import sys
from pathlib import Path

from django.core.management.base import CommandError

from coordination.exports import csv_bytes
from coordination.import_command import FileImportCommand
from resources import imports
from resources.importing import store_result
from resources.imports import municipalities
from resources.models import FacilityImport


class Command(FileImportCommand):
    help = (
        "施設データ（介護サービス情報公表・厚生局名簿・医療情報ネット・このポータルの書式）を取り込みます。"
        "対象地域（地域コードのある地域）の行だけを取り込み、使えない行は理由を示して除きます。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--area-code",
            action="append",
            default=[],
            dest="area_codes",
            help="この取込だけ対象に加える地域コード（都道府県2桁・市町村5桁か6桁、繰り返し可）",
        )
        parser.add_argument("--rejected", help="取り込めなかった行をこのCSVファイルに書き出す")

    def import_file(self, file, dry_run, area_codes=(), rejected=None, **options):
        # The upload form's check: a prefecture, or a municipality's code with or without its check
        # digit that is on the national list.
        codes, errors = municipalities.parse(" ".join(area_codes))
        if errors:
            raise CommandError("\n".join(e.replace(municipalities.FIELD, "--area-code") for e in errors))
        data = file.read_bytes()

        def progress(phase, done=0, total=0):
            if sys.stderr.isatty():
                sys.stderr.write(f"\r{phase} {done:,}/{total:,}…")

        batch = None
        if not dry_run:
            batch = FacilityImport.objects.create(
                file_name=file.name[:255], area_codes=codes, status=FacilityImport.Status.CONFIRMING
            )
        plan = imports.run(
            data, file.name, write=not dry_run, batch=batch, progress=progress, area_codes=codes
        )
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        if plan.error:
            if batch:
                batch.status, batch.failure, batch.content = FacilityImport.Status.FAILED, plan.error, b""
                batch.save()
            raise CommandError(plan.error)
        if batch:
            store_result(batch, plan)
            batch.missing = plan.missing
            batch.status, batch.phase = FacilityImport.Status.DONE, "完了"
            batch.save()
        self.write_errors(plan.warning_lines(), "注意: ")
        self.write_errors(plan.rejected_lines(), "取り込めなかった行: ")
        if rejected and plan.rejected_cells:
            Path(rejected).write_bytes(csv_bytes(*plan.rejected_table()))
        if plan.out_of_scope:
            places = "、".join(f"{name} {n}件" for name, n in plan.out_of_scope_places.most_common(5))
            self.stderr.write(f"対象外（{plan.scope or '対象地域'}以外）: {plan.out_of_scope}件（{places}…）")
        note = "、確認のみ・保存していません" if dry_run else ""
        self.stdout.write(f"{plan.summary()} ({plan.format_label}{note})")
