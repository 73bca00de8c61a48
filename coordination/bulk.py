"""Set-based inserts and updates for the imports. On PostgreSQL the rows go through COPY (the
ORM's bulk_create compiles every value in Python, which costs more than the database's own
work at 100,000 rows); elsewhere (SQLite for `make run`) the ORM's bulk methods are used.

Rows are dicts {attname: Python value} holding every column the statement writes."""

import json

from django.db import connection, models


def _json_columns(model):
    return {f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)}


def _copy(cursor, sql, model, columns, rows):
    """COPY (id, row) pairs with `sql`: the id, then the row's `columns` in order."""
    json_columns = _json_columns(model)
    flags = [c in json_columns for c in columns]
    with cursor.cursor.copy(sql) as copy:
        for pk, row in rows:
            values = (
                json.dumps(row[c], ensure_ascii=False) if f else row[c]
                for c, f in zip(columns, flags, strict=True)
            )
            copy.write_row([pk, *values])


def blank_row(model):
    """Every column of a new instance with its Python default (what the ORM would insert)."""
    instance = model()
    return {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields if not f.primary_key}


def insert(model, rows, batch_size=1000):
    """Insert the rows; returns their new primary keys in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=batch_size)
        return [o.pk for o in objects]
    table = model._meta.db_table
    columns = list(rows[0])
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
        )
        ids = [row[0] for row in cursor.fetchall()]
        sql = f"COPY {quote(table)} (id, {', '.join(quote(c) for c in columns)}) FROM STDIN"
        _copy(cursor, sql, model, columns, zip(ids, rows, strict=True))
    return ids


def update(model, rows, batch_size=500):
    """Update the columns of each row ({"id": pk, column: value, …}; the same columns in all)."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != "id"]
    if connection.vendor != "postgresql":
        names = {f.attname: f.name for f in model._meta.concrete_fields}
        objects = [model(**row) for row in rows]
        model.objects.bulk_update(objects, [names[c] for c in columns], batch_size=batch_size)
        return
    table = model._meta.db_table
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE import_update AS SELECT id, {column_list} FROM {quote(table)} WITH NO DATA"
        )
        sql = f"COPY import_update (id, {column_list}) FROM STDIN"
        _copy(cursor, sql, model, columns, ((row["id"], row) for row in rows))
        assignments = ", ".join(f"{quote(c)} = u.{quote(c)}" for c in columns)
        cursor.execute(f"UPDATE {quote(table)} AS t SET {assignments} FROM import_update u WHERE t.id = u.id")
        cursor.execute("DROP TABLE import_update")
