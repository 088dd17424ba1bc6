"""Import with preview (upload → dry run → confirm), export and import template of an edition admin."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from permits.kernel.importing.cells import CLEAR_MARKER
from permits.kernel.importing.errors import ImportFailed
from permits.kernel.importing.formats import IMPORT_FORMATS, MAX_BYTES, sparse_notes
from permits.models import EditionStatus
from permits.kernel.exporting import export_response
from permits.kernel.access.scope import user_departments

from permits.kernel.admin.editions.uploads import upload_discard, upload_pending, upload_stash

PREVIEW_LIMIT = 1000
UPLOAD_EXTENSIONS = tuple("." + f().get_extension() for f in IMPORT_FORMATS)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("xlsx 或 csv（UTF-8 或 GB18030 编码），不超过 10 MB。"))

    # Fields that choose the target; dropped when the URL names the edition.
    target_fields = ("edition",)

    def __init__(self, *args, editions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editions is None:
            for name in self.target_fields:
                self.fields.pop(name, None)
        elif "edition" in self.fields:
            self.fields["edition"].queryset = editions
        else:
            # Without a target in the URL the form asks for a draft.
            self.fields["edition"] = forms.ModelChoiceField(label=_("导入到草稿"), queryset=editions)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"文件大小为 {upload.size / 1048576:.1f} MB，超过 {MAX_BYTES // 1048576} MB 上限，请拆分后分批导入。")
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError("只支持 .xlsx 和 .csv 文件。")
        return upload

    def import_target(self, edition):
        """(edition, options for the import service kept until confirm; JSON-serialisable)."""
        return edition or self.cleaned_data.get("edition"), {}


class EditionImportMixin:
    """Import with preview, export and import template of an edition admin; set the hooks below."""

    import_form_class = ImportForm
    import_title = _("导入")
    import_help = _("上传 xlsx 或 csv 文件，先预览将要写入的变化，确认后才写入；整个导入在一个事务中完成，有任何错误都不会写入。")
    import_expired_redirects = False  # True: an expired preview goes back to the upload page with a message
    preview_headers = ()
    export_formats = ("xlsx", "csv")
    template_formats = ("xlsx", "csv")
    rows_changelist = None
    change_form_template = "admin/edition_change_form.html"
    change_list_template = "admin/edition_change_list.html"

    # ---- hooks ----
    def import_run(self, data, filename, edition, options, *, dry_run, user):
        """Call the catalogue's import service; returns its ImportSummary or raises ImportFailed."""
        raise NotImplementedError

    def import_description(self, summary):
        return summary.describe()

    def preview_entries(self, summary):
        return summary.preview

    def preview_row(self, entry):
        return [entry.get(key, "") for key in ("row", "action", "code", "name")]

    def preview_changes(self, entry):
        """The entry's FieldChanges (old → new, cleared), shown in the last column."""
        return entry.get("changes") or []

    def preview_unchanged(self, entry):
        return (entry.get("action") or entry.get("status")) == "不变"

    def export_spec(self, edition):
        """The catalogue's ExportSpec of `edition` (permits.kernel.exporting), the same one its public export uses."""
        raise NotImplementedError

    def template_spec(self):
        """The ExportSpec of the import template (headers and example rows)."""
        raise NotImplementedError

    def template_body(self, fmt):
        """Hook: the template's bytes when a catalogue builds a richer file; None lets the exporter write it."""
        return None

    def template_notes(self):
        """Rows of the template's 说明 sheet: the sparse-file rule every import shares, then the catalogue's own."""
        return sparse_notes()

    def rows_url(self, edition):
        """The changelist of the rows of `edition` (`rows_changelist` is "<app_label>_<model>" of its rows)."""
        if not self.rows_changelist:
            return None
        return reverse(f"admin:{self.rows_changelist}_changelist") + f"?edition__id__exact={edition.pk}"

    def import_done_url(self, edition):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[edition.pk])

    def has_import_permission(self, request):
        return self.has_change_permission(request)

    def import_refusal(self, request, edition):
        if edition is not None and not edition.is_editable:
            return _("《%(edition)s》不是草稿（%(status)s），不能导入；请复制为新草稿后再导入。") % {
                "edition": edition, "status": edition.get_status_display()}
        if user_departments(request.user) is not None:
            return _("导入会替换整个%(noun)s的内容，只有不限部门的工作人员可以导入。") % {"noun": self.edition_noun}
        return None

    # ---- urls and pages ----
    def get_urls(self):
        # edition_paths: EditionAdminMixin, always combined with this one (EditionAdmin).
        return [*self.edition_paths(
            ("import/", self.import_view, "import"),
            ("<int:pk>/import/", self.import_view, "import"),
            ("<int:pk>/export.<str:fmt>", self.export_view, "export"),
            ("import-template.xlsx", self.template_view, "template", {"fmt": "xlsx"}),
            ("import-template.<str:fmt>", self.template_view, "template"),
        ), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None and obj.is_editable and self.has_import_permission(request):
            extra_context["import_url"] = self._url("import", obj.pk)
        if obj is not None:
            extra_context["rows_url"] = self.rows_url(obj)
        extra_context["edition_noun"] = self.edition_noun
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "template_formats": self.template_formats,
                         "import_allowed": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def export_response(self, request, edition, fmt):
        if fmt not in self.export_formats:
            raise Http404(_("不支持的导出格式"))
        return export_response(request, self.export_spec(edition), fmt, max_age=None)

    def export_view(self, request, pk, fmt):
        return self.export_response(request, self._edition(request, pk), fmt)

    def template_view(self, request, fmt):
        if fmt not in self.template_formats:
            raise Http404(_("不支持的模板格式"))
        if not self.has_view_permission(request):
            raise PermissionDenied
        body = self.template_body(fmt)
        spec = self.template_spec()
        spec.notes = self.template_notes()
        return export_response(request, spec, fmt, body=None if body is None else lambda: body, max_age=None)

    def _export_one(self, request, queryset, fmt):
        editions = list(queryset[:2])
        if len(editions) != 1:
            noun = self.edition_noun
            self.message_user(request, _("一次只能导出一个%(noun)s，请只选择一个%(noun)s导出。") % {"noun": noun},
                              messages.ERROR)
            return None
        return self.export_response(request, editions[0], fmt)

    @admin.action(description=_("导出 Excel"), permissions=["view"])
    def action_export_xlsx(self, request, queryset):
        return self._export_one(request, queryset, "xlsx")

    @admin.action(description=_("导出 CSV"), permissions=["view"])
    def action_export_csv(self, request, queryset):
        return self._export_one(request, queryset, "csv")

    # ---- import: upload → preview → confirm ----
    def import_view(self, request, pk=None):
        edition = self._edition(request, pk) if pk is not None else None
        if not self.has_import_permission(request):
            raise PermissionDenied
        drafts = None if edition else self.get_queryset(request).filter(status=EditionStatus.DRAFT)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "edition": edition,
            "title": format_html("{}：{}", self.import_title, edition) if edition else self.import_title,
            "import_help": self.import_help, "columns": self.template_spec().headers,
            "template_formats": self.template_formats, "has_view_permission": True,
        }
        context["refusal"] = self.import_refusal(request, edition)
        if context["refusal"] or request.method != "POST":
            context["form"] = self.import_form_class(editions=drafts)
        elif request.POST.get("token"):
            return self._import_confirm(request, edition, drafts, context)
        else:
            self._import_preview(request, edition, drafts, context)
        return TemplateResponse(request, "admin/edition_import.html", context)

    def _import_preview(self, request, edition, drafts, context):
        form = context["form"] = self.import_form_class(request.POST, request.FILES, editions=drafts)
        if not form.is_valid():
            return
        upload = form.cleaned_data["file"]
        data = upload.read()
        target, options = form.import_target(edition)
        try:
            summary = self.import_run(data, upload.name, target, options, dry_run=True, user=request.user)
        except ImportFailed as failure:
            context["problems"] = [str(p) for p in failure.problems]
            return
        token = upload_stash(request, self.model, data, filename=upload.name[:200],
                             edition=target.pk if target else None, options=options)
        entries = self.preview_entries(summary)
        rows = [{"cells": self.preview_row(e), "changes": self.preview_changes(e), "unchanged": self.preview_unchanged(e)}
                for e in entries]
        changed = [row for row in rows if not row["unchanged"]]
        context.update(
            form=None, summary=summary, token=token, file_name=upload.name, description=self.import_description(summary),
            target=target or options.get("new_edition_title", ""), new_edition=target is None,
            preview_headers=self.preview_headers, preview=changed[:PREVIEW_LIMIT], preview_more=len(changed) > PREVIEW_LIMIT,
            preview_limit=PREVIEW_LIMIT, unchanged=[row for row in rows if row["unchanged"]],
            warnings=[str(w) for w in summary.warnings], clear_marker=CLEAR_MARKER,
        )

    def _import_confirm(self, request, edition, drafts, context):
        pending = upload_pending(request, self.model, request.POST["token"], edition.pk if edition else None)
        target = edition
        if pending and pending[0]["edition"] and edition is None:
            target = self.get_queryset(request).filter(pk=pending[0]["edition"]).first()
        if pending is None or (pending[0]["edition"] and target is None):
            upload_discard(request, self.model)
            if self.import_expired_redirects:
                messages.error(request, _("导入预览已过期或无效，请重新上传文件。"))
                return HttpResponseRedirect(request.path)
            context.update(notice=_("预览已过期或无效，请重新上传文件。"), form=self.import_form_class(editions=drafts))
            return TemplateResponse(request, "admin/edition_import.html", context)
        entry, data = pending
        try:
            summary = self.import_run(data, entry["filename"], target, entry["options"], dry_run=False, user=request.user)
        except ImportFailed as failure:
            context.update(problems=[str(p) for p in failure.problems], form=self.import_form_class(editions=drafts))
            return TemplateResponse(request, "admin/edition_import.html", context)
        except ValidationError as error:  # e.g. EditionLocked: the edition left draft in between
            context.update(problems=error.messages, form=self.import_form_class(editions=drafts))
            return TemplateResponse(request, "admin/edition_import.html", context)
        finally:
            upload_discard(request, self.model)
        target = getattr(summary, "target", None) or target
        self.message_user(request, format_html("《{}》导入完成：{}", target, self.import_description(summary)),
                          messages.SUCCESS)
        return HttpResponseRedirect(self.import_done_url(target))
