"""The ways old sheets write a 相談者区分 that a database starts with (consultations.reference)."""

# Hand-written: .ci/squash-migrations keeps this file when it regenerates the migrations.

from django.db import migrations

from consultations import reference


def load(apps, schema_editor):
    reference.load_type_synonyms(
        apps.get_model("consultations", "ConsultantType"), apps.get_model("consultations", "ConsultantTypeSynonym")
    )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0010_consultant_type_synonyms")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
