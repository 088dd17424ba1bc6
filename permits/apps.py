from django.apps import AppConfig


class PermitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "permits"
    verbose_name = "行政许可与赋权"

    def ready(self):
        from permits.cache import connect_watched_models

        connect_watched_models()
