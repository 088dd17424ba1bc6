from django.apps import AppConfig


class IntermediariesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "intermediaries"
    verbose_name = "中介服务"

    def ready(self):
        from django.db.models import Prefetch

        from permits.kernel.access.roles import catalogue_roles_register, content_roles_register
        from permits.kernel.registry import (
            cache_namespace_register, edition_hooks_register, item_section_register,
        )

        from permits.kernel.diff import rows_diff

        from .models import IntermediaryService
        from .selectors import published_services
        from .services import intermediary_list_copy_children

        edition_hooks_register(
            "intermediaries.intermediarylist", copy=intermediary_list_copy_children, kind="intermediaries",
            diff=rows_diff("service", "中介服务事项", IntermediaryService, (
                "name", "department__name", "legal_basis", "providers", "provider_nature", "commissioner",
                "fee_nature", "fee_basis", "time_limit", "level", "remarks")),
        )
        cache_namespace_register("intermediaries", editions=("intermediaries.intermediarylist",))
        catalogue_roles_register("intermediaries.intermediarylist", rows=("intermediaries.intermediaryservice",))
        content_roles_register("intermediaries")
        # A permit item's page lists the published intermediary services it needs.
        item_section_register(
            "intermediaries", template="intermediaries/includes/item_section.html", namespace="intermediaries",
            prefetch=lambda: Prefetch("intermediary_services", queryset=published_services().select_related(
                "department").order_by("seq", "pk")),
            rows=lambda item: list(item.intermediary_services.all()),
        )
