"""On PostgreSQL the audit log refuses UPDATE and DELETE from anyone, SQL included; only
`purge_audit_log` may delete rows past retention (it sets portal.audit_purge in its transaction)."""

# Hand-written: .ci/squash-migrations keeps this file when it regenerates the migrations.

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION coordination_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('portal.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER coordination_auditevent_append_only
  BEFORE UPDATE OR DELETE ON coordination_auditevent
  FOR EACH ROW EXECUTE FUNCTION coordination_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS coordination_auditevent_append_only ON coordination_auditevent;
DROP FUNCTION IF EXISTS coordination_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)  # no parameters: the % of RAISE stays as it is


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
