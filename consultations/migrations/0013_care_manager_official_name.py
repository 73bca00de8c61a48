"""相談者区分 「ケアマネージャー」 is renamed to the official 「ケアマネジャー」 (介護支援専門員).

The row keeps its pk, so the consultations that name it and their tallies (kept by id) stay as
they are; an old sheet that writes ケアマネージャー still imports through a synonym. The 締め's
submitted figures are kept by label ([区分, 項目, n]): their label is renamed too, else every
closed month would show the line as 「提出後の修正」 although no figure changed."""

# Hand-written: .ci/squash-migrations keeps this file when it regenerates the migrations.

from django.db import migrations

OLD, NEW = "ケアマネージャー", "ケアマネジャー"
SECTION = "相談者"


def _relabel(MonthClosing, before, after):
    for closing in MonthClosing.objects.all():
        lines = [
            [section, after if (section, label) == (SECTION, before) else label, n]
            for section, label, n in closing.submitted
        ]
        if lines != closing.submitted:
            closing.submitted = lines
            closing.save(update_fields=["submitted"])


def _rename(apps, before, after):
    ConsultantType = apps.get_model("consultations", "ConsultantType")
    Synonym = apps.get_model("consultations", "ConsultantTypeSynonym")
    MonthClosing = apps.get_model("consultations", "MonthClosing")
    ctype = ConsultantType.objects.filter(name=before).first()
    if ctype is None or ConsultantType.objects.filter(name=after).exists():
        # A fresh database starts with the new name (consultations.reference); an admin's own row
        # of the other name is left alone rather than merged.
        ctype = ConsultantType.objects.filter(name=after).first()
    else:
        ctype.name = after
        ctype.save(update_fields=["name"])
        _relabel(MonthClosing, before, after)
    if ctype is None:
        return
    # The type's own name needs no synonym; the name it had becomes one.
    Synonym.objects.filter(term=after, consultant_type=ctype).delete()
    Synonym.objects.get_or_create(term=before, defaults={"consultant_type": ctype})


def forwards(apps, schema_editor):
    _rename(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0012_consultation_import_batch")]
    operations = [migrations.RunPython(forwards, backwards)]
