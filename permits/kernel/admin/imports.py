"""Admin: the import log, read-only (the audit trail of every spreadsheet import)."""
from django.contrib import admin

from permits.models import ImportLog


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "catalogue", "target", "file_name", "rows", "created", "updated", "result", "user")
    list_filter = ("result", "catalogue")
    search_fields = ("file_name", "target")
    list_select_related = ("user",)
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
