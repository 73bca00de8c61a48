from django.db import migrations

from resources import reference

# PostgreSQL only: pg_trgm for terms of 3+ characters, and a GIN index over the 1/2-grams for
# the short terms trigram cannot serve. The database must be in a UTF-8 locale (C.UTF-8 or
# ja_JP.UTF-8): in a plain C locale pg_trgm extracts no Japanese trigrams.
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS facility_search_trgm ON resources_facility "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS facility_search_grams ON resources_facility "
    "USING gin (string_to_array(search_grams, ' '))",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS facility_search_grams",
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
