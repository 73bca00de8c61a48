"""On PostgreSQL a trigger refuses UPDATE and DELETE of the access log from any SQL session, as
for the audit log. The one update it lets through is the SET NULL of a deleted
consultation's id (that foreign key stays SET_NULL), every other column unchanged; the one delete,
`purge_audit_log`'s of entries past retention (it sets portal.audit_purge in its transaction)."""

# Hand-written: .ci/squash-migrations keeps this file when it regenerates the migrations.

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION consultations_accesslog_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('portal.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.consultation_id IS NULL
     AND to_jsonb(NEW) - 'consultation_id' = to_jsonb(OLD) - 'consultation_id' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'access log is append-only: % refused', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER consultations_accesslog_append_only
  BEFORE UPDATE OR DELETE ON consultations_accesslog
  FOR EACH ROW EXECUTE FUNCTION consultations_accesslog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS consultations_accesslog_append_only ON consultations_accesslog;
DROP FUNCTION IF EXISTS consultations_accesslog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)  # no parameters: the % of RAISE stays as it is


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]
