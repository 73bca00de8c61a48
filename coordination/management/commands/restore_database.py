"""`manage.py restore_database FILE --into TARGET`: restores a backup into a NEW database (never
over the live one), then checks it: `migrate --check` against the restored database, and the row
count of every table compared with the database the backup was taken from (the configured one;
--no-compare skips it). Exits non-zero on any difference.

PostgreSQL: TARGET is the name of a database to create (pg_restore). SQLite: TARGET is the path of
a new file, written with SQLite's backup API from FILE."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from coordination.management.commands.backup_database import pg_env_and_args, pg_tool, sqlite_copy


def row_counts(alias):
    with connections[alias].cursor() as cursor:
        tables = sorted(connections[alias].introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


class Command(BaseCommand):
    help = "バックアップを新しいデータベースに復元し、migrate --check と全テーブルの件数比較で確かめます。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--into",
            required=True,
            help="復元先: PostgreSQL は新しいデータベース名、SQLite は新しいファイルのパス（既存なら中止）",
        )
        parser.add_argument("--no-compare", action="store_true", help="元のデータベースとの件数比較をしない")

    def handle(self, *args, file, into, no_compare=False, **options):
        vendor = connection.vendor
        db = settings.DATABASES["default"]
        if not Path(file).is_file():
            raise CommandError(f"バックアップファイルが見つかりません: {file}")
        if vendor == "sqlite":
            url = self._restore_sqlite(db, file, into)
        elif vendor == "postgresql":
            url = self._restore_postgresql(db, file, into)
        else:
            raise CommandError("復元は PostgreSQL と SQLite の場合に使えます。")
        connections.databases["restored"] = {**db, "NAME": into}
        try:
            self._check(url, into, no_compare)
        finally:
            connections["restored"].close()
            del connections["restored"]
            del connections.databases["restored"]

    def _restore_sqlite(self, db, file, into):
        target, live = Path(into).resolve(), Path(str(db["NAME"])).resolve()
        if target == live:
            raise CommandError(
                "稼働中のデータベースには復元できません。新しいファイルのパスを指定してください。"
            )
        if target.exists():
            raise CommandError(f"復元先のファイルがすでにあります（上書きしません）: {into}")
        target.parent.mkdir(parents=True, exist_ok=True)
        sqlite_copy(file, str(target))
        return f"sqlite:///{target}"

    def _restore_postgresql(self, db, file, into):
        if into == db["NAME"]:
            raise CommandError(
                "稼働中のデータベースには復元できません。新しいデータベース名を指定してください。"
            )
        env, conn = pg_env_and_args(db)
        subprocess.run(
            [pg_tool("createdb"), *conn, "-E", "UTF8", "-T", "template0", into], check=True, env=env
        )
        subprocess.run(
            [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", *conn, "-d", into, file],
            check=True,
            env=env,
        )
        return self._url(db, into)

    def _check(self, url, into, no_compare):
        check = subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "migrate", "--check"],
            env=dict(os.environ, DATABASE_URL=url),
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            raise CommandError(
                f"復元したデータベースのマイグレーションが一致しません:\n{check.stdout}{check.stderr}"
            )
        restored = row_counts("restored")
        self.stdout.write(
            f"restored into {into}: {len(restored)} tables, {sum(restored.values()):,} rows; migrate --check OK"
        )
        if not no_compare:
            original = row_counts("default")
            differences = {
                t: (original.get(t), restored.get(t))
                for t in sorted(set(original) | set(restored))
                if original.get(t) != restored.get(t)
            }
            if differences:
                raise CommandError(f"件数が一致しないテーブルがあります: {differences}")
            self.stdout.write(f"row counts identical in all {len(original)} tables")

    @staticmethod
    def _url(db, name):
        user = db.get("USER") or ""
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        at = "@" if user else ""
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{user}{password}{at}{db.get('HOST') or ''}{port}/{name}"
