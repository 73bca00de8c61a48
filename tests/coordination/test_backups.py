"""Backups and restores on SQLite (the embedded default); `.ci/backup-drill` runs the whole drill
(demo city, generations, restore, migrate --check, row counts) on both databases in `make test`."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def manage(database, *args):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}")
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, cwd=ROOT
    )


def test_sqlite_backups_keep_generations_and_a_restore_goes_into_a_new_file_and_is_checked(tmp_path):
    live = tmp_path / "portal.sqlite3"
    with sqlite3.connect(live) as db:
        db.execute("CREATE TABLE note (text varchar)")
        db.executemany("INSERT INTO note VALUES (?)", [("一",), ("二",)])
    db.close()
    folder = tmp_path / "backups"
    for _ in range(3):
        done = manage(live, "backup_database", "--dir", str(folder), "--keep", "2")
        assert done.returncode == 0, done.stderr
    backups = sorted(folder.glob("portal-*.sqlite3"))
    assert len(backups) == 2
    with sqlite3.connect(backups[-1]) as copy:
        assert copy.execute("SELECT count(*) FROM note").fetchone()[0] == 2
    copy.close()

    over_live = manage(live, "restore_database", str(backups[-1]), "--into", str(live))
    assert over_live.returncode != 0 and "稼働中のデータベースには復元できません" in over_live.stderr
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"")
    over_file = manage(live, "restore_database", str(backups[-1]), "--into", str(existing))
    assert over_file.returncode != 0 and "上書きしません" in over_file.stderr
    # The restored copy is checked with migrate --check: this bare database has no migrations.
    restored = tmp_path / "restored" / "portal.sqlite3"
    checked = manage(live, "restore_database", str(backups[-1]), "--into", str(restored))
    assert checked.returncode != 0 and "マイグレーションが一致しません" in checked.stderr
    assert restored.exists()
