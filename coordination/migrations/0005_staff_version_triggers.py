"""Writes to the user table move DataVersion "people" (lists of staff in cached filter forms,
coordination.fragments)."""

from django.db import migrations

from coordination.fragments import version_trigger_operation

TABLES = ["coordination_user"]


class Migration(migrations.Migration):
    dependencies = [("coordination", "0004_data_version")]
    operations = [version_trigger_operation("people", TABLES)]
