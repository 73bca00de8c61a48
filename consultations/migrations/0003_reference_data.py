from django.db import migrations

from consultations import reference


def load(apps, schema_editor):
    reference.load(apps.get_model("consultations", "Topic"), apps.get_model("consultations", "ConsultantType"))


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
