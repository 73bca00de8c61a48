"""The 相談内容 tree and the 相談者 types a new database starts with (consultations.reference)."""

# Hand-written: .ci/squash-migrations keeps this file when it regenerates the migrations.

from django.db import migrations

from consultations import reference


def load(apps, schema_editor):
    reference.load(apps.get_model("consultations", "Topic"), apps.get_model("consultations", "ConsultantType"))


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
