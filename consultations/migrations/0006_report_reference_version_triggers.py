"""Writes to what a report shows besides the tallies (centers and their closed days, the 相談者 and
相談内容 lists) move DataVersion "consultation-reference", so cached reports (coordination.fragments)
are never served after them."""

from django.db import migrations

from coordination.fragments import version_trigger_operation

TABLES = [
    "coordination_center",
    "coordination_centerclosure",
    "consultations_consultanttype",
    "consultations_topic",
]


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0005_fill_daily_tallies"),
        ("coordination", "0004_data_version"),
    ]
    operations = [version_trigger_operation("consultation-reference", TABLES)]
