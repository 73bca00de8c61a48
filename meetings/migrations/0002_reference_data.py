"""The meeting kinds (協議体 included) and 課題 categories a new database starts with (meetings.reference)."""

# Hand-written: .ci/squash-migrations keeps this file when it regenerates the migrations.

from django.db import migrations

from meetings import reference


def load(apps, schema_editor):
    reference.load(apps.get_model("meetings", "MeetingKind"), apps.get_model("meetings", "IssueCategory"))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
