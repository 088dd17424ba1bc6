"""The six staff roles as groups with their model permissions (permits.kernel.access.roles)."""
from django.db import migrations


def create_roles(apps, schema_editor):
    from permits.kernel.access.roles_sync import roles_sync

    roles_sync(apps, using=schema_editor.connection.alias)


def remove_roles(apps, schema_editor):
    from permits.kernel.access.roles import ALL_ROLES

    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(
        name__in=ALL_ROLES
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0003_portal_trgm"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
