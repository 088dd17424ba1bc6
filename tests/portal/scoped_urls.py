"""A test admin site with ScopedAdmin catalogue admins, until the real ones arrive with the merge."""
from django.contrib import admin
from django.urls import include, path

from permits.kernel.admin.base import ScopedAdmin
from permits.kernel.admin.editions import EditionAdminMixin
from permits.models import HandlingItem, PermitCatalogue, PermitItem, SubItem
from portal.security.admin_site import PortalAdminSite

site = PortalAdminSite(name="scopedtest")


@admin.register(PermitCatalogue, site=site)
class CatalogueAdmin(EditionAdminMixin, ScopedAdmin):
    list_display = ("title", "status")


@admin.register(PermitItem, site=site)
class ItemAdmin(ScopedAdmin):
    department_lookup = "department"
    search_fields = ("code", "name")
    fields = ("edition", "seq", "code", "name", "department", "legal_basis")


@admin.register(SubItem, site=site)
class SubItemAdmin(ScopedAdmin):
    department_lookup = "item__department"
    autocomplete_fields = ("item",)
    fields = ("edition", "item", "seq", "code", "name")


@admin.register(HandlingItem, site=site)
class HandlingItemAdmin(ScopedAdmin):
    department_lookup = "sub_item__item__department"


urlpatterns = [
    path("scoped-admin/", site.urls),
    path("", include("portal.urls")),
]
handler404 = "portal.security.errors.page_not_found"
