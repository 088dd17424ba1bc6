"""Admin: 高效办成一件事 bundles; the compression rate is shown, never typed."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from permits.kernel.admin.base import ScopedAdmin
from permits.kernel.chinese import percent_text
from permits.models import OneThing


@admin.register(OneThing)
class OneThingAdmin(ScopedAdmin):
    department_lookup = "departments"
    list_display = ("name", "level", "launched_on", "one_window", "joint_form", "reduction_display", "order")
    list_filter = ("level", "one_window", "joint_form", "launched_on")
    search_fields = ("name",)
    date_hierarchy = "launched_on"
    filter_horizontal = ("departments",)
    raw_id_fields = ("handling_items",)
    readonly_fields = ("reduction_display",)
    fieldsets = (
        (None, {"fields": ("name", "level", "departments", "handling_items", "launched_on", "order")}),
        (_("办理方式"), {"fields": ("one_window", "joint_form")}),
        (_("改革前后对比"), {"fields": (("materials_before", "materials_after"), ("visits_before", "visits_after"),
                                   ("days_before", "days_after"), "reduction_display")}),
    )

    def get_queryset(self, request):
        # Scoping through a many-to-many path can repeat a bundle once per matching department.
        return super().get_queryset(request).distinct()

    @admin.display(description=_("综合压减率"))
    def reduction_display(self, obj):
        value = obj.reduction if obj and obj.pk else None
        return percent_text(value, empty="—")
