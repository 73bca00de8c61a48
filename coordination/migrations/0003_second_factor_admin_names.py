"""django-otp's devices under Japanese names in the admin (proxy models: no table). Apart from the
first migration, which django-otp's own tables depend on through the user model."""

# Hand-written: .ci/squash-migrations keeps this file when it regenerates the migrations.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0002_audit_append_only"),
        ("otp_static", "0003_add_timestamps"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthenticatorDevice",
            fields=[],
            options={
                "verbose_name": "二要素認証（認証アプリ）",
                "verbose_name_plural": "二要素認証（認証アプリ）",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_totp.totpdevice",),
        ),
        migrations.CreateModel(
            name="BackupCodeDevice",
            fields=[],
            options={
                "verbose_name": "二要素認証（バックアップコード）",
                "verbose_name_plural": "二要素認証（バックアップコード）",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_static.staticdevice",),
        ),
    ]
