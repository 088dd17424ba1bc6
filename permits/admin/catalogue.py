"""Admin: the permit catalogue — editions, items, sub-items, handling items and materials.

Published and archived editions, and every row below them, are shown read-only.
Lifecycle actions call permits.services.editions; import/export live in permits.admin.import_views.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import path
from django.utils.translation import gettext_lazy as _

from permits.models import (
    EditionStatus, HandlingItem, Level, Material, PermitCatalogue, PermitItem, SubItem,
)
from permits.selectors.roles import REVIEWER, user_has_role
from permits.services.editions import edition_copy, edition_publish, edition_submit

from . import import_views
from .base import EditionAdminMixin, ScopedAdmin


def _count_of(model, link="edition"):
    """Rows of `model` per edition as one correlated subquery (constant query count)."""
    rows = (model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link)
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@admin.register(PermitCatalogue)
class PermitCatalogueAdmin(EditionAdminMixin, ScopedAdmin):
    list_display = ("title", "edition", "region", "status", "published_on",
                    "item_count", "sub_item_count", "handling_item_count")
    list_filter = ("status", "region")
    search_fields = ("title", "edition")
    list_select_related = ("region",)
    fields = ("title", "edition", "region", "basis", "status", "published_on", "published_by",
              "submitted_by", "review_comment", "copied_from", "created_at", "updated_at")
    readonly_fields = ("status", "published_on", "published_by", "submitted_by", "review_comment",
                       "copied_from", "created_at", "updated_at")
    actions = ("submit_editions", "action_send_back", "publish_edition", "copy_editions", "export_xlsx", "export_csv")
    change_list_template = "admin/permits/permitcatalogue/change_list.html"
    change_form_template = "admin/permits/permitcatalogue/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_items=_count_of(PermitItem), n_sub_items=_count_of(SubItem), n_handling_items=_count_of(HandlingItem),
        )

    @admin.display(description=_("事项数"), ordering="n_items")
    def item_count(self, obj):
        return obj.n_items

    @admin.display(description=_("子项数"), ordering="n_sub_items")
    def sub_item_count(self, obj):
        return obj.n_sub_items

    @admin.display(description=_("业务办理项数"), ordering="n_handling_items")
    def handling_item_count(self, obj):
        return obj.n_handling_items

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "region")
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != EditionStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return user_has_role(request.user, REVIEWER)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(import_views.ImportView.as_view(model_admin=self)), name="%s_%s_import" % info),
            path("template/<str:fmt>/", wrap(import_views.template_download(self)), name="%s_%s_template" % info),
            path("<int:pk>/export/<str:fmt>/", wrap(import_views.export_download(self)), name="%s_%s_export" % info),
        ] + super().get_urls()

    def _run(self, request, queryset, service, done, **kwargs):
        for edition in queryset:
            try:
                result = service(edition, user=request.user, **kwargs)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, done.format(edition=edition, result=result), messages.SUCCESS)

    @admin.action(description=_("提交审核"), permissions=["submit"])
    def submit_editions(self, request, queryset):
        self._run(request, queryset, edition_submit, "《{edition}》已提交审核。")

    @admin.action(description=_("发布"), permissions=["publish"])
    def publish_edition(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("一次只能发布一个清单，请只选择一个。"), messages.ERROR)
            return
        self._run(request, queryset, edition_publish, "《{edition}》已发布，同区划原已发布的清单已归档。")

    @admin.action(description=_("复制为新草稿"), permissions=["add"])
    def copy_editions(self, request, queryset):
        self._run(request, queryset, edition_copy, "已由《{edition}》复制出新草稿《{result}》。")

    def _export(self, request, queryset, fmt):
        if queryset.count() != 1:
            self.message_user(request, _("一次只能导出一个清单，请只选择一个。"), messages.ERROR)
            return None
        return import_views.export_response(queryset.first(), fmt)

    @admin.action(description=_("导出 xlsx"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")

    @admin.action(description=_("导出 csv"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")


# ---- rows below an edition ----

class LockedEditionMixin:
    """Rows of a published or archived edition are view-only."""

    def _locked(self, obj):
        return obj is not None and obj.get_edition().is_locked

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "edition":
            kwargs["queryset"] = PermitCatalogue.objects.filter(status=EditionStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LockedInlineMixin:
    """Inline rows follow their parent: no adding, changing or deleting under a locked edition."""

    def _locked(self, obj):
        return obj is not None and obj.get_edition().is_locked

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class SubItemInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        item = self.instance
        codes = set()
        for form in self.forms:
            code = form.cleaned_data.get("code") if hasattr(form, "cleaned_data") else None
            if not code or form.cleaned_data.get("DELETE"):
                continue
            if item.code and not code.startswith(item.code[:11]):
                form.add_error("code", f"子项编码应以事项编码的前11位“{item.code[:11]}”开头")
            if code in codes:
                form.add_error("code", f"子项编码“{code}”重复")
            codes.add(code)
            taken = SubItem.objects.filter(edition_id=item.edition_id, code=code).exclude(pk=form.instance.pk)
            if item.edition_id and taken.exclude(item_id=item.pk).exists():
                form.add_error("code", f"本清单中已有子项编码“{code}”")


class SubItemInline(LockedInlineMixin, admin.TabularInline):
    model = SubItem
    formset = SubItemInlineFormSet
    fields = ("seq", "code", "name", "approval_level", "exercise_level", "accepting_level", "first_review")
    extra = 0
    show_change_link = True


class LevelFilter(admin.SimpleListFilter):
    title = _("审批层级")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return Level.choices

    def queryset(self, request, queryset):
        if self.value() in Level.values:
            return queryset.filter(Exists(SubItem.objects.filter(item=OuterRef("pk"), approval_level=self.value())))
        return queryset


class PermitItemForm(forms.ModelForm):
    class Meta:
        model = PermitItem
        fields = "__all__"

    def clean(self):
        data = super().clean()
        code, edition = data.get("code"), data.get("edition") or getattr(self.instance, "edition", None)
        if code and self.instance.pk and code[:11] != self.instance.code[:11] and self.instance.sub_items.exists():
            self.add_error("code", "已有子项时不能修改事项编码的前11位，请先调整子项。")
        if code and edition and PermitItem.objects.filter(edition=edition, code=code).exclude(pk=self.instance.pk).exists():
            self.add_error("code", f"本清单中已有事项编码“{code}”")
        return data


@admin.register(PermitItem)
class PermitItemAdmin(LockedEditionMixin, ScopedAdmin):
    department_lookup = "department"
    form = PermitItemForm
    list_display = ("code", "name", "department", "sub_item_count", "edition")
    list_display_links = ("code", "name")
    list_filter = ("edition", "department", LevelFilter)
    search_fields = ("code", "name")
    list_select_related = ("edition", "department")
    autocomplete_fields = ("department",)
    inlines = (SubItemInline,)
    fields = ("edition", "seq", "code", "name", "department", "implementing_bodies", "legal_basis", "remarks")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_sub_items=Count("sub_items"))

    @admin.display(description=_("子项数"), ordering="n_sub_items")
    def sub_item_count(self, obj):
        return obj.n_sub_items

    def get_readonly_fields(self, request, obj=None):
        return ("edition",) if obj is not None else ()

    def save_formset(self, request, form, formset, change):
        item = form.instance
        for sub in formset.save(commit=False):
            sub.edition_id = item.edition_id
            sub.item_prefix = item.code[:11]
            sub.save()
        for sub in formset.deleted_objects:
            sub.delete()
        formset.save_m2m()


class SubItemForm(forms.ModelForm):
    class Meta:
        model = SubItem
        fields = "__all__"

    def clean(self):
        data = super().clean()
        item, code = data.get("item"), data.get("code")
        if item and code:
            if not code.startswith(item.code[:11]):
                self.add_error("code", f"子项编码应以事项编码的前11位“{item.code[:11]}”开头")
            elif SubItem.objects.filter(edition_id=item.edition_id, code=code).exclude(pk=self.instance.pk).exists():
                self.add_error("code", f"本清单中已有子项编码“{code}”")
            if item.get_edition().is_locked:
                self.add_error("item", "该事项所在清单已发布或已归档，不能修改。")
        return data


@admin.register(SubItem)
class SubItemAdmin(LockedEditionMixin, ScopedAdmin):
    department_lookup = "item__department"
    form = SubItemForm
    list_display = ("code", "name", "item", "approval_level", "exercise_level", "edition")
    list_filter = ("edition", "item__department", "approval_level", "exercise_level")
    search_fields = ("code", "name", "item__name")
    list_select_related = ("edition", "item")
    autocomplete_fields = ("item",)
    fields = ("item", "seq", "code", "name", "approval_level", "exercise_level", "accepting_level", "first_review")

    def save_model(self, request, obj, form, change):
        obj.edition_id = obj.item.edition_id
        obj.item_prefix = obj.item.code[:11]
        super().save_model(request, obj, form, change)


class MaterialInline(LockedInlineMixin, admin.TabularInline):
    model = Material
    fields = ("seq", "name", "required", "form", "copies", "source", "notes")
    extra = 0


class HandlingItemForm(forms.ModelForm):
    class Meta:
        model = HandlingItem
        fields = "__all__"

    def clean(self):
        data = super().clean()
        sub, code = data.get("sub_item"), data.get("code")
        if sub and code:
            if not code.startswith(sub.code):
                self.add_error("code", f"业务办理项编码应以子项编码“{sub.code}”开头")
            elif HandlingItem.objects.filter(edition_id=sub.edition_id, code=code).exclude(pk=self.instance.pk).exists():
                self.add_error("code", f"本清单中已有业务办理项编码“{code}”")
            if sub.get_edition().is_locked:
                self.add_error("sub_item", "该子项所在清单已发布或已归档，不能修改。")
        return data


@admin.register(HandlingItem)
class HandlingItemAdmin(LockedEditionMixin, ScopedAdmin):
    department_lookup = "sub_item__item__department"
    form = HandlingItemForm
    list_display = ("code", "name", "situation", "department", "statutory_days", "promised_days", "online_depth",
                    "edition")
    list_filter = ("edition", "sub_item__item__department", "sub_item__approval_level", "situation", "online_depth",
                   "fee")
    search_fields = ("code", "name", "sub_item__name", "sub_item__item__name")
    list_select_related = ("edition", "sub_item__item__department")
    autocomplete_fields = ("sub_item",)
    inlines = (MaterialInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("sub_item", "seq", "code", "name", "situation")}),
        (_("办事指南"), {"fields": ("conditions", "procedure", "statutory_days", "promised_days", "fee",
                                 "fee_standard", "fee_basis", "visits", "online_depth", "place", "hours",
                                 "enquiry_phone", "complaint_phone", "online_url", "result_document")}),
    )

    @admin.display(description=_("主管部门"), ordering="sub_item__item__department__order")
    def department(self, obj):
        return obj.sub_item.item.department

    def save_model(self, request, obj, form, change):
        obj.edition_id = obj.sub_item.edition_id
        obj.sub_item_code = obj.sub_item.code
        super().save_model(request, obj, form, change)


@admin.register(Material)
class MaterialAdmin(LockedEditionMixin, ScopedAdmin):
    department_lookup = "handling_item__sub_item__item__department"
    list_display = ("name", "handling_item", "required", "form", "copies")
    list_filter = ("handling_item__edition", "required", "form")
    search_fields = ("name", "handling_item__code", "handling_item__name")
    list_select_related = ("handling_item",)
    autocomplete_fields = ("handling_item",)

    def get_model_perms(self, request):
        # Materials are edited inline on their handling item; keep them off the admin index.
        return {}
