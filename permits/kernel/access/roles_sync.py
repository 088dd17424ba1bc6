"""Make the role groups hold exactly the permissions permits.kernel.access.roles declares."""
from django.apps import apps as global_apps

from permits.kernel.access.roles import ALL_ROLES, role_allows


def roles_sync(apps=None, using="default"):
    """Create the six groups and set their model permissions (idempotent).

    Called by the migration (with historical models) and after every `migrate`, so models that
    arrive later get their permissions too."""
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    # In a migration, or before a later app's own post_migrate, permissions may not exist yet.
    for config in apps.get_app_configs():
        if apps is not global_apps:
            config.models_module = True
        create_permissions(config, apps=apps, verbosity=0, using=using)
        if apps is not global_apps:
            config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.using(using).select_related("content_type").values_list(
            "pk", "codename", "content_type__app_label", "content_type__model"
        )
    )
    for role in ALL_ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for pk, codename, app_label, model in permissions:
            action, _, rest = codename.partition("_")
            if rest != model:
                continue  # custom permissions are granted by hand
            if role_allows(role, f"{app_label}.{model}", action):
                wanted.append(pk)
        group.permissions.set(wanted)
