"""The rendered 月報 and filter forms are no longer cached, so nothing reads the
"consultation-reference" data version any more: the triggers of migration 0006 go. The SQL is
written out here (not taken from coordination.fragments) so that this migration keeps working
once that module is gone."""

from django.db import migrations

TABLES = [
    "coordination_center",
    "coordination_centerclosure",
    "consultations_consultanttype",
    "consultations_topic",
]


def drop(apps, schema_editor):
    for table in TABLES:
        trigger = f"portal_version_consultation_reference_{table}"[:63]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        else:  # SQLite names one trigger per event
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}_{event}")


class Migration(migrations.Migration):
    dependencies = [("consultations", "0006_report_reference_version_triggers")]
    operations = [migrations.RunPython(drop, migrations.RunPython.noop)]
