"""The event formats, the 棚卸表 task templates and the supporter courses (認知症サポーター …) a new
database starts with (training.reference)."""

# Hand-written: .ci/squash-migrations keeps this file when it regenerates the migrations.

from django.db import migrations

from training import reference


def load(apps, schema_editor):
    reference.load(
        apps.get_model("training", "EventFormat"),
        apps.get_model("training", "TaskTemplate"),
        apps.get_model("training", "TaskTemplateItem"),
    )
    reference.load_supporter_courses(apps.get_model("training", "SupporterCourse"))


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
