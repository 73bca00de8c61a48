"""Writes a normalised picture of the configured database (DATABASE_URL) into OUTDIR, so that two
migration histories can be compared with diff (used by .ci/compare-schemas):

  schema.txt   SQLite: sqlite_master, one line per table item (column or table constraint), index
               and trigger; PostgreSQL: pg_dump --schema-only, one block per object, the lines of
               a CREATE TABLE sorted. Column order is left out here (it follows the history: a
               column added later sits at the end), so that the diff shows what differs in kind.
  columns.txt  each table's columns in their physical order (informational).
  data.txt     every row of every table except django_migrations (columns by name, rows sorted),
               and on PostgreSQL each sequence's last value.
  migrations.txt  the applied migrations (informational: these differ by design after a squash).

Run from the checkout whose settings to use:  python .ci/schema_snapshot.py OUTDIR
(PostgreSQL needs PGBIN for pg_dump, as .ci/with-postgres exports it)."""

import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


def split_top_level(text):
    """Splits a column list at the commas outside parentheses and quotes."""
    items, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [" ".join(item.split()) for item in items if item.strip()]


def sqlite_schema():
    lines, columns = [], []
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        rows = cursor.fetchall()
        for kind, name, table, sql in rows:
            if kind == "table" and sql:
                head, _, body = sql.partition("(")
                body = body[: body.rstrip().rfind(")")]
                for item in sorted(split_top_level(body)):
                    lines.append(f"table {name}: {item}")
                cursor.execute(f'PRAGMA table_info("{name}")')
                columns.append(f"{name}: " + ", ".join(row[1] for row in cursor.fetchall()))
            else:
                lines.append(f"{kind} {name} on {table}: {' '.join((sql or '(auto)').split())}")
    return sorted(lines), columns


HEADER = re.compile(r"^--\n-- (?:Name|Data for Name): .*?\n--\n", re.M)


def postgres_schema():
    settings = connection.settings_dict
    env = dict(os.environ, PGPASSWORD=settings.get("PASSWORD") or "")
    dump = subprocess.run(
        [
            str(Path(os.environ.get("PGBIN", "/usr/bin")) / "pg_dump"),
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"],
            settings["NAME"],
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    blocks = []
    for block in HEADER.split(dump)[1:]:  # [0] is the preamble (SET …), the same for any schema
        # \restrict and \unrestrict carry a random key per dump; "--" lines are comments.
        block = "\n".join(
            line.rstrip()
            for line in block.strip().splitlines()
            if line.strip() and not line.startswith(("\\restrict", "\\unrestrict", "--"))
        )
        match = re.match(r"(CREATE TABLE \S+ \(\n)(.*?)(\n\);)", block, re.S)
        if match:
            items = sorted(line.strip().rstrip(",") for line in match.group(2).splitlines())
            block = match.group(1) + "\n".join(f"    {item}" for item in items) + match.group(3)
        blocks.append(block)
    columns = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, string_agg(column_name, ', ' ORDER BY ordinal_position)"
            " FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name ORDER BY 1"
        )
        columns = [f"{table}: {names}" for table, names in cursor.fetchall()]
    return sorted(blocks), columns


def data():
    lines = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            tables = [row[0] for row in cursor.fetchall()]
        else:
            tables = sorted(connection.introspection.table_names(cursor))
        for table in tables:
            if table == "django_migrations":
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            names = [column[0] for column in cursor.description]
            order = sorted(range(len(names)), key=names.__getitem__)
            if table == "auth_permission":
                # Made by post_migrate on every migrate, in the order the models appear in the
                # migrations, and referred to by nothing a fresh database holds: compared without ids.
                order.remove(names.index("id"))
            rows = sorted(
                "; ".join(f"{names[i]}={row[i]!r}" for i in order)
                for row in cursor.fetchall()
                # A table SQLite rebuilt keeps a row of 0 here, which means the same as none; the
                # migrations' own counter differs by design (migrations.txt).
                if not (table == "sqlite_sequence" and (row[1] == 0 or row[0] == "django_migrations"))
            )
            lines.append(f"== {table} ({len(rows)} rows)")
            lines.extend(rows)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
            lines.append("== sequences (last value)")
            lines.extend(
                f"{name}={value}" for name, value in cursor.fetchall() if name != "django_migrations_id_seq"
            )
    return lines


def migrations():
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    schema, columns = sqlite_schema() if connection.vendor == "sqlite" else postgres_schema()
    for name, lines in {
        "schema.txt": schema,
        "columns.txt": columns,
        "data.txt": data(),
        "migrations.txt": migrations(),
    }.items():
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
