"""Admin of the lists: lifecycle, import with preview and exports from permits.kernel.admin.editions."""
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from intermediaries.models import IntermediaryList, IntermediaryService
from intermediaries.selectors import intermediary_export_spec, intermediary_template_spec
from intermediaries.services import intermediary_import, intermediary_import_message
from permits.kernel.admin.editions import EditionAdmin, count_column
from permits.kernel.access.scope import user_departments

from .import_template import import_template_xlsx


@admin.register(IntermediaryList)
class IntermediaryListAdmin(EditionAdmin):
    list_display = ("title", "edition", "region", "scope", "status", "published_on", "service_count", "tools")
    list_filter = ("status", "region", "scope")
    search_fields = ("title", "edition", "basis")
    list_select_related = ("region",)
    fields = ("title", "edition", "region", "scope", "basis", "published_on",
              "status", "review_comment", "copied_from", "submitted_by", "published_by", "created_at", "updated_at")
    readonly_fields = ("status", "review_comment", "copied_from", "submitted_by", "published_by",
                       "created_at", "updated_at")
    counts = {"service_count": (IntermediaryService, "edition")}
    service_count = count_column("service_count", _("事项数"))
    copy_message = _("《{edition}》已复制为新草稿：{new}")
    rows_changelist = "intermediaries_intermediaryservice"
    import_title = _("导入中介服务事项")
    import_help = _("文件即完整清单：按“序号”更新已有事项，新增的序号将被添加，文件中没有的序号将被删除。"
                    "先预览，确认后才写入。")
    preview_headers = (_("行号"), _("操作"), _("序号"), _("中介服务事项名称"), _("审批部门"), _("委托方"),
                       _("收费性质"), _("层级"), _("涉及的审批事项"))

    @admin.display(description=_("操作"))
    def tools(self, obj):
        services = self.rows_url(obj)
        export = self._url("export", obj.pk, "xlsx")
        if obj.is_editable:
            upload = self._url("import", obj.pk)
            return format_html('<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
                               services, _("查看事项"), upload, _("导入"), export, _("导出"))
        return format_html('<a href="{}">{}</a> · <a href="{}">{}</a>', services, _("查看事项"), export, _("导出"))

    def has_import_permission(self, request):
        # An import rewrites the whole list, so it is for bureau-wide staff, not department editors.
        return (
            self.has_change_permission(request)
            and request.user.has_perms([
                "intermediaries.add_intermediaryservice", "intermediaries.change_intermediaryservice",
                "intermediaries.delete_intermediaryservice",
            ])
            and user_departments(request.user) is None
        )

    def import_run(self, data, filename, edition, options, *, dry_run, user):
        return intermediary_import(data, filename, edition=edition, dry_run=dry_run, user=user)

    def import_description(self, summary):
        return intermediary_import_message(summary)

    def preview_row(self, entry):
        return [entry["row"], entry["action"], entry["seq"], entry["name"], entry["department"],
                entry["commissioner"], entry["fee_nature"], entry["level"], "；".join(entry["permit_items"])]

    def import_done_url(self, edition):
        return self.rows_url(edition)

    def export_spec(self, edition):
        return intermediary_export_spec(edition)

    def template_spec(self):
        return intermediary_template_spec()

    def template_body(self, fmt):
        return import_template_xlsx() if fmt == "xlsx" else None
