"""Rendered page fragments cached per process, keyed by the versions of the data they show.

The directory search and the 月報 are read far more often than their data changes, and most of
their cost is rendering. A fragment's key holds everything it depends on: the query, what the
viewer may see, the day (and the minute, where "callable now" is shown) and the DataVersion of
its data. A write moves the version inside the writing transaction, so once it commits every
host asks for a new key; an old fragment is never served for new data, and no host needs to be
told. The cost of a hit is one small query (the versions) and a dictionary look-up.

Fragments with personal data (consultations) are never cached here.

Versions move (the table in docs/architecture.md):
- "directory": database triggers on the facility tables and their lookups (any write, from the
  portal, the admin, an import's COPY or SQL), resources migration 0008;
- "tallies:<center id>": consultations.tallies.recount, inside the center's lock;
- "consultation-reference" (centers, closed days, 相談者区分, 相談内容) and "people" (users):
  triggers, consultations migration 0006 and coordination migration 0005."""

import hashlib

from django.core.cache import cache
from django.db import connection

from coordination.models import DataVersion

TIMEOUT = 10 * 60  # seconds; versions make fragments exact, the timeout only bounds memory


def versions(*names):
    """{name: version} for `names` in one query (0 for a data set never written)."""
    found = dict(DataVersion.objects.filter(name__in=names).values_list("name", "version"))
    return {name: found.get(name, 0) for name in names}


# The one statement that moves a version: from Python (`bump`), the PostgreSQL trigger function
# and the SQLite triggers, each with its own way of naming the data set.
UPSERT = (
    "INSERT INTO coordination_dataversion (name, version) VALUES ({name}, 1) "
    "ON CONFLICT (name) DO UPDATE SET version = coordination_dataversion.version + 1"
)


def bump(*names):
    """Moves the versions of `names` (call it inside the writing transaction, after the write)."""
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(UPSERT.format(name="%s"), [name])


# Small lookup tables held as Python objects, per process: {name: (version, value)}.
_HELD = {}


def held(name, version, load):
    """`load()` once per process for each version of the data set it reads (lookup tables of a
    few dozen rows that pages would otherwise query and instantiate on every request)."""
    entry = _HELD.get(name)
    if entry is None or entry[0] != version:
        entry = (version, load())
        _HELD[name] = entry
    return entry[1]


def clear():
    """Forgets every cached fragment and held table (tests: a new database restarts versions)."""
    _HELD.clear()
    cache.clear()


def key(*parts):
    digest = hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=20).hexdigest()
    return f"fragment:{digest}"


def get_or_render(parts, render):
    """The cached fragment for `parts` (which must include the data versions), or render() stored."""
    cache_key = key(*parts)
    html = cache.get(cache_key)
    if html is None:
        html = render()
        cache.set(cache_key, html, TIMEOUT)
    return html


# --- triggers (used by migrations) ---------------------------------------------------------------

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION portal_bump_version() RETURNS trigger AS $$
BEGIN
  {UPSERT.format(name="TG_ARGV[0]")};
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


def version_trigger_operation(name, tables):
    """The migration operation that installs the triggers moving DataVersion `name` on every write
    to `tables` (and drops them when the migration is reversed)."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        version_triggers(schema_editor, name, tables)

    def backwards(apps, schema_editor):
        version_triggers(schema_editor, name, tables, drop=True)

    return migrations.RunPython(forwards, backwards)


def version_triggers_around_rebuild(name, tables):
    """SQLite alters a column by rebuilding its table, which drops the table's triggers: the two
    operations to put first and last in such a migration, reinstalling the triggers of
    DataVersion `name` after the rebuilds in either direction."""
    from django.db import migrations

    def reinstall(apps, schema_editor):
        version_triggers(schema_editor, name, tables)

    noop = migrations.RunPython.noop
    return migrations.RunPython(noop, reinstall), migrations.RunPython(reinstall, noop)


def version_triggers(schema_editor, name, tables, drop=False):
    """Creates (or drops) triggers that move DataVersion `name` on every write to `tables`:
    once per statement on PostgreSQL (an import's COPY moves it once), per row on SQLite."""
    vendor = schema_editor.connection.vendor
    safe = "".join(ch if ch.isalnum() else "_" for ch in name)
    for table in tables:
        trigger = f"portal_version_{safe}_{table}"[:63]
        if vendor == "postgresql":
            statements = [f"DROP TRIGGER IF EXISTS {trigger} ON {table}"]
            if not drop:
                statements.append(
                    f"CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION portal_bump_version('{name}')"
                )
        elif vendor == "sqlite":
            statements = []
            for event in ("INSERT", "UPDATE", "DELETE"):
                statements.append(f"DROP TRIGGER IF EXISTS {trigger}_{event.lower()}")
                if not drop:
                    statements.append(
                        f"CREATE TRIGGER {trigger}_{event.lower()} AFTER {event} ON {table} "
                        f"BEGIN {UPSERT.format(name=repr(name))}; END"
                    )
        else:  # another database: no triggers, so no fragment of this data may be cached
            raise NotImplementedError(f"version triggers for {vendor}")
        for statement in statements:
            schema_editor.execute(statement)
