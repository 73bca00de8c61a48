"""The common words for the professions there are (ケアマネジャー, Ns, Dr, 訪看 …), so that a FAX
sign-up sheet typed as written is accepted (training.reference.PROFESSION_ALIASES)."""

from django.db import migrations

from training import reference


def load(apps, schema_editor):
    reference.load_profession_aliases(apps.get_model("coordination", "Profession"))


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_reference_data"),
        # The field the aliases go into.
        ("coordination", "0004_profession_aliases"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
