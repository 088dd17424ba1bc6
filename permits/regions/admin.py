"""Admin: regions and departments (searchable, so catalogue rows can autocomplete them)."""
from django.contrib import admin

from permits.models import Department, Region

@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "code", "order")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("order", "id")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "region", "order")
    list_filter = ("region",)
    search_fields = ("name", "short_name")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    ordering = ("order", "id")
