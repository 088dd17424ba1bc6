"""Admin of the top floor: the site profile (footer identifiers, kept by 系统管理员 with its change
history), and 互动交流 and 好差评 (portal.interact.admin)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.interact import admin as interact_admin  # noqa: F401

from .models import SiteProfile


@admin.register(SiteProfile)
class SiteProfileAdmin(SimpleHistoryAdmin):
    list_display = ("site_name", "site_code", "icp_number", "hotline")

    def has_add_permission(self, request):
        # A single row: the footer reads the first one.
        return not SiteProfile.objects.exists() and super().has_add_permission(request)
