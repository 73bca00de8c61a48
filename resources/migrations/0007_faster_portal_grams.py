"""portal_grams without generate_series: every character, then the 2-grams at even and at odd
offsets, each cut by regexp_replace + string_to_array (C code). About 8× cheaper per row, which
is what an import of 100,000 rows pays for the expression index (see docs/performance.md).
GIN removes repeated keys itself, so no DISTINCT; the grams across the '|' field separator are
harmless (search terms are normalised and contain none). plpgsql so that the planner never
inlines it: queries keep matching the index expression."""

from django.db import migrations

from resources.migrations import _grams_sql as grams


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(grams.FAST)
        schema_editor.execute("REINDEX INDEX facility_search_grams")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(grams.SLOW)
        schema_editor.execute("REINDEX INDEX facility_search_grams")


class Migration(migrations.Migration):
    dependencies = [("resources", "0006_more_national_kinds")]
    operations = [migrations.RunPython(forward, backward)]
