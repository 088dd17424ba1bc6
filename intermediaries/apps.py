from django.apps import AppConfig


class IntermediariesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "intermediaries"
    verbose_name = "中介服务"
