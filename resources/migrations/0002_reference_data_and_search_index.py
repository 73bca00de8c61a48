"""The reference lists the directory starts with (every kind of reference.KINDS, the 地域の活動 ones
included, with the search synonyms), and on PostgreSQL the search index: one GIN index over the
2-grams of search_text (portal_bigrams, see resources.search), which serves terms of every length,
1–2 characters included."""

# Hand-written: .ci/squash-migrations keeps this file when it regenerates the migrations.

from django.db import migrations

from resources import reference

# The 2-grams of t || '|' as a tsvector. Every character of the text starts one of them (the
# last one with the '|' added), so a 1-character term is a prefix query ('森':*) and a
# 2-character term a lexeme ('眼科'). A regexp_replace remainder of one character becomes a
# 1-character lexeme, which a prefix query matches correctly.
BIGRAMS = r"""CREATE OR REPLACE FUNCTION portal_bigrams(t text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$
BEGIN
  t := t || '|';
  RETURN array_to_tsvector(array_remove(
    string_to_array(regexp_replace(t, '(..)', E'\\1\x01', 'g'), E'\x01')
    || string_to_array(regexp_replace(substr(t, 2), '(..)', E'\\1\x01', 'g'), E'\x01'), ''));
END
$$"""
FORWARD = [
    BIGRAMS,
    "CREATE INDEX IF NOT EXISTS facility_search_bigrams ON resources_facility USING gin (portal_bigrams(search_text))",
]
BACKWARD = ["DROP INDEX IF EXISTS facility_search_bigrams", "DROP FUNCTION IF EXISTS portal_bigrams(text)"]


def load_reference(apps, schema_editor):
    reference.load(
        apps.get_model("resources", "FacilityKind"),
        apps.get_model("resources", "Capability"),
        apps.get_model("resources", "Specialty"),
        apps.get_model("resources", "SearchSynonym"),
    )


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]
    operations = [
        migrations.RunPython(load_reference, migrations.RunPython.noop),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
