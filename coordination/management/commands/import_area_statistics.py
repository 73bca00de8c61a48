"""manage.py import_area_statistics FILE [--dry-run]: area statistics from a sheet (see
coordination/area_statistics.py). Good rows are saved; the bad ones are printed with row and
column, and the command exits with status 1 when there were any."""

from coordination import area_statistics
from coordination.import_command import FileImportCommand


class Command(FileImportCommand):
    help = "地域の統計（人口・65歳以上人口 など）を CSV/XLSX から取り込みます。"
    dry_run_help = "保存せずに確認だけする"
    missing_file = "ファイルが見つかりません: {path}"

    def import_file(self, file, dry_run, **options):
        result = area_statistics.parse(file.read_bytes(), file.name)
        self.write_errors(result.error_lines())
        created = updated = 0
        if result.records and not dry_run:
            created, updated = area_statistics.save(result.records)
        self.stdout.write(
            f"rows {result.rows}, valid {len(result.records)}, created {created}, updated {updated}, "
            f"rejected {len({e[0] for e in result.errors if e[0]})}" + ("（dry-run）" if dry_run else "")
        )
        if result.errors:
            raise SystemExit(1)
