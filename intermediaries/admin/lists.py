"""Admin of the lists: lifecycle actions through the shared services, import with preview, exports."""
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from intermediaries.models import IntermediaryList
from intermediaries.services import intermediary_import, intermediary_import_message
from intermediaries.views import export_response
from permits.admin.base import EditionAdminMixin, ScopedAdmin
from permits.importing.errors import ImportFailed
from permits.models import EditionStatus
from permits.selectors.roles import REVIEWER, user_has_role
from permits.selectors.scope import user_departments
from permits.services.editions import edition_copy, edition_publish, edition_submit

from .uploads import SESSION_KEY, import_template_xlsx, stage_upload, unstage_upload


def _report(request, edition, error):
    messages.error(request, format_html("《{}》：{}", edition, "；".join(getattr(error, "messages", [str(error)]))))


@admin.register(IntermediaryList)
class IntermediaryListAdmin(EditionAdminMixin, ScopedAdmin):
    list_display = ("title", "edition", "region", "scope", "status", "published_on", "service_count", "tools")
    list_filter = ("status", "region", "scope")
    search_fields = ("title", "edition", "basis")
    list_select_related = ("region",)
    fields = ("title", "edition", "region", "scope", "basis", "published_on",
              "status", "review_comment", "copied_from", "submitted_by", "published_by", "created_at", "updated_at")
    readonly_fields = ("status", "review_comment", "copied_from", "submitted_by", "published_by",
                       "created_at", "updated_at")
    actions = ("submit_action", "action_send_back", "publish_action", "copy_action", "export_xlsx_action",
               "export_csv_action")
    change_form_template = "admin/intermediaries/intermediarylist/change_form.html"
    change_list_template = "admin/intermediaries/intermediarylist/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(service_count=Count("services"))

    @admin.display(description=_("事项数"), ordering="service_count")
    def service_count(self, obj):
        return obj.service_count

    @admin.display(description=_("操作"))
    def tools(self, obj):
        services = reverse("admin:intermediaries_intermediaryservice_changelist") + f"?edition__id__exact={obj.pk}"
        export = reverse("admin:intermediaries_intermediarylist_export", args=[obj.pk, "xlsx"])
        if obj.is_editable:
            upload = reverse("admin:intermediaries_intermediarylist_import", args=[obj.pk])
            return format_html('<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
                               services, _("查看事项"), upload, _("导入"), export, _("导出"))
        return format_html('<a href="{}">{}</a> · <a href="{}">{}</a>', services, _("查看事项"), export, _("导出"))

    # ---- locked editions are read-only ----
    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        locked = queryset.filter(status__in=(EditionStatus.PUBLISHED, EditionStatus.ARCHIVED))
        if locked.exists():
            messages.error(request, _("已发布或已归档的清单不能删除，已跳过：") + "、".join(str(e) for e in locked))
        super().delete_queryset(request, queryset.exclude(pk__in=locked.values("pk")))

    def has_publish_permission(self, request):
        return user_has_role(request.user, REVIEWER)

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

    # ---- lifecycle actions (the shared services) ----
    def _each(self, request, queryset, step, done):
        count = 0
        for edition in queryset:
            try:
                step(edition)
            except ValidationError as error:
                _report(request, edition, error)
            else:
                count += 1
        if count:
            messages.success(request, format_html("{}：{} 个", done, count))

    @admin.action(description=_("提交审核"), permissions=["submit"])
    def submit_action(self, request, queryset):
        self._each(request, queryset, lambda e: edition_submit(e, user=request.user), _("已提交审核"))

    @admin.action(description=_("发布（原已发布清单自动归档）"), permissions=["publish"])
    def publish_action(self, request, queryset):
        self._each(request, queryset, lambda e: edition_publish(e, user=request.user, require_submitted=True),
                   _("已发布"))

    @admin.action(description=_("复制为新草稿"), permissions=["add"])
    def copy_action(self, request, queryset):
        for edition in queryset:
            new = edition_copy(edition, user=request.user)
            url = reverse("admin:intermediaries_intermediarylist_change", args=[new.pk])
            messages.success(request, format_html('已复制为新草稿：<a href="{}">{}</a>', url, new))

    def _export_one(self, request, queryset, fmt):
        editions = list(queryset[:2])
        if len(editions) != 1:
            messages.warning(request, _("请只选择一个清单导出。"))
            return None
        return export_response(editions[0], fmt)

    @admin.action(description=_("导出为 Excel（导入格式）"), permissions=["view"])
    def export_xlsx_action(self, request, queryset):
        return self._export_one(request, queryset, "xlsx")

    @admin.action(description=_("导出为 CSV（导入格式）"), permissions=["view"])
    def export_csv_action(self, request, queryset):
        return self._export_one(request, queryset, "csv")

    # ---- extra pages: import with preview, export, template ----
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/import/", wrap(self.import_view), name="intermediaries_intermediarylist_import"),
            path("<int:pk>/export.<str:fmt>", wrap(self.export_view), name="intermediaries_intermediarylist_export"),
            path("import-template.xlsx", wrap(self.template_view), name="intermediaries_intermediarylist_template"),
            *super().get_urls(),
        ]

    def _edition(self, request, pk):
        edition = IntermediaryList.objects.filter(pk=pk).select_related("region").first() if pk < 2**63 else None
        if edition is None or not self.has_view_permission(request, edition):
            raise Http404(_("清单不存在"))
        return edition

    def export_view(self, request, pk, fmt):
        edition = self._edition(request, pk)
        if fmt not in ("xlsx", "csv", "json"):
            raise Http404(_("不支持的导出格式"))
        return export_response(edition, fmt)

    def template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            import_template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename="中介服务事项清单导入模板.xlsx")
        return response

    def import_view(self, request, pk):
        edition = self._edition(request, pk)
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "edition": edition, "title": _("导入中介服务事项"),
            "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            "template_url": reverse("admin:intermediaries_intermediarylist_template"),
            "has_view_permission": True,
        }
        if not edition.is_editable:
            context["refused"] = _("《%(edition)s》当前状态为“%(status)s”，不能导入；请先复制为新草稿。") % {
                "edition": edition, "status": edition.get_status_display()}
        elif request.method == "POST" and request.POST.get("token"):
            return self._import_confirm(request, edition, context)
        elif request.method == "POST":
            self._import_preview(request, edition, context)
        return TemplateResponse(request, "admin/intermediaries/intermediarylist/import.html", context)

    def _import_preview(self, request, edition, context):
        upload = request.FILES.get("file")
        if upload is None:
            context["problems"] = [_("请选择要导入的 .xlsx 或 .csv 文件。")]
            return
        if upload.size > settings.IMPORT_MAX_BYTES:
            context["problems"] = [_("文件超过 %(mb)s MB 上限，请拆分后分批导入。") % {"mb": context["max_mb"]}]
            return
        data = upload.read()
        try:
            summary = intermediary_import(data, upload.name, edition=edition, dry_run=True, user=request.user)
        except ImportFailed as failure:
            context["problems"] = [str(p) for p in failure.problems]
            return
        token = stage_upload(request, edition, upload.name, data)
        context.update({
            "summary": summary, "message": intermediary_import_message(summary), "token": token,
            "file_name": upload.name,
            "changes": [entry for entry in summary.preview if entry["action"] != "不变"],
            "unchanged": [entry for entry in summary.preview if entry["action"] == "不变"],
        })

    def _import_confirm(self, request, edition, context):
        entry = request.session.get(SESSION_KEY, {}).get(request.POST["token"])
        if not entry or entry.get("edition") != edition.pk or entry.get("user") != request.user.pk:
            context["problems"] = [_("预览已过期或不存在，请重新上传文件。")]
            return TemplateResponse(request, "admin/intermediaries/intermediarylist/import.html", context)
        try:
            with default_storage.open(entry["name"], "rb") as handle:
                data = handle.read()
        except OSError:
            context["problems"] = [_("预览已过期或不存在，请重新上传文件。")]
            return TemplateResponse(request, "admin/intermediaries/intermediarylist/import.html", context)
        try:
            summary = intermediary_import(data, entry["filename"], edition=edition, user=request.user)
        except ImportFailed as failure:
            context["problems"] = [str(p) for p in failure.problems]
            return TemplateResponse(request, "admin/intermediaries/intermediarylist/import.html", context)
        finally:
            unstage_upload(request, request.POST["token"])
        messages.success(request, format_html("《{}》导入完成：{}", edition, intermediary_import_message(summary)))
        return HttpResponseRedirect(
            reverse("admin:intermediaries_intermediaryservice_changelist") + f"?edition__id__exact={edition.pk}"
        )
