"""Admin: the permit catalogue — editions, items, sub-items, handling items and materials.

Published and archived editions, and every row below them, are shown read-only.
Lifecycle, import with preview and export come from permits.kernel.admin.editions.
"""
from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from permits.models import HandlingItem, Level, Material, PermitCatalogue, PermitItem, SubItem
from permits.catalogue.selectors.export import PERMIT_NOTES, permit_export_spec, permit_template_spec
from permits.catalogue.services.importing import catalogue_import

from permits.catalogue import rules
from permits.kernel.admin.base import LockedInlineMixin, ScopedAdmin
from permits.kernel.admin.editions import EditionAdmin, ImportForm, count_column


class PermitImportForm(ImportForm):
    edition = forms.ModelChoiceField(
        label=_("导入到草稿清单"), required=False, queryset=PermitCatalogue.objects.none(),
        help_text=_("已有事项按编码更新，新编码新增。"),
    )
    new_edition_title = forms.CharField(
        label=_("或新建市本级草稿清单"), required=False, max_length=200,
        help_text=_("例如：新余市行政许可事项清单（2024年版）"),
    )

    target_fields = ("edition", "new_edition_title")

    def clean(self):
        data = super().clean()
        if "edition" in self.fields and (
                bool(data.get("edition")) == bool((data.get("new_edition_title") or "").strip())):
            raise forms.ValidationError("请选择一个草稿清单，或填写新清单的标题（二者选一）。")
        return data

    def import_target(self, edition):
        if edition is not None:
            return edition, {"new_edition_title": ""}
        return self.cleaned_data.get("edition"), {
            "new_edition_title": (self.cleaned_data.get("new_edition_title") or "").strip()}


@admin.register(PermitCatalogue)
class PermitCatalogueAdmin(EditionAdmin):
    list_display = ("title", "edition", "region", "status", "published_on",
                    "item_count", "sub_item_count", "handling_item_count")
    list_filter = ("status", "region")
    search_fields = ("title", "edition")
    list_select_related = ("region",)
    fields = ("title", "edition", "region", "basis", "status", "published_on", "published_by",
              "submitted_by", "review_comment", "copied_from", "created_at", "updated_at")
    readonly_fields = ("status", "published_on", "published_by", "submitted_by", "review_comment",
                       "copied_from", "created_at", "updated_at")
    counts = {"n_items": (PermitItem, "edition"), "n_sub_items": (SubItem, "edition"),
              "n_handling_items": (HandlingItem, "edition")}
    item_count = count_column("n_items", _("事项数"))
    sub_item_count = count_column("n_sub_items", _("子项数"))
    handling_item_count = count_column("n_handling_items", _("业务办理项数"))
    copy_message = _("已由《{edition}》复制出新草稿《{new}》。")
    rows_changelist = "permits_permititem"
    # The import may create a new edition, so it lives on the changelist and an expired preview starts over.
    import_form_class = PermitImportForm
    import_expired_redirects = True
    import_title = _("导入行政许可事项清单")
    import_help = _("上传 xlsx 或 csv 文件，一行一个业务办理项，先预览将要新增和更新的内容，确认后再写入。"
                    "整个导入在一个事务中完成：有任何错误都不会写入。")
    preview_headers = (_("行"), _("层级"), _("操作"), _("编码"), _("名称"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "region")
        return self.readonly_fields

    def import_run(self, data, filename, edition, options, *, dry_run, user):
        return catalogue_import(data, filename, edition=edition, new_edition_title=options["new_edition_title"] or None,
                                dry_run=dry_run, user=user)

    def preview_row(self, entry):
        return [entry["row"], entry["level"], entry["action"], entry["code"], entry["name"]]

    def export_spec(self, edition):
        return permit_export_spec(edition)

    def template_spec(self):
        return permit_template_spec()

    def template_notes(self):
        return [*super().template_notes(), *PERMIT_NOTES]


# ---- rows below an edition: read-only under a non-draft edition through ScopedAdmin ----

class SubItemInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        item = self.instance
        codes = set()
        for form in self.forms:
            code = form.cleaned_data.get("code") if hasattr(form, "cleaned_data") else None
            if not code or form.cleaned_data.get("DELETE"):
                continue
            problem = rules.sub_item_outside_item(item.code, code)
            if problem:
                form.add_error("code", problem)
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
        if code and self.instance.pk and rules.item_prefix(code) != rules.item_prefix(self.instance.code) and self.instance.sub_items.exists():
            self.add_error("code", "已有子项时不能修改事项编码的前11位，请先调整子项。")
        if code and edition and PermitItem.objects.filter(edition=edition, code=code).exclude(pk=self.instance.pk).exists():
            self.add_error("code", f"本清单中已有事项编码“{code}”")
        return data


@admin.register(PermitItem)
class PermitItemAdmin(ScopedAdmin):
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
            sub.item_prefix = rules.item_prefix(item.code)
            sub.save()
        for sub in formset.deleted_objects:
            sub.delete()
        formset.save_m2m()


class ChildRowForm(forms.ModelForm):
    """A row under a parent row: its code starts with the parent's, is unique in the edition, and the
    parent's edition is open. Subclasses name the parent field, the prefix and the messages."""
    parent_field = ""
    prefix_message = ""
    row_label = ""
    parent_label = ""

    def code_prefix(self, parent):
        return parent.code

    def clean(self):
        data = super().clean()
        parent, code = data.get(self.parent_field), data.get("code")
        if parent and code:
            prefix = self.code_prefix(parent)
            model = self._meta.model
            if not code.startswith(prefix):
                self.add_error("code", self.prefix_message.format(prefix=prefix))
            elif model.objects.filter(edition_id=parent.edition_id, code=code).exclude(pk=self.instance.pk).exists():
                self.add_error("code", f"本清单中已有{self.row_label}编码“{code}”")
            if not parent.get_edition().is_editable:
                self.add_error(self.parent_field, f"该{self.parent_label}所在清单不是草稿，不能修改。")
        return data


class SubItemForm(ChildRowForm):
    parent_field, row_label, parent_label = "item", "子项", "事项"
    prefix_message = "子项编码应以事项编码的前11位“{prefix}”开头"

    class Meta:
        model = SubItem
        fields = "__all__"

    def code_prefix(self, parent):
        return rules.item_prefix(parent.code)


@admin.register(SubItem)
class SubItemAdmin(ScopedAdmin):
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
        obj.item_prefix = rules.item_prefix(obj.item.code)
        super().save_model(request, obj, form, change)


class MaterialInline(LockedInlineMixin, admin.TabularInline):
    model = Material
    fields = ("seq", "name", "required", "form", "copies", "source", "notes")
    extra = 0


class HandlingItemForm(ChildRowForm):
    parent_field, row_label, parent_label = "sub_item", "业务办理项", "子项"
    prefix_message = "业务办理项编码应以子项编码“{prefix}”开头"

    class Meta:
        model = HandlingItem
        fields = "__all__"


@admin.register(HandlingItem)
class HandlingItemAdmin(ScopedAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        warning = rules.full_online_asks_originals(obj.online_depth, obj.visits,
                                                   obj.materials.values_list("name", "form"))
        if warning:
            self.message_user(request, warning, messages.WARNING)


@admin.register(Material)
class MaterialAdmin(ScopedAdmin):
    department_lookup = "handling_item__sub_item__item__department"
    list_display = ("name", "handling_item", "required", "form", "copies")
    list_filter = ("handling_item__edition", "required", "form")
    search_fields = ("name", "handling_item__code", "handling_item__name")
    list_select_related = ("handling_item",)
    autocomplete_fields = ("handling_item",)

    def get_model_perms(self, request):
        # Materials are edited inline on their handling item; keep them off the admin index.
        return {}
