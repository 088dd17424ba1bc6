"""Admin: delegated-power catalogues and their powers, observation points, demonstration sites.

The catalogue admin's lifecycle, import with preview and export come from permits.kernel.admin.editions.
"""
from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from permits.models import DelegatedPower, DemonstrationSite, ObservationPoint, PowerCatalogue, Region
from permits.powers.selectors import (
    POWER_HEADERS, power_catalogue_diff, power_export_spec, power_template_spec, powers_of,
)
from permits.powers.services import power_catalogue_import, power_import_description

from permits.kernel.admin.base import ScopedAdmin
from permits.kernel.admin.editions import EditionAdmin, count_column


class PowerCatalogueForm(forms.ModelForm):
    class Meta:
        model = PowerCatalogue
        fields = "__all__"

    def clean(self):
        data = super().clean()
        replaces, recipient = data.get("replaces"), data.get("recipient")
        if replaces is not None:
            if self.instance.pk and replaces.pk == self.instance.pk:
                self.add_error("replaces", _("目录不能替代它自己。"))
            elif recipient is not None and replaces.recipient_id != recipient.pk:
                self.add_error("replaces", _("替代的目录应属于同一承接地区（%(region)s）。") % {"region": recipient})
        return data


@admin.register(PowerCatalogue)
class PowerCatalogueAdmin(EditionAdmin):
    list_display = ("title", "recipient", "edition", "status", "effective_on", "power_count", "replaces")
    list_filter = ("status", "recipient")
    list_select_related = ("recipient", "replaces")
    search_fields = ("title", "basis", "basis_number")
    form = PowerCatalogueForm
    fields = (
        "title", "edition", "recipient", "basis", "basis_number", "effective_on", "replaces",
        "status", "published_on", "review_comment", "diff_summary", "power_links",
    )
    readonly_fields = ("status", "published_on", "review_comment", "diff_summary", "power_links")
    edition_noun = _("目录")
    counts = {"_power_count": (DelegatedPower, "edition")}
    power_count = count_column("_power_count", _("事项数"))
    copy_message = _("已从《{edition}》复制出新草稿《{new}》，它发布后将替代原目录。")
    rows_changelist = "permits_delegatedpower"
    import_title = _("导入赋权事项")
    import_help = _("表格即为整个目录：与现有事项按编码（无编码时按名称）对应的行更新该事项，新行新增，"
                    "表格中没有的事项将被删除。先预览，确认后才写入。")
    preview_headers = (_("行"), _("状态"), *POWER_HEADERS[:6])

    @admin.display(description=_("与被替代目录比较"))
    def diff_summary(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        diff = power_catalogue_diff(obj)
        if diff is None:
            return _("未设置替代的目录")
        counts = diff.counts
        return _("新增 %(added)d 项，调出 %(removed)d 项，保留 %(kept)d 项（其中有调整 %(changed)d 项）") % counts

    @admin.display(description=_("事项"))
    def power_links(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', self.rows_url(obj), _("查看本目录的 %(n)d 个事项") % {"n": obj.powers.count()})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "recipient":
            kwargs["queryset"] = Region.objects.exclude(kind=Region.Kind.CITY)
        elif db_field.name == "replaces":
            kwargs["queryset"] = PowerCatalogue.objects.select_related("recipient")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def import_run(self, data, filename, edition, options, *, dry_run, user):
        return power_catalogue_import(data, filename, catalogue=edition, dry_run=dry_run, user=user)

    def import_description(self, summary):
        return power_import_description(summary)

    def preview_entries(self, summary):
        # Powers the file no longer lists are shown as rows to be deleted.
        removed = [{"row": None, "status": "删除", "seq": r["seq"], "department": "", "name": r["name"],
                    "code": r["code"], "power_type": "", "mode": ""} for r in getattr(summary, "removed", [])]
        return [*summary.preview, *removed]

    def preview_row(self, entry):
        return [entry[key] for key in ("row", "status", "seq", "department", "name", "code", "power_type", "mode")]

    def export_spec(self, edition):
        return power_export_spec(edition)

    def template_spec(self):
        return power_template_spec()


@admin.register(DelegatedPower)
class DelegatedPowerAdmin(ScopedAdmin):
    department_lookup = "department"
    list_display = ("seq", "name", "code", "department", "power_type", "mode", "edition")
    list_display_links = ("seq", "name")
    list_filter = ("edition", "power_type", "mode", "department")
    list_select_related = ("department", "edition")
    search_fields = ("name", "code", "department__name", "remarks")
    raw_id_fields = ("permit_item",)
    list_per_page = 100

    def get_queryset(self, request):
        # Read-only under a non-draft edition and draft-only edition choices come from ScopedAdmin.
        return super().get_queryset(request).select_related("edition", "department")


class TownshipAdminMixin:
    list_select_related = ("township__parent",)
    search_fields = ("township__name", "township__parent__name")

    @admin.display(description=_("所属县区/功能区"), ordering="township__parent__order")
    def parent_region(self, obj):
        return obj.township.parent or "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "township":
            kwargs["queryset"] = Region.objects.filter(kind=Region.Kind.TOWNSHIP).select_related("parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ObservationPoint)
class ObservationPointAdmin(TownshipAdminMixin, admin.ModelAdmin):
    list_display = ("township", "parent_region", "year", "notes")
    list_filter = ("year", "township__parent")


@admin.register(DemonstrationSite)
class DemonstrationSiteAdmin(TownshipAdminMixin, admin.ModelAdmin):
    list_display = ("township", "parent_region", "honour", "year")
    list_filter = ("year",)
    search_fields = ("township__name", "township__parent__name", "honour")
