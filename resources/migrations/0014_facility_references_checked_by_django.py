"""No database constraint on a facility's area, updated_by and confirmed_by: PostgreSQL checked
each for every row an import wrote (0.5 s per 100,000 rows each). Deleting an area or a user
still sets them to NULL, through Django's on_delete as before. The kind keeps its constraint.

SQLite alters a column by rebuilding the table, which drops its triggers: the directory version
triggers are installed again after the rebuild, in both directions (as in 0011)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from coordination.fragments import version_triggers_around_rebuild

TRIGGERS_BEFORE, TRIGGERS_AFTER = version_triggers_around_rebuild("directory", ["resources_facility"])


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0005_staff_version_triggers"),
        ("resources", "0013_change_log_without_user_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TRIGGERS_BEFORE,
        migrations.AlterField(
            model_name="facility",
            name="area",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="facilities",
                to="coordination.area",
                verbose_name="地域",
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="確認者",
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="更新者",
            ),
        ),
        TRIGGERS_AFTER,
    ]
