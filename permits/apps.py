from django.apps import AppConfig, apps
from django.utils.text import format_lazy


def name_history_models_in_chinese():
    """simple-history names its models "historical X" without translation; auditors read Chinese."""
    for model in apps.get_models():
        instance_type = getattr(model, "instance_type", None)
        if instance_type is None or not model.__name__.startswith("Historical"):
            continue
        model._meta.verbose_name = format_lazy("{}变更记录", instance_type._meta.verbose_name)
        model._meta.verbose_name_plural = format_lazy("{}变更记录", instance_type._meta.verbose_name)


class PermitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "permits"
    verbose_name = "行政许可与赋权"

    def ready(self):
        from django.db.models.signals import post_migrate

        from permits.catalogue import registration as catalogue
        from permits.kernel.lock import lock_triggers_install
        from permits.kernel.access.roles import content_roles_register
        from permits.onething import registration as onething
        from permits.powers import registration as powers
        from permits.regions import registration as regions

        for package in (regions, catalogue, powers, onething):
            package.register()
        content_roles_register("permits")
        # The edition lock's database triggers, reinstalled after every migrate (permits.kernel.lock).
        post_migrate.connect(lock_triggers_install, sender=self, dispatch_uid="permits_lock_triggers")
        name_history_models_in_chinese()
