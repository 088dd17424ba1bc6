"""Admin of the services: department scope, read-only once their list is locked, export of a selection."""
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from intermediaries.models import IntermediaryList, IntermediaryService
from intermediaries.selectors import intermediary_export_spec, services_for_export
from permits.kernel.exporting import export_response
from permits.kernel.admin.base import ScopedAdmin
from permits.models import EditionStatus, PermitItem


class EditionFilterByStatus(admin.SimpleListFilter):
    title = _("清单状态")
    parameter_name = "edition_status"

    def lookups(self, request, model_admin):
        return EditionStatus.choices

    def queryset(self, request, queryset):
        if self.value() in EditionStatus.values:
            return queryset.filter(edition__status=self.value())
        return queryset


@admin.register(IntermediaryService)
class IntermediaryServiceAdmin(ScopedAdmin, SimpleHistoryAdmin):
    department_lookup = "department"
    list_display = ("seq", "name", "department", "commissioner", "fee_nature", "level", "permit_item_count",
                    "edition")
    list_display_links = ("seq", "name")
    list_filter = ("edition", EditionFilterByStatus, "department", "commissioner", "fee_nature", "level")
    search_fields = ("name", "providers", "legal_basis", "permit_items__code", "permit_items__name")
    list_select_related = ("department", "edition")
    list_per_page = 50
    filter_horizontal = ("permit_items",)
    fieldsets = (
        (None, {"fields": ("edition", "seq", "name", "department", "permit_items")}),
        (_("依据与实施机构"), {"fields": ("legal_basis", "providers", "provider_nature")}),
        (_("委托与收费"), {"fields": ("commissioner", "fee_nature", "fee_basis", "time_limit", "level", "remarks")}),
    )
    actions = ("export_action",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(permit_item_count=Count("permit_items", distinct=True))

    @admin.display(description=_("审批事项数"), ordering="permit_item_count")
    def permit_item_count(self, obj):
        return obj.permit_item_count

    def get_autocomplete_fields(self, request):
        # Autocomplete needs the related admin with search_fields; fall back to plain widgets without it.
        fields = []
        for name in ("permit_items", "department"):
            related = self.admin_site._registry.get(self.model._meta.get_field(name).related_model)
            if related is not None and related.search_fields:
                fields.append(name)
        return tuple(fields)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get("permit_items")
        if field is not None:
            # Link to the permit list in force; links a service already has stay valid.
            condition = Q(edition__status=EditionStatus.PUBLISHED)
            if obj is not None:
                condition |= Q(intermediary_services=obj)
            field.queryset = PermitItem.objects.filter(condition).distinct().order_by("edition", "seq", "code")
        return form

    @admin.action(description=_("导出所选事项为 Excel（导入格式）"))
    def export_action(self, request, queryset):
        chosen = IntermediaryService.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        editions = set(chosen.values_list("edition", flat=True).distinct())
        if len(editions) != 1:
            messages.warning(request, _("请选择同一清单中的事项导出。"))
            return None
        edition = IntermediaryList.objects.select_related("region").get(pk=editions.pop())
        services = services_for_export(edition).filter(pk__in=chosen.values("pk"))
        return export_response(request, intermediary_export_spec(edition, services=services), "xlsx", max_age=None)
