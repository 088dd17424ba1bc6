"""Admin: delegated-power catalogues and their powers, observation points, demonstration sites.

The catalogue admin imports a spreadsheet in two steps: upload → dry-run preview → confirm.
The upload waits in the (shared) cache under a random token bound to the user and catalogue;
it is never written where a URL could serve it.
"""
import secrets

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from permits.importing.errors import ImportFailed
from permits.importing.formats import MAX_BYTES, write_csv, write_xlsx
from permits.models import (
    DelegatedPower, DemonstrationSite, EditionLocked, EditionStatus, ObservationPoint,
    PowerCatalogue, Region,
)
from permits.selectors.powers import POWER_HEADERS, power_catalogue_diff, power_export_rows, powers_of
from permits.selectors.roles import REVIEWER, user_has_role
from permits.selectors.scope import user_departments
from permits.services.editions import edition_publish, edition_submit
from permits.services.powers import power_catalogue_copy, power_catalogue_import, power_import_description

from .base import EditionAdminMixin, ScopedAdmin

UPLOAD_TIMEOUT = 30 * 60
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_response(catalogue, fmt):
    rows = power_export_rows(powers_of(catalogue))
    body = write_csv(POWER_HEADERS, rows) if fmt == "csv" else write_xlsx(POWER_HEADERS, rows, title="赋权目录")
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="power-catalogue-{catalogue.pk}.{fmt}"'
    return response


class PowerImportForm(forms.Form):
    file = forms.FileField(label=_("表格文件"), help_text=_("xlsx 或 CSV，列为：序号、实施部门、事项名称、事项编码、事项类型、赋权方式、备注。"))


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


def _upload_key(request, catalogue, token):
    return f"powers-import:{request.user.pk}:{catalogue.pk}:{token}"


@admin.register(PowerCatalogue)
class PowerCatalogueAdmin(EditionAdminMixin, ScopedAdmin):
    list_display = ("title", "recipient", "edition", "status", "effective_on", "power_count", "replaces")
    list_filter = ("status", "recipient")
    list_select_related = ("recipient", "replaces")
    search_fields = ("title", "basis", "basis_number")
    actions = ("submit_action", "action_send_back", "publish_action", "copy_action", "export_xlsx_action",
               "export_csv_action")
    change_form_template = "admin/permits/powercatalogue/change_form.html"
    form = PowerCatalogueForm
    fields = (
        "title", "edition", "recipient", "basis", "basis_number", "effective_on", "replaces",
        "status", "published_on", "review_comment", "diff_summary", "power_links",
    )
    base_readonly = ("status", "published_on", "review_comment", "diff_summary", "power_links")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_power_count=Count("powers"))

    @admin.display(description=_("事项数"), ordering="_power_count")
    def power_count(self, obj):
        return obj._power_count

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
        url = reverse("admin:permits_delegatedpower_changelist") + f"?edition__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("查看本目录的 %(n)d 个事项") % {"n": obj.powers.count()})

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return self.fields
        return self.base_readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "recipient":
            kwargs["queryset"] = Region.objects.exclude(kind=Region.Kind.CITY)
        elif db_field.name == "replaces":
            kwargs["queryset"] = PowerCatalogue.objects.select_related("recipient")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["import_allowed"] = obj.is_editable and super().has_change_permission(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    # ---- lifecycle actions: all through permits.services.editions ----
    def _each(self, request, queryset, service, done):
        for catalogue in queryset:
            try:
                service(catalogue)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, done % {"title": catalogue.title}, messages.SUCCESS)

    @admin.action(description=_("提交审核"), permissions=["submit"])
    def submit_action(self, request, queryset):
        self._each(request, queryset, lambda c: edition_submit(c, user=request.user), _("《%(title)s》已提交审核。"))

    @admin.action(description=_("发布"), permissions=["publish"])
    def publish_action(self, request, queryset):
        if not user_has_role(request.user, REVIEWER):
            self.message_user(request, _("只有“%(role)s”角色可以发布目录。") % {"role": REVIEWER}, messages.ERROR)
            return
        self._each(request, queryset, lambda c: edition_publish(c, user=request.user), _("《%(title)s》已发布。"))

    @admin.action(description=_("复制为新草稿"), permissions=["add"])
    def copy_action(self, request, queryset):
        self._each(request, queryset, lambda c: power_catalogue_copy(c, user=request.user),
                   _("已从《%(title)s》复制出新草稿，它发布后将替代原目录。"))

    def _export(self, request, queryset, fmt):
        catalogues = list(queryset[:2])
        if len(catalogues) != 1:
            self.message_user(request, _("请只选择一个目录导出。"), messages.ERROR)
            return None
        return export_response(catalogues[0], fmt)

    @admin.action(description=_("导出 Excel"), permissions=["view"])
    def export_xlsx_action(self, request, queryset):
        return self._export(request, queryset, "xlsx")

    @admin.action(description=_("导出 CSV"), permissions=["view"])
    def export_csv_action(self, request, queryset):
        return self._export(request, queryset, "csv")

    # ---- import and export pages ----
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/import/", wrap(self.import_view), name="permits_powercatalogue_import"),
            path("<int:pk>/export.<str:fmt>", wrap(self.export_view), name="permits_powercatalogue_export"),
            *super().get_urls(),
        ]

    def _catalogue(self, request, pk):
        catalogue = self.get_queryset(request).filter(pk=pk).first()
        if catalogue is None or not self.has_view_permission(request, catalogue):
            raise PermissionDenied
        return catalogue

    def export_view(self, request, pk, fmt):
        catalogue = self._catalogue(request, pk)
        if fmt not in EXPORT_TYPES:
            raise PermissionDenied
        return export_response(catalogue, fmt)

    def import_view(self, request, pk):
        catalogue = self._catalogue(request, pk)
        change_url = reverse("admin:permits_powercatalogue_change", args=[catalogue.pk])
        # Object-less: a locked catalogue gets the explanation below rather than a bare 403.
        if not super().has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "catalogue": catalogue,
            "title": _("导入赋权事项：%(title)s") % {"title": catalogue.title}, "change_url": change_url,
            "headers": POWER_HEADERS, "form": PowerImportForm(),
        }
        refusal = None
        if not catalogue.is_editable:
            refusal = _("《%(title)s》不是草稿（%(status)s），不能导入；请复制为新草稿后再导入。") % {
                "title": catalogue.title, "status": catalogue.get_status_display()}
        elif user_departments(request.user) is not None:
            refusal = _("导入会替换整个目录，只有不限部门的工作人员可以导入。")
        if refusal:
            context["refusal"] = refusal
            return TemplateResponse(request, "admin/permits/powercatalogue/import.html", context)
        if request.method == "POST" and request.POST.get("token"):
            return self._import_confirm(request, catalogue, change_url, context)
        if request.method == "POST":
            return self._import_preview(request, catalogue, context)
        return TemplateResponse(request, "admin/permits/powercatalogue/import.html", context)

    def _import_preview(self, request, catalogue, context):
        form = PowerImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BYTES:
                context["errors"] = [_("文件大小超过 10 MB 上限，请拆分后分批导入。")]
            else:
                data = upload.read()
                try:
                    summary = power_catalogue_import(data, upload.name, catalogue=catalogue, dry_run=True, user=request.user)
                except ImportFailed as failure:
                    context["errors"] = [str(p) for p in failure.problems]
                else:
                    token = secrets.token_urlsafe(24)
                    cache.set(_upload_key(request, catalogue, token), (upload.name, data), UPLOAD_TIMEOUT)
                    context.update(summary=summary, description=power_import_description(summary), token=token,
                                   file_name=upload.name)
        return TemplateResponse(request, "admin/permits/powercatalogue/import.html", context)

    def _import_confirm(self, request, catalogue, change_url, context):
        key = _upload_key(request, catalogue, request.POST["token"][:64])
        stored = cache.get(key)
        if stored is None:
            context["errors"] = [_("预览已过期或无效，请重新上传文件。")]
            return TemplateResponse(request, "admin/permits/powercatalogue/import.html", context)
        file_name, data = stored
        try:
            summary = power_catalogue_import(data, file_name, catalogue=catalogue, user=request.user)
        except (ImportFailed, EditionLocked) as failure:
            context["errors"] = [str(p) for p in getattr(failure, "problems", failure.messages)]
            return TemplateResponse(request, "admin/permits/powercatalogue/import.html", context)
        finally:
            cache.delete(key)
        self.message_user(request, _("导入完成：%(summary)s") % {"summary": power_import_description(summary)}, messages.SUCCESS)
        return HttpResponseRedirect(change_url)


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
        return super().get_queryset(request).select_related("edition", "department")

    def _locked(self, obj):
        return obj is not None and obj.edition.status in (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "edition":
            kwargs["queryset"] = PowerCatalogue.objects.filter(status=EditionStatus.DRAFT)
        elif db_field.name == "department":
            ids = user_departments(request.user)
            if ids is not None:
                kwargs["queryset"] = db_field.related_model.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
