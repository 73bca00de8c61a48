"""The optional text fields of a facility get their empty default in the database as well, so
that an import can leave out the columns its format does not own (the database fills them).

SQLite alters a column by rebuilding the table, which drops its triggers: the directory version
triggers are installed again after the rebuilds, in both directions (as in 0011)."""

from django.db import migrations, models

from coordination.fragments import version_triggers_around_rebuild

TRIGGERS_BEFORE, TRIGGERS_AFTER = version_triggers_around_rebuild("directory", ["resources_facility"])


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0014_facility_references_checked_by_django"),
    ]

    operations = [
        TRIGGERS_BEFORE,
        migrations.AlterField(
            model_name="facility",
            name="accepting",
            field=models.CharField(
                blank=True,
                choices=[("", "不明"), ("yes", "受入可"), ("consult", "要相談"), ("no", "受入停止中")],
                db_default="",
                default="",
                max_length=10,
                verbose_name="新規受入状況",
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="address",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=300, verbose_name="住所"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="avoid_note",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=200,
                verbose_name="連絡を避けてほしい時間（補足）",
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="closed_days",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=100, verbose_name="休診日・休業日"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="code",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="先頭の0を含めて入力（例: 4010100001）",
                max_length=20,
                verbose_name="医療機関番号・事業所番号",
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="contact_person",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=100, verbose_name="連絡窓口・担当者"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="corporation_name",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=200, verbose_name="法人名"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="corporation_number",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=13, verbose_name="法人番号"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="direct_phone",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=20, verbose_name="直通電話（専門職向け）"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="fax",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=20, verbose_name="FAX番号"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="internal_note",
            field=models.TextField(
                blank=True, db_default="", default="", verbose_name="内部メモ（専門職向け）"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="name_kana",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=200, verbose_name="名称（カナ）"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="navii_id",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=13, verbose_name="医療情報ネットID"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="opening_days",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="例: 平日・土曜日",
                max_length=100,
                verbose_name="営業日",
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="opening_hours",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=200, verbose_name="受付時間"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="phone",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=20, verbose_name="電話番号"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="postal_code",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=8, verbose_name="郵便番号"
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="public_note",
            field=models.TextField(blank=True, db_default="", default="", verbose_name="備考（公開）"),
        ),
        migrations.AlterField(
            model_name="facility",
            name="url",
            field=models.URLField(
                blank=True, db_default="", default="", max_length=300, verbose_name="ホームページ"
            ),
        ),
        TRIGGERS_AFTER,
    ]
