"""SQLite (the embedded default) under concurrent writes: the lock is taken when a transaction
begins, and a wait past the busy timeout is the portal's 503 page (test_security.py)."""

import sqlite3

import pytest
from django.db import connection, connections, transaction


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
def test_sqlite_transactions_take_the_write_lock_when_they_begin(settings, tmp_path, django_db_blocker):
    assert settings.DATABASES["default"]["OPTIONS"]["timeout"] >= 5  # the busy timeout
    path = tmp_path / "busy.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x int)").connection.commit()
    connections.databases["busy"] = {**settings.DATABASES["default"], "NAME": str(path)}
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with (
            django_db_blocker.unblock(),
            transaction.atomic(using="busy"),
            connections["busy"].cursor() as cursor,
        ):
            cursor.execute("SELECT count(*) FROM t")
            # Nothing written yet, yet another writer is already kept out: the lock is taken at
            # BEGIN, so two saves queue behind each other (up to the busy timeout) instead of one
            # failing half-way when its read turns into a write.
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        with django_db_blocker.unblock():
            connections["busy"].close()
        del connections["busy"]
        del connections.databases["busy"]
