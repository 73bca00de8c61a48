"""`manage.py backup_database [--dir backups] [--keep 14]`: a backup of the portal's database named
by date and time; the oldest beyond --keep generations are removed from that folder. PostgreSQL:
pg_dump in custom format (`<name>-YYYYmmdd-HHMMSS-ffffff.dump`). SQLite: a consistent copy made with
SQLite's online backup API while the portal keeps running (`<file stem>-….sqlite3`). Copy the
folder off the host as well (docs/security.md)."""

import os
import sqlite3
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


def sqlite_copy(source, target):
    """Copies one SQLite database file into a new one with the online backup API (pages copied
    under SQLite's own locking, so writers may go on), then checks the copy's integrity."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
    src.close()
    dst.close()
    if result != "ok":
        raise CommandError(f"複製したデータベースの整合性検査に失敗しました: {result}")


def backup_name(db, vendor):
    """(prefix, suffix) of this database's backup files."""
    if vendor == "sqlite":
        return Path(str(db["NAME"])).stem, ".sqlite3"
    return db["NAME"], ".dump"


class Command(BaseCommand):
    help = "データベースをバックアップします（PostgreSQL は pg_dump カスタム形式、SQLite はバックアップAPI。世代管理）。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=os.environ.get("BACKUP_DIR", "backups"))
        parser.add_argument("--keep", type=int, default=int(os.environ.get("BACKUP_KEEP", "14")))

    def handle(self, *args, dir, keep, **options):
        vendor = connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise CommandError("バックアップは PostgreSQL と SQLite の場合に使えます。")
        if keep < 1:
            raise CommandError("--keep は1以上を指定してください。")
        db = settings.DATABASES["default"]
        folder = Path(dir)
        folder.mkdir(parents=True, exist_ok=True)
        prefix, suffix = backup_name(db, vendor)
        target = folder / f"{prefix}-{timezone.localtime():%Y%m%d-%H%M%S-%f}{suffix}"
        if vendor == "sqlite":
            sqlite_copy(str(db["NAME"]), str(target))
        else:
            env, conn = pg_env_and_args(db)
            subprocess.run(
                [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", *conn, db["NAME"]],
                check=True,
                env=env,
            )
        dumps = sorted(folder.glob(f"{prefix}-*{suffix}"))
        for old in dumps[: max(0, len(dumps) - keep)]:
            old.unlink()
        self.stdout.write(
            f"{target} ({target.stat().st_size:,} bytes); {min(len(dumps), keep)} generations kept"
        )
