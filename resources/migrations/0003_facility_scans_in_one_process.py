"""On PostgreSQL, scans of the facility table run in the backend that asked for them, without
parallel workers (the table's `parallel_workers` storage parameter).

A directory search reads a few thousand rows at most (the 2-gram index's matches, a kind's or a
capability's facilities). The planner counts the 2-gram recheck (portal_bigrams, declared costly
so that it is never run row by row over the table) on every row of a bitmap scan, although it
runs only for a lossy page, and so splits such scans over a worker: starting that worker costs
more than the scan itself (docs/performance.md), and it takes a core from the other requests."""

# Hand-written: .ci/squash-migrations keeps this file when it regenerates the migrations.

from django.db import migrations


def run(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_reference_data_and_search_index")]
    operations = [
        migrations.RunPython(
            run("ALTER TABLE resources_facility SET (parallel_workers = 0)"),
            run("ALTER TABLE resources_facility RESET (parallel_workers)"),
        ),
    ]
