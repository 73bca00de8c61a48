from django.db import migrations

from training import reference


def load(apps, schema_editor):
    reference.load(
        apps.get_model("training", "EventFormat"),
        apps.get_model("training", "TaskTemplate"),
        apps.get_model("training", "TaskTemplateItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
