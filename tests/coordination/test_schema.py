"""The schema holds one copy of the truth: every foreign key is a database constraint, and no
trigger keeps a copy of data (the append-only guards of the audit and access logs refuse writes,
they copy nothing)."""

import pytest
from django.apps import apps
from django.db import connection, models

pytestmark = pytest.mark.django_db

PORTAL_APPS = {"coordination", "resources", "consultations", "training", "meetings"}
# Triggers that only refuse writes to append-only logs.
GUARDS = {"coordination_auditevent_append_only", "consultations_accesslog_append_only"}


def test_every_foreign_key_of_the_portal_is_a_database_constraint():
    loose = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in PORTAL_APPS
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and not field.db_constraint
    ]
    assert loose == []


def test_no_trigger_keeps_a_copy_of_data():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT DISTINCT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers <= GUARDS, triggers - GUARDS
    assert not {name for name in triggers if "version" in name}
