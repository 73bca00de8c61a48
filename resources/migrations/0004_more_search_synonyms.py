"""Words care managers type that found nothing: kana readings (まやく, ほうかん …), 胃瘻 and PEG,
居宅療養管理指導 and 訪問薬剤, GH, 地域密着型 特養, and 特養, 老健, デイサービス and グループホーム again
(a kind renamed in the admin keeps its word), added to databases made before them.
reference.SYNONYMS has the same words, which migration 0002 loads into new databases, so at the next
squash this migration can go."""

from django.db import migrations

# A copy, not reference.SYNONYMS: a migration keeps what it added when the list changes later.
SYNONYMS = [
    ("まやく", "capability", "narcotics"),
    ("ほうかん", "kind", "visiting-nursing"),
    ("ほうもんしんりょう", "capability", "home-visit"),
    ("じょくそう", "capability", "pressure-ulcer"),
    ("胃瘻", "capability", "tube-feeding"),
    ("PEG", "capability", "tube-feeding"),
    ("居宅療養管理指導", "capability", "home-medication"),
    ("訪問薬剤", "capability", "home-medication"),
    ("デイサービス", "kind", "day-service"),
    ("デイサービス", "kind", "community-day-service"),
    ("特養", "kind", "special-nursing-home"),
    ("特養", "kind", "community-nursing-home"),
    ("老健", "kind", "health-facility"),
    ("グループホーム", "kind", "group-home"),
    ("GH", "kind", "group-home"),
]


def add_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("resources", "SearchSynonym")
    models = {"kind": apps.get_model("resources", "FacilityKind"), "capability": apps.get_model("resources", "Capability")}
    for term, target, code in SYNONYMS:
        # A kind or capability an admin has removed gets no word.
        named = models[target].objects.filter(code=code).first()
        if named is not None:
            SearchSynonym.objects.get_or_create(term=term, **{target: named})


class Migration(migrations.Migration):
    dependencies = [("resources", "0003_facility_scans_in_one_process")]
    # Backwards the words stay: some of them were there before (デイサービス, グループホーム).
    operations = [migrations.RunPython(add_synonyms, migrations.RunPython.noop)]
