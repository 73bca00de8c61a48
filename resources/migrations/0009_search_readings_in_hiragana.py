"""Hiragana readings of the kinds, capabilities and specialties the directory names in kanji
(じんこうこきゅうき, ほうもんかんご, にんちしょう, じゅんかんきないか …), which found nothing, or
only the facilities whose kana happened to hold them; added to databases made before them.
reference.SYNONYMS has the same words, which migration 0002 loads into new databases, so at the
next squash this migration can go."""

from django.db import migrations

# A copy, not reference.SYNONYMS: a migration keeps what it added when the list changes later.
SYNONYMS = [
    ("ほうもんかんご", "kind", "visiting-nursing"),
    ("ほうもんかいご", "kind", "home-help"),
    ("ほうもんにゅうよく", "kind", "home-bathing"),
    ("きょたく", "kind", "care-management"),
    ("きょたくかいごしえん", "kind", "care-management"),
    ("ほうかつ", "kind", "community-support"),
    ("ちいきほうかつ", "kind", "community-support"),
    ("びょういん", "kind", "hospital"),
    ("しんりょうじょ", "kind", "clinic"),
    ("やっきょく", "kind", "pharmacy"),
    ("つうしょかいご", "kind", "day-service"),
    ("たんきにゅうしょ", "kind", "short-stay"),
    ("とくよう", "kind", "special-nursing-home"),
    ("とくよう", "kind", "community-nursing-home"),
    ("ろうけん", "kind", "health-facility"),
    ("しょうきぼたきのう", "kind", "small-multi"),
    ("しょうたき", "kind", "small-multi"),
    ("かんたき", "kind", "nursing-small-multi"),
    ("おうしん", "capability", "house-call"),
    ("ざいたくみとり", "capability", "end-of-life"),
    ("かんわけあ", "capability", "palliative"),
    ("じんこうこきゅうき", "capability", "ventilator"),
    ("こきゅうき", "capability", "ventilator"),
    ("こきゅうかんり", "capability", "ventilator"),
    ("ざいたくさんそ", "capability", "home-oxygen"),
    ("さんそ", "capability", "home-oxygen"),
    ("けいかんえいよう", "capability", "tube-feeding"),
    ("いろう", "capability", "tube-feeding"),
    ("とこずれ", "capability", "pressure-ulcer"),
    ("ちゅうしんじょうみゃく", "capability", "ivh"),
    ("ちゅうしんじょうみゃくえいよう", "capability", "ivh"),
    ("にんちしょう", "capability", "dementia"),
    ("せいしんか", "capability", "psychiatric"),
    ("しょうに", "capability", "pediatric"),
    ("りがくりょうほうし", "capability", "pt"),
    ("さぎょうりょうほうし", "capability", "ot"),
    ("げんごちょうかくし", "capability", "st"),
    ("むきんちょうざい", "capability", "sterile"),
    ("ふくやくしどう", "capability", "home-medication"),
    ("ほうもんふくやくしどう", "capability", "home-medication"),
    ("ほうもんしか", "capability", "home-dental"),
    ("こうほうしえん", "capability", "backup-hospital"),
    ("じゅんかんきないか", "specialty", "循環器内科"),
    ("しょうかきないか", "specialty", "消化器内科"),
    ("こきゅうきないか", "specialty", "呼吸器内科"),
    ("のうしんけいげか", "specialty", "脳神経外科"),
    ("のうしんけいないか", "specialty", "脳神経内科"),
    ("かんわけあないか", "specialty", "緩和ケア内科"),
    ("りはびりてーしょんか", "specialty", "リハビリテーション科"),
    ("しかこうくうげか", "specialty", "歯科口腔外科"),
    ("しょうにしか", "specialty", "小児歯科"),
]


def add_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("resources", "SearchSynonym")
    targets = {
        "kind": (apps.get_model("resources", "FacilityKind"), "code"),
        "capability": (apps.get_model("resources", "Capability"), "code"),
        "specialty": (apps.get_model("resources", "Specialty"), "name"),
    }
    for term, target, key in SYNONYMS:
        model, field = targets[target]
        # A kind, capability or specialty an admin has removed (or renamed) gets no word.
        named = model.objects.filter(**{field: key}).first()
        if named is not None:
            SearchSynonym.objects.get_or_create(term=term, **{target: named})


class Migration(migrations.Migration):
    dependencies = [("resources", "0008_booking_unknown")]
    # Backwards the words stay, as 0004's do: an admin may have added the same word before.
    operations = [migrations.RunPython(add_synonyms, migrations.RunPython.noop)]
