from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "门户网站"

    def ready(self):
        from permits.kernel.access.roles import (
            ALL, REVIEWER, SECURITY_ADMIN, SYSTEM_ADMIN, VIEW, role_rules_register,
        )
        from permits.kernel.registry import SITE_NAMESPACE, cache_namespace_register

        # The site profile is in every page's footer.
        cache_namespace_register(SITE_NAMESPACE, watch=("portal.siteprofile",))
        role_rules_register(SYSTEM_ADMIN, ("portal.siteprofile",), ALL)
        role_rules_register(REVIEWER, ("portal.siteprofile",), VIEW)
        # 三员分立: enrolment codes are issued by 安全管理员 (portal.security.enrolment).
        role_rules_register(SECURITY_ADMIN, ("portal.enrolmentcode",), VIEW)

        from portal.interact import checks, registry  # noqa: F401 - checks register on import

        registry.register_sections()
        registry.register_figures()
        registry.register_roles()
