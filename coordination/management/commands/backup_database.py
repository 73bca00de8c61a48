"""`manage.py backup_database [--dir backups] [--keep 14]`: a pg_dump in custom format of the
portal's PostgreSQL database, named by date and time; the oldest beyond --keep generations are
removed from that folder. Copy the folder off the host as well (docs/security.md)."""

import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def pg_env_and_args(db):
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def pg_tool(name):
    """pg_dump/pg_restore/createdb of the same major version as the server when PGBIN says."""
    folder = os.environ.get("PGBIN")
    return str(Path(folder) / name) if folder else name


class Command(BaseCommand):
    help = "PostgreSQLのデータベースをバックアップします（pg_dump カスタム形式、世代管理）。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=os.environ.get("BACKUP_DIR", "backups"))
        parser.add_argument("--keep", type=int, default=int(os.environ.get("BACKUP_KEEP", "14")))

    def handle(self, *args, dir, keep, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "バックアップは PostgreSQL の場合だけ使えます（SQLite はファイルを複製してください）。"
            )
        db = settings.DATABASES["default"]
        folder = Path(dir)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{db['NAME']}-{timezone.localtime():%Y%m%d-%H%M%S-%f}.dump"
        env, conn = pg_env_and_args(db)
        subprocess.run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", *conn, db["NAME"]],
            check=True,
            env=env,
        )
        dumps = sorted(folder.glob(f"{db['NAME']}-*.dump"))
        for old in dumps[: max(0, len(dumps) - keep)]:
            old.unlink()
        self.stdout.write(
            f"{target} ({target.stat().st_size:,} bytes); {min(len(dumps), keep)} generations kept"
        )
