"""Three indexes fewer on resources_facility, each paid by every imported row: kind (the kind+area
index and the code constraint start with it), updated_by and confirmed_by (read only when a user
is deleted), and navii_id's LIKE-prefix twin (db_index=True on a CharField makes two).

SQLite alters a column by rebuilding the table, which drops its triggers: the directory version
triggers of the table are installed again after the rebuild, in both directions."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from coordination.fragments import version_triggers_around_rebuild

TRIGGERS_BEFORE, TRIGGERS_AFTER = version_triggers_around_rebuild("directory", ["resources_facility"])


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0005_staff_version_triggers"),
        ("resources", "0010_bigram_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TRIGGERS_BEFORE,
        migrations.AlterField(
            model_name="facility",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
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
            name="kind",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="facilities",
                to="resources.facilitykind",
                verbose_name="種別",
            ),
        ),
        migrations.AddIndex(
            model_name="facility",
            index=models.Index(fields=["navii_id"], name="facility_navii_id"),
        ),
        migrations.AlterField(
            model_name="facility",
            name="navii_id",
            field=models.CharField(blank=True, max_length=13, verbose_name="医療情報ネットID"),
        ),
        migrations.AlterField(
            model_name="facility",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
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
