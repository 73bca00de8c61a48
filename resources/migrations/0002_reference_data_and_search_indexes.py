from django.db import migrations

from resources import reference
from resources.migrations import _grams_sql as grams

# PostgreSQL only: pg_trgm for terms of 3+ characters, and a GIN index over the 1/2-grams for
# the short terms trigram cannot serve. The database must be in a UTF-8 locale (C.UTF-8 or
# ja_JP.UTF-8): in a plain C locale pg_trgm extracts no Japanese trigrams.
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS facility_search_trgm ON resources_facility "
    "USING gin (search_text gin_trgm_ops)",
    # Every 1- and 2-character gram of a text (the '|' field separator excluded). Not inlined
    # by the planner (it has a FROM), so queries match the index expression exactly. Replaced by
    # a cheaper body in 0007; both live in _grams_sql.
    grams.SLOW,
    "CREATE INDEX IF NOT EXISTS facility_search_grams ON resources_facility "
    "USING gin (portal_grams(search_text))",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS facility_search_grams",
    "DROP FUNCTION IF EXISTS portal_grams(text)",
    "DROP INDEX IF EXISTS facility_search_trgm",
]


def load_reference(apps, schema_editor):
    reference.load(
        apps.get_model("resources", "FacilityKind"),
        apps.get_model("resources", "Capability"),
        apps.get_model("resources", "Specialty"),
    )


def pg_forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)


def pg_backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [
        migrations.RunPython(load_reference, migrations.RunPython.noop),
        migrations.RunPython(pg_forward, pg_backward),
    ]
