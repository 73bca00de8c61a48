from django.db import migrations

from resources import reference


def load_reference(apps, schema_editor):
    # Idempotent: adds the care kinds of the national list that 0002 did not have yet.
    reference.load(
        apps.get_model("resources", "FacilityKind"),
        apps.get_model("resources", "Capability"),
        apps.get_model("resources", "Specialty"),
    )


class Migration(migrations.Migration):
    dependencies = [("resources", "0005_import_records")]
    operations = [migrations.RunPython(load_reference, migrations.RunPython.noop)]
