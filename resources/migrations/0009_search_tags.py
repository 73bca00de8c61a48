"""PostgreSQL only: `resources_facility.search_tags` ("c<capability id> s<specialty id> …") with a GIN
index over its tokens, kept by statement triggers on the two link tables (one UPDATE per statement,
so an import's COPY of many links costs one pass). Capability and specialty facets, and terms that
name one (眼科, 訪問診療), then intersect with the text indexes before any table row is read.

The column is not a model field: Django never writes it, so a save of a facility loaded before its
links changed cannot put back stale tags. SQLite searches with EXISTS and needs none of this."""

from django.db import migrations

CREATE = r"""
ALTER TABLE resources_facility ADD COLUMN IF NOT EXISTS search_tags text NOT NULL DEFAULT '';

CREATE OR REPLACE FUNCTION portal_facility_tags(fid bigint) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_agg(t, ' ' ORDER BY t), '') FROM (
    SELECT 'c' || capability_id AS t FROM resources_facilitycapability WHERE facility_id = fid
    UNION ALL
    SELECT 's' || specialty_id FROM resources_facilityspecialty WHERE facility_id = fid
  ) tags
$$;

CREATE OR REPLACE FUNCTION portal_refresh_tags() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE resources_facility f SET search_tags = portal_facility_tags(f.id)
    WHERE f.id IN (SELECT facility_id FROM new_links);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE resources_facility f SET search_tags = portal_facility_tags(f.id)
    WHERE f.id IN (SELECT facility_id FROM old_links);
  ELSE
    UPDATE resources_facility f SET search_tags = portal_facility_tags(f.id)
    WHERE f.id IN (SELECT facility_id FROM new_links UNION SELECT facility_id FROM old_links);
  END IF;
  RETURN NULL;
END
$$;
"""

TRIGGERS = r"""
CREATE TRIGGER portal_tags_insert_{t} AFTER INSERT ON {t}
  REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION portal_refresh_tags();
CREATE TRIGGER portal_tags_delete_{t} AFTER DELETE ON {t}
  REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION portal_refresh_tags();
CREATE TRIGGER portal_tags_update_{t} AFTER UPDATE ON {t}
  REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
  FOR EACH STATEMENT EXECUTE FUNCTION portal_refresh_tags();
"""

FILL = r"""
UPDATE resources_facility f SET search_tags = portal_facility_tags(f.id)
WHERE EXISTS (SELECT 1 FROM resources_facilitycapability WHERE facility_id = f.id)
   OR EXISTS (SELECT 1 FROM resources_facilityspecialty WHERE facility_id = f.id);
CREATE INDEX IF NOT EXISTS facility_search_tags ON resources_facility
  USING gin (string_to_array(search_tags, ' '));
"""

LINKS = ["resources_facilitycapability", "resources_facilityspecialty"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    for table in LINKS:
        schema_editor.execute(TRIGGERS.format(t=table))
    schema_editor.execute(FILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in LINKS:
        for event in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS portal_tags_{event}_{table} ON {table}")
    schema_editor.execute("DROP INDEX IF EXISTS facility_search_tags")
    schema_editor.execute("ALTER TABLE resources_facility DROP COLUMN IF EXISTS search_tags")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_refresh_tags()")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_facility_tags(bigint)")


class Migration(migrations.Migration):
    dependencies = [("resources", "0008_directory_version_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
