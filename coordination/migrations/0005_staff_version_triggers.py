"""Writes to the user table move DataVersion "people" (lists of staff in cached filter forms,
coordination.fragments)."""

from django.db import migrations

from coordination.fragments import version_triggers

TABLES = ["coordination_user"]


def forwards(apps, schema_editor):
    version_triggers(schema_editor, "people", TABLES)


def backwards(apps, schema_editor):
    version_triggers(schema_editor, "people", TABLES, drop=True)


class Migration(migrations.Migration):
    dependencies = [("coordination", "0004_data_version")]
    operations = [migrations.RunPython(forwards, backwards)]
