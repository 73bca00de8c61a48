"""協議体 (生活支援体制整備事業) joined meetings.reference.KINDS: add it to databases made before."""

from django.db import migrations

from meetings import reference


def add_kyogitai(apps, schema_editor):
    MeetingKind = apps.get_model("meetings", "MeetingKind")
    MeetingKind.objects.get_or_create(
        name="協議体", defaults={"sort_order": reference.KINDS.index("協議体") * 10}
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_ward_targets_and_evaluation_narrative")]
    operations = [migrations.RunPython(add_kyogitai, migrations.RunPython.noop)]
