from django.db import migrations
from django.db.models import Max, Min

from consultations import tallies


def fill(apps, schema_editor):
    Consultation = apps.get_model("consultations", "Consultation")
    models = (
        Consultation,
        apps.get_model("consultations", "ConsultationTopic"),
        apps.get_model("consultations", "Coordination"),
        apps.get_model("consultations", "DailyTally"),
    )
    span = Consultation.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    if span["first"] is None:
        return
    centers = set(Consultation.objects.values_list("center_id", flat=True).distinct())
    tallies.recount(models, centers, tallies.day_of(span["first"]), tallies.day_of(span["last"]))


class Migration(migrations.Migration):
    dependencies = [("consultations", "0004_daily_tallies")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
