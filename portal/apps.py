from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "门户网站"

    def ready(self):
        from portal.interact import checks, registry  # noqa: F401 - checks register on import

        registry.register_sections()
        registry.register_figures()
        registry.register_roles()
