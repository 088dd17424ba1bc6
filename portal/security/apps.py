from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin whose default site asks for a second factor (PortalAdminSite)."""

    default_site = "portal.security.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()
        # Signals (三员分立, sign-in audit, role sync) and the security admin pages.
        from . import account_audit, admin, signals  # noqa: F401
