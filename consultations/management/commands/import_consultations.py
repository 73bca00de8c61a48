import getpass
import hashlib

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from consultations import importing
from consultations.models import ConsultationImport
from coordination.import_command import NOTHING_IMPORTED, FileImportCommand
from coordination.models import Role, User


def _server_user():
    """The account running the command, for the import's record (「コマンドの実行者」)."""
    try:
        return getpass.getuser()[:150] or "不明"
    except (KeyError, OSError):
        return "不明"


class Command(FileImportCommand):
    help = "過去の相談記録（CSV/XLSX）を取り込みます。エラーが1件でもあれば何も保存しません。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--allow-duplicate",
            action="store_true",
            help="前に取り込んだ（画面またはこのコマンドで）のと同じファイルでも取り込む（同じ相談が二重に登録されます）",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="取込の記録に残す管理者のユーザー名（省略時はサーバーのアカウント名だけが残ります）",
        )

    def _admin(self, username):
        """The portal's admin named by --user, whom the import's record and the duplicate notice
        name instead of the server account (which is often a shared deploy account)."""
        if not username:
            return None
        admin = User.objects.filter(username=username, is_active=True).first()
        if admin is None:
            raise CommandError(f"ユーザー「{username}」が見つかりません。何も取り込んでいません。")
        if admin.role != Role.ADMIN:
            raise CommandError(
                f"ユーザー「{username}」は管理者ではありません（相談記録の取込は管理者が行います）。何も取り込んでいません。"
            )
        return admin

    def import_file(self, file, dry_run, allow_duplicate=False, user=None, **options):
        admin = self._admin(user)
        data = file.read_bytes()
        # The same record as an upload on the web page: the file's fingerprint tells the same
        # file again, whichever side imported it first (its rows have no key to update by).
        batch = ConsultationImport(
            file_name=file.name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            allow_duplicate=allow_duplicate,
            command_user=_server_user(),
            user=admin,
        )
        warning = batch.duplicate_warning
        if warning and not (allow_duplicate or dry_run):
            raise CommandError(
                f"{warning}それでも取り込むときは --allow-duplicate を付けてください。何も取り込んでいません。"
            )
        if warning:
            self.stderr.write(warning)
        result = importing.parse(data, file.name)
        if not result.ok:
            self.write_errors(result.error_lines())
            self.stdout.write(f"created 0, errors {len(result.errors)}")
            raise CommandError(NOTHING_IMPORTED)
        if not dry_run:
            with transaction.atomic():
                batch.save()  # first, so that the records name it
                importing.save(result, batch=batch)
                batch.rows, batch.created = len(result.rows), result.created
                batch.status, batch.phase = ConsultationImport.Status.DONE, "完了"
                batch.finished_at = timezone.now()
                batch.save()
        self.stdout.write(
            f"created {0 if dry_run else result.created}, rows {len(result.rows)}, errors 0"
            + (" (dry run)" if dry_run else "")
        )
