"""Set-based inserts and updates for the imports. On PostgreSQL the rows go through COPY (the
ORM's bulk_create compiles every value in Python, which costs more than the database's own
work at 100,000 rows); elsewhere (SQLite for `make run`) the ORM's bulk methods are used.

Rows are dicts {attname: Python value} holding every column the statement writes."""

import gc
import itertools
import json
import operator
import queue
import sys
import threading

from django.db import connection, connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL


def _json_columns(model):
    return {f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)}


def _json_dumper():
    """json.dumps that remembers the text of lists of strings: the JSON column an import
    writes (manual fields) repeats a handful of values over 100,000 rows."""
    texts = {}

    def dump(value):
        if not (isinstance(value, list) and all(type(item) is str for item in value)):
            return json.dumps(value, ensure_ascii=False)
        key = tuple(value)
        text = texts.get(key)
        if text is None:
            text = json.dumps(value, ensure_ascii=False)
            if len(texts) < 10_000:
                texts[key] = text
        return text

    return dump


def _copy(cursor, sql, model, columns, rows, meanwhile=None):
    """COPY rows with `sql`: (id, row) pairs, the id then `columns` of the row in order.
    `meanwhile()` runs after the last row is sent, while the server is still inserting (and
    indexing) them."""
    json_columns = _json_columns(model)
    dump = _json_dumper()
    if not json_columns & set(columns):
        getter = operator.itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    else:
        flags = [c in json_columns for c in columns]

        def getter(row):
            return [dump(row[c]) if f else row[c] for c, f in zip(columns, flags, strict=True)]

    with cursor.cursor.copy(sql) as copy:
        for pk, row in rows:
            copy.write_row((pk, *getter(row)))
        if meanwhile:
            meanwhile()


_INTEGER_TYPES = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def _array_literal(values):
    """PostgreSQL's text form of an array, every element quoted: `{"a","b \\"c\\""}`."""
    return "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def in_list(model, field, values):
    """A filter `field IN values`: on PostgreSQL one array parameter (`= ANY(%s)`), because
    Django builds, sends and the server parses one placeholder per value, which costs more
    than the lookup itself for the 2,000 keys of an import chunk; elsewhere a plain __in.
    The array goes as one string in PostgreSQL's array syntax, cast on the server: Django's
    cursors bind on the client, and psycopg quoted a Python list element by element (10 ms
    for 2,000 codes, about as long as the lookup)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": values})
    quote = connection.ops.quote_name
    model_field = model._meta.get_field(field)
    target = getattr(model_field, "target_field", model_field)  # a ForeignKey compares as its target
    array_type = "bigint[]" if target.get_internal_type() in _INTEGER_TYPES else "text[]"
    column = f"{quote(model._meta.db_table)}.{quote(model_field.column)}"
    return Q(
        RawSQL(
            f"{column} = ANY(%s::{array_type})",
            [_array_literal(values)],
            output_field=models.BooleanField(),
        )
    )


def blank_row(model):
    """Every column of a new instance with its Python default (what the ORM would insert)."""
    instance = model()
    return {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields if not f.primary_key}


class IdPool:
    """Primary keys of a table drawn from its sequence ahead of need, in blocks that grow with
    the rows already taken: an import of 100,000 rows asks the sequence ten times instead of
    fifty. Ids left at the end are never used (gaps, as a rolled-back insert leaves)."""

    def __init__(self, model, largest_block=10_000):
        self.table = model._meta.db_table
        self.largest_block = largest_block
        self.sequence = None
        self.ids = []
        self.taken = 0

    def take(self, n):
        if len(self.ids) < n:
            wanted = max(n - len(self.ids), min(self.largest_block, 4 * self.taken))
            with connection.cursor() as cursor:
                if self.sequence is None:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [self.table])
                    self.sequence = cursor.fetchone()[0]
                # The sequence as a constant: nextval(pg_get_serial_sequence(…)) looks the
                # sequence up again for every row, which costs ten times the nextval.
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [self.sequence, wanted]
                )
                self.ids += [row[0] for row in cursor.fetchall()]
        taken, self.ids = self.ids[:n], self.ids[n:]
        self.taken += n
        return taken


def _same_columns(model, rows):
    """COPY sends the same columns for every row: where rows name different columns, each
    gets the ones it lacks with the model's default."""
    keys = rows[0].keys()
    if all(row.keys() == keys for row in rows):
        return rows
    blank = blank_row(model)
    columns = set().union(*rows)
    return [row if row.keys() == columns else {**{c: blank[c] for c in columns}, **row} for row in rows]


def insert(model, rows, batch_size=1000, ids=None, meanwhile=None):
    """Insert the rows; returns their new primary keys in order, drawn from the IdPool `ids`
    (a new one when None). Columns that no row names are left to the database's default (a
    model field's db_default). `meanwhile(new ids)` is work for the caller to do while
    PostgreSQL is still inserting the rows (elsewhere it runs after them)."""
    if not rows:
        if meanwhile:
            meanwhile([])
        return []
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=batch_size)
        if meanwhile:
            meanwhile([o.pk for o in objects])
        return [o.pk for o in objects]
    rows = _same_columns(model, rows)
    columns = list(rows[0])
    quote = connection.ops.quote_name
    new_ids = (ids or IdPool(model)).take(len(rows))
    sql = f"COPY {quote(model._meta.db_table)} (id, {', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        _copy(
            cursor,
            sql,
            model,
            columns,
            zip(new_ids, rows, strict=True),
            meanwhile=meanwhile and (lambda: meanwhile(new_ids)),
        )
    return new_ids


def insert_each(model, field, values, varying=None, later=False, **constants):
    """One row per value of `field` (an integer column), the other columns the same in every
    row (attname=value) but for `varying`: (attname, [its value for each row]), which takes a
    few distinct values. On PostgreSQL one INSERT … SELECT over the values as arrays: the change
    log of an import is 100,000 rows that differ only in the facility and a handful of sets of
    changed fields, and formatting them for COPY in Python cost more than the server's insert.
    Columns not named are left to the database's default, as in insert(). `later`: return
    the statement as a function to call, prepared (an import prepares it while PostgreSQL
    is still busy with the chunk's facilities)."""
    statement = _each_statement(model, field, values, varying, constants)
    return statement if later else statement()


def _each_statement(model, field, values, varying, constants):
    if not values:
        return lambda: None
    name, per_row = varying or (None, None)
    if connection.vendor != "postgresql":
        objects = [
            model(**{field: v}, **({name: per_row[i]} if name else {}), **constants)
            for i, v in enumerate(values)
        ]

        def create():
            model.objects.bulk_create(objects, batch_size=1000)

        return create
    quote = connection.ops.quote_name
    target = model._meta.get_field(field)
    others = [model._meta.get_field(n) for n in constants]
    columns = [target.column]
    select = ["u.v"]
    params = []
    arrays = [_array_literal(values)]
    if name:
        varied = model._meta.get_field(name)
        keys = [tuple(v) if isinstance(v, list) else v for v in per_row]
        distinct = dict(zip(keys, per_row, strict=True))  # key → value, in first-seen order
        positions = {key: i for i, key in enumerate(distinct, start=1)}
        columns.append(varied.column)
        cast = varied.db_type(connection)
        select.append(f"(ARRAY[{', '.join([f'CAST(%s AS {cast})'] * len(distinct))}])[u.k]")
        params += [varied.get_db_prep_save(value, connection) for value in distinct.values()]
        arrays.append(_array_literal([positions[key] for key in keys]))
    columns += [f.column for f in others]
    select += [f"CAST(%s AS {f.db_type(connection)})" for f in others]
    params += [
        f.get_db_prep_save(value, connection) for f, value in zip(others, constants.values(), strict=True)
    ]
    unnest = "unnest(%s::bigint[], %s::int[]) AS u(v, k)" if name else "unnest(%s::bigint[]) AS u(v)"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT {', '.join(select)} FROM {unnest}"
    )

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *arrays])

    return run


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


_batch = {"users": 0, "switch": None, "gc": None}
_batch_lock = threading.Lock()
# Collect cycles only after this many more container objects are alive than at the last
# collection (700 by default). An import allocates and frees millions of small containers
# (rows, records, dicts); with 700 the collector ran about 900 times per 100,000 rows and
# took a tenth of the Python time, traversing chunks that were about to be freed anyway.
# At this threshold it does not run at all for such an import, yet still runs should
# something keep objects alive.
BATCH_GC_THRESHOLD = 100_000


def _batch_process_settings(step):
    """Process-wide settings for the length of a read_ahead. The caller waits on the database
    many times a chunk and needs the GIL back at once each time: with the default 5 ms
    switch interval every round trip could wait for the worker. And the cyclic garbage
    collector is made rarer (BATCH_GC_THRESHOLD). Both are process-wide, so they are set by
    the first read_ahead running and given back by the last (two imports in two threads of
    one process)."""
    with _batch_lock:
        if step > 0 and _batch["users"] == 0:
            _batch["switch"] = sys.getswitchinterval()
            _batch["gc"] = gc.get_threshold()
            sys.setswitchinterval(min(_batch["switch"], 0.0005))
            gc.set_threshold(max(_batch["gc"][0], BATCH_GC_THRESHOLD), *_batch["gc"][1:])
        _batch["users"] += step
        if step < 0 and _batch["users"] == 0:
            sys.setswitchinterval(_batch["switch"])
            gc.set_threshold(*_batch["gc"])


def read_ahead(items, chunk_size, depth=2, each=None):
    """The items in lists of `chunk_size`, read by a worker thread that stays at most `depth`
    lists ahead. An import spends about as long in Python parsing rows as PostgreSQL spends
    maintaining the indexes for the rows already sent, and psycopg releases the GIL while it
    waits for the server: with the parsing in a thread, the two overlap on two cores instead of
    taking turns. An exception raised in the worker is raised here, in the caller's thread.

    `each(list)`, when given, also runs in the worker, and its result is yielded instead of
    the list. Django's connections are per thread: `items` must not use the database, and
    `each` uses one of its own (outside the caller's transaction: it sees only committed
    data), which is closed when the worker ends."""
    lists = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(message):
        while not stop.is_set():
            try:
                lists.put(message, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work():
        try:
            iterator = iter(items)
            while chunk := list(itertools.islice(iterator, chunk_size)):
                if not put(("items", each(chunk) if each else chunk)):
                    return
            put(("end", None))
        except BaseException as exc:  # handed to the caller, which raises it
            put(("error", exc))
        finally:
            if each:
                connections.close_all()  # this thread's only

    worker = threading.Thread(target=work, name="read-ahead", daemon=True)
    _batch_process_settings(+1)
    worker.start()
    try:
        while True:
            kind, value = lists.get()
            if kind == "items":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        worker.join()
        _batch_process_settings(-1)
