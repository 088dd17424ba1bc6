"""What every edition admin (permit catalogue, power catalogue, intermediary list) shares.

`EditionAdminMixin`: the lifecycle actions (提交审核 / 退回修改 / 发布 / 复制为新草稿) through
permits.services.editions, limited by role (ScopedAdmin.has_<name>_permission), and row counts per edition.
`EditionImportMixin`: upload → dry-run preview → confirm, export and import template, driven by hooks
(`import_run`, `preview_headers`/`preview_row`, `export_headers`/`export_rows`). Between preview and
confirm the upload waits in a private file under MEDIA_ROOT/private/imports, named by a random token the
session keeps with the user and target edition; it is deleted after confirm and never served back.
Non-draft editions are read-only through ScopedAdmin.
"""
import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from permits.importing.errors import ImportFailed
from permits.importing.formats import IMPORT_FORMATS, MAX_BYTES, write_csv, write_xlsx
from permits.models import EditionStatus
from permits.selectors.export import export_types
from permits.selectors.scope import user_departments
from permits.services.editions import edition_copy, edition_publish, edition_send_back, edition_submit

from .base import ScopedAdmin

PREVIEW_LIMIT = 1000
STALE_SECONDS = 24 * 3600
UPLOAD_EXTENSIONS = tuple("." + f().get_extension() for f in IMPORT_FORMATS)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def rows_count(model, link="edition"):
    """Rows of `model` per edition as one correlated subquery (constant query count, no join fan-out)."""
    rows = (model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link)
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def count_column(name, description):
    """A list_display column showing the annotation `name` (see EditionAdminMixin.counts)."""
    @admin.display(description=description, ordering=name)
    def column(self, obj):
        return getattr(obj, name)
    return column


# ---- the upload between preview and confirm ----

def import_dir():
    folder = Path(settings.MEDIA_ROOT) / "private" / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def import_session_key(model):
    return f"edition_import:{model._meta.label_lower}"


def stashed_path(token):
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    return import_dir() / f"{token}.upload"


def upload_discard(request, model):
    entry = request.session.pop(import_session_key(model), None)
    found = stashed_path(entry.get("token")) if entry else None
    if found is not None:
        found.unlink(missing_ok=True)


def upload_stash(request, model, data, **entry):
    """Keep `data` for the confirm step (one waiting upload per catalogue and session); returns the token."""
    upload_discard(request, model)
    folder = import_dir()
    now = time.time()
    for old in folder.glob("*.upload"):
        try:
            if now - old.stat().st_mtime > STALE_SECONDS:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(32)
    (folder / f"{token}.upload").write_bytes(data)
    request.session[import_session_key(model)] = {"token": token, "user": request.user.pk, **entry}
    return token


def upload_pending(request, model, token, edition_pk=None):
    """(session entry, bytes) of the upload `token` names, if this session staged it for this user (and edition)."""
    entry = request.session.get(import_session_key(model))
    if not entry or entry.get("token") != token or entry.get("user") != request.user.pk:
        return None
    if edition_pk is not None and entry.get("edition") != edition_pk:
        return None
    found = stashed_path(token)
    try:
        return entry, found.read_bytes()
    except (OSError, AttributeError):
        return None


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


class EditionAdminMixin:
    """Lifecycle actions and row counts for an edition admin (use with ScopedAdmin)."""

    actions = ["action_submit", "action_send_back", "action_publish", "action_copy"]
    edition_noun = _("清单")
    # annotation name → (row model, link from the row to the edition); show with count_column(name, …)
    counts = {}
    submit_message = _("《{edition}》已提交审核。")
    send_back_message = _("《{edition}》已退回修改。")
    publish_message = _("《{edition}》已发布。")
    copy_message = _("已由《{edition}》复制出新草稿《{new}》。")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.counts:
            queryset = queryset.annotate(**{
                name: rows_count(model, link) for name, (model, link) in self.counts.items()})
        return queryset

    def copy_edition(self, edition, *, user):
        """The copy service; a catalogue whose copies carry more (e.g. `replaces`) overrides it."""
        return edition_copy(edition, user=user)

    def _each(self, request, queryset, step, message):
        for edition in queryset:
            try:
                new = step(edition)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
            else:
                link = new
                if new is not edition and getattr(new, "pk", None):
                    url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[new.pk])
                    link = format_html('<a href="{}">{}</a>', url, new)
                self.message_user(request, format_html(str(message), edition=edition, new=link), messages.SUCCESS)

    @admin.action(description=_("提交审核"), permissions=["submit"])
    def action_submit(self, request, queryset):
        self._each(request, queryset, lambda e: edition_submit(e, user=request.user), self.submit_message)

    @admin.action(description=_("发布"), permissions=["publish"])
    def action_publish(self, request, queryset):
        if queryset.count() != 1:
            noun = self.edition_noun
            self.message_user(request, _("一次只能发布一个%(noun)s，请只选择一个。") % {"noun": noun}, messages.ERROR)
            return
        self._each(request, queryset, lambda e: edition_publish(e, user=request.user, require_submitted=True),
                   self.publish_message)

    @admin.action(description=_("退回修改"), permissions=["send_back"])
    def action_send_back(self, request, queryset):
        comment = request.POST.get("review_comment", "")
        if "apply" in request.POST and comment.strip():
            self._each(request, queryset, lambda e: edition_send_back(e, user=request.user, comment=comment),
                       self.send_back_message)
            return None
        return TemplateResponse(request, "security/send_back.html", {
            **self.admin_site.each_context(request), "title": _("退回修改"), "queryset": queryset,
            "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "missing_comment": "apply" in request.POST,
        })

    @admin.action(description=_("复制为新草稿"), permissions=["add"])
    def action_copy(self, request, queryset):
        self._each(request, queryset, lambda e: self.copy_edition(e, user=request.user), self.copy_message)


class EditionImportMixin:
    """Import with preview, export and import template of an edition admin; set the hooks below."""

    import_form_class = ImportForm
    import_title = _("导入")
    import_help = _("上传 xlsx 或 csv 文件，先预览将要写入的变化，确认后才写入；整个导入在一个事务中完成，有任何错误都不会写入。")
    import_expired_redirects = False  # True: an expired preview goes back to the upload page with a message
    preview_headers = ()
    export_headers = ()
    export_sheet_title = "Sheet1"
    export_formats = ("xlsx", "csv")
    template_formats = ("xlsx", "csv")
    template_name = "导入模板"
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

    def preview_unchanged(self, entry):
        return (entry.get("action") or entry.get("status")) == "不变"

    def export_rows(self, edition):
        raise NotImplementedError

    def template_rows(self):
        return []

    def template_file(self, fmt):
        rows = self.template_rows()
        if fmt == "csv":
            return write_csv(self.export_headers, rows)
        return write_xlsx(self.export_headers, rows, title=self.export_sheet_title)

    def rows_url(self, edition):
        """The changelist of the rows of `edition` (`rows_changelist` is e.g. "permits_permititem")."""
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
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=f"{info}_import"),
            path("<int:pk>/import/", wrap(self.import_view), name=f"{info}_import"),
            path("<int:pk>/export.<str:fmt>", wrap(self.export_view), name=f"{info}_export"),
            path("import-template.xlsx", wrap(self.template_view), {"fmt": "xlsx"}, name=f"{info}_template"),
            path("import-template.<str:fmt>", wrap(self.template_view), name=f"{info}_template"),
            *super().get_urls(),
        ]

    def _url(self, name, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def _edition(self, request, pk):
        edition = self.get_queryset(request).filter(pk=pk).first() if pk < 2**63 else None
        if edition is None or not self.has_view_permission(request, edition):
            raise Http404(_("没有找到该记录。"))
        return edition

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

    def export_response(self, edition, fmt):
        if fmt not in self.export_formats:
            raise Http404(_("不支持的导出格式"))
        rows = self.export_rows(edition)
        if fmt == "csv":
            body = write_csv(self.export_headers, rows)
        else:
            body = write_xlsx(self.export_headers, rows, title=self.export_sheet_title)
        return self._attachment(body, "{}.{}".format(re.sub(r'[\\/:*?"<>|\s]+', "_", str(edition.title)), fmt), fmt)

    @staticmethod
    def _attachment(body, filename, fmt):
        response = HttpResponse(body, content_type=export_types()[fmt])
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response

    def export_view(self, request, pk, fmt):
        return self.export_response(self._edition(request, pk), fmt)

    def template_view(self, request, fmt):
        if fmt not in self.template_formats:
            raise Http404(_("不支持的模板格式"))
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._attachment(self.template_file(fmt), f"{self.template_name}.{fmt}", fmt)

    def _export_one(self, request, queryset, fmt):
        editions = list(queryset[:2])
        if len(editions) != 1:
            noun = self.edition_noun
            self.message_user(request, _("一次只能导出一个%(noun)s，请只选择一个%(noun)s导出。") % {"noun": noun},
                              messages.ERROR)
            return None
        return self.export_response(editions[0], fmt)

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
            "import_help": self.import_help, "columns": self.export_headers,
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
        changed = [self.preview_row(e) for e in entries if not self.preview_unchanged(e)]
        context.update(
            form=None, summary=summary, token=token, file_name=upload.name, description=self.import_description(summary),
            target=target or options.get("new_edition_title", ""), new_edition=target is None,
            preview_headers=self.preview_headers, preview=changed[:PREVIEW_LIMIT], preview_more=len(changed) > PREVIEW_LIMIT,
            preview_limit=PREVIEW_LIMIT, unchanged=[self.preview_row(e) for e in entries if self.preview_unchanged(e)],
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


class EditionAdmin(EditionImportMixin, EditionAdminMixin, ScopedAdmin):
    """An edition admin with everything: lifecycle, counts, import with preview, export, template."""

    actions = ["action_submit", "action_send_back", "action_publish", "action_copy",
               "action_export_xlsx", "action_export_csv"]
