"""Every write to the directory's tables moves DataVersion "directory", so the cached search
fragments (coordination.fragments) are never served for old data."""

from django.db import migrations

from coordination.fragments import version_trigger_operation

TABLES = [
    "resources_facility",
    "resources_facility_services",
    "resources_facilitycapability",
    "resources_facilityspecialty",
    "resources_contactwindow",
    "resources_facilitykind",
    "resources_capability",
    "resources_specialty",
    "coordination_area",
]


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0007_faster_portal_grams"),
        ("coordination", "0004_data_version"),
    ]
    operations = [version_trigger_operation("directory", TABLES)]
