"""A superuser holds the admin role (the role the second factor and the access rules are written
for). Superusers made by `createsuperuser` before this had the default role 専門職: they get
管理者, which gives them nothing they could not already reach through the Django admin."""

import coordination.models
from django.db import migrations, models


def superusers_are_admins(apps, schema_editor):
    apps.get_model("coordination", "User").objects.filter(is_superuser=True).exclude(role="admin").update(
        role="admin"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('coordination', '0005_staff_version_triggers'),
    ]

    operations = [
        migrations.AlterModelManagers(
            name='user',
            managers=[
                ('objects', coordination.models.PortalUserManager()),
            ],
        ),
        migrations.RunPython(superusers_are_admins, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('is_superuser', False), ('role', 'admin'), _connector='OR'), name='user_superuser_is_admin', violation_error_message='スーパーユーザーにできるのは役割が「管理者」のユーザーだけです。'),
        ),
    ]
