"""PostgreSQL only: one GIN index over the tsvector of search_text's 2-grams (portal_bigrams, see
_grams_sql) serves every search term, and replaces both the pg_trgm index (terms of 3+
characters) and the text[] index of 1- and 2-grams (portal_grams). Same results; an import
writes about 40% of the index entries it did, and searches read comparable or fewer index
pages (figures and the reasons in docs/performance.md and docs/architecture.md). The pg_trgm
extension stays installed."""

from django.db import migrations

from resources.migrations import _grams_sql as grams

FORWARD = [
    grams.BIGRAMS,
    # A one-off build over the whole table: enough memory to sort it in one pass.
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX IF NOT EXISTS facility_search_bigrams ON resources_facility "
    "USING gin (portal_bigrams(search_text))",
    "DROP INDEX IF EXISTS facility_search_grams",
    "DROP FUNCTION IF EXISTS portal_grams(text)",
    "DROP INDEX IF EXISTS facility_search_trgm",
]
BACKWARD = [
    grams.FAST,
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX IF NOT EXISTS facility_search_grams ON resources_facility "
    "USING gin (portal_grams(search_text))",
    "CREATE INDEX IF NOT EXISTS facility_search_trgm ON resources_facility USING gin (search_text gin_trgm_ops)",
    "DROP INDEX IF EXISTS facility_search_bigrams",
    "DROP FUNCTION IF EXISTS portal_bigrams(text)",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("resources", "0009_search_tags")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
