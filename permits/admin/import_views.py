"""Admin views of the permit catalogue: import (upload → preview → confirm), export and template download.

Between preview and confirm the uploaded bytes wait in a private temporary file named by a random
token kept in the session; uploads are never served back.
"""
import re
import secrets
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from permits.importing.errors import ImportFailed
from permits.importing.formats import EXPORT_FORMATS, IMPORT_FORMATS, MAX_BYTES
from permits.models import EditionStatus, PermitCatalogue
from permits.selectors.export import permit_export_file, permit_template_file
from permits.services.importing import catalogue_import

SESSION_KEY = "permit_import"
PREVIEW_LIMIT = 1000
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# The django-import-export formats (encoding-detecting CSV, formula-safe XLSX) decide what is offered.
FORMATS = tuple(f().get_extension() for f in EXPORT_FORMATS)
UPLOAD_EXTENSIONS = tuple("." + f().get_extension() for f in IMPORT_FORMATS)


def _upload_dir():
    folder = Path(tempfile.gettempdir()) / "portal-permit-imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _stash(data):
    """Keep the upload for the confirm step; old leftovers (over a day) are removed on the way."""
    folder = _upload_dir()
    for old in folder.glob("*.upload"):
        try:
            if time.time() - old.stat().st_mtime > 86400:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(32)
    (folder / f"{token}.upload").write_bytes(data)
    return token


def _stashed_path(token):
    if not token or not _TOKEN.match(token):
        return None
    return _upload_dir() / f"{token}.upload"


def _attachment(data, name, content_type):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def export_response(edition, fmt):
    if fmt not in FORMATS:
        raise Http404
    return _attachment(*permit_export_file(edition, fmt))


def export_download(model_admin):
    def view(request, pk, fmt):
        edition = get_object_or_404(PermitCatalogue, pk=pk)
        if not model_admin.has_view_permission(request, edition):
            raise PermissionDenied
        return export_response(edition, fmt)
    return view


def template_download(model_admin):
    def view(request, fmt):
        if fmt not in FORMATS:
            raise Http404
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        return _attachment(*permit_template_file(fmt))
    return view


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("xlsx 或 csv（UTF-8 或 GB18030 编码），不超过 10 MB；一行一个业务办理项。"))
    edition = forms.ModelChoiceField(
        label=_("导入到草稿清单"), required=False, queryset=PermitCatalogue.objects.none(),
        help_text=_("已有事项按编码更新，新编码新增。"),
    )
    new_edition_title = forms.CharField(
        label=_("或新建市本级草稿清单"), required=False, max_length=200,
        help_text=_("例如：新余市行政许可事项清单（2024年版）"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = PermitCatalogue.objects.filter(status=EditionStatus.DRAFT).select_related("region")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"文件大小为 {upload.size / 1048576:.1f} MB，超过 10 MB 上限，请拆分后分批导入。")
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError("只支持 .xlsx 和 .csv 文件。")
        return upload

    def clean(self):
        data = super().clean()
        if bool(data.get("edition")) == bool((data.get("new_edition_title") or "").strip()):
            raise forms.ValidationError("请选择一个草稿清单，或填写新清单的标题（二者选一）。")
        return data


class ImportView(View):
    model_admin = None
    template_name = "admin/permits/permitcatalogue/import.html"

    def dispatch(self, request, *args, **kwargs):
        if not (self.model_admin.has_change_permission(request) or self.model_admin.has_add_permission(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, **context):
        admin = self.model_admin
        context = {
            **admin.admin_site.each_context(request), "opts": admin.opts, "title": _("导入行政许可事项清单"),
            "preview_limit": PREVIEW_LIMIT, **context,
        }
        return TemplateResponse(request, self.template_name, context)

    def get(self, request):
        return self.render(request, form=ImportForm())

    def post(self, request):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form=form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        edition = form.cleaned_data.get("edition")
        title = (form.cleaned_data.get("new_edition_title") or "").strip()
        try:
            summary = catalogue_import(data, upload.name, edition=edition, new_edition_title=title or None,
                                       dry_run=True, user=request.user)
        except ImportFailed as failure:
            return self.render(request, form=form, problems=failure.problems)
        previous = request.session.get(SESSION_KEY)
        if previous:
            self._discard(previous)
        token = _stash(data)
        request.session[SESSION_KEY] = {
            "token": token, "filename": upload.name, "edition": edition.pk if edition else None, "title": title,
        }
        return self.render(request, form=None, summary=summary, token=token, filename=upload.name,
                           target=edition or title, new_edition=not edition,
                           preview=summary.preview[:PREVIEW_LIMIT])

    def confirm(self, request):
        pending = request.session.get(SESSION_KEY)
        if not pending or request.POST.get("token") != pending["token"]:
            messages.error(request, _("导入预览已过期，请重新上传文件。"))
            return redirect(request.path)
        path = _stashed_path(pending["token"])
        if path is None or not path.exists():
            request.session.pop(SESSION_KEY, None)
            messages.error(request, _("导入预览已过期，请重新上传文件。"))
            return redirect(request.path)
        edition = None
        if pending["edition"]:
            edition = PermitCatalogue.objects.filter(pk=pending["edition"]).first()
            if edition is None:
                self._discard(pending)
                request.session.pop(SESSION_KEY, None)
                messages.error(request, _("要导入的清单已不存在。"))
                return redirect(request.path)
        try:
            summary = catalogue_import(path.read_bytes(), pending["filename"], edition=edition,
                                       new_edition_title=pending["title"] or None, user=request.user)
        except ImportFailed as failure:
            return self.render(request, form=ImportForm(), problems=failure.problems)
        finally:
            self._discard(pending)
            request.session.pop(SESSION_KEY, None)
        messages.success(request, f"已导入《{summary.target}》：{summary.describe()}")
        opts = self.model_admin.opts
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[summary.target.pk]))

    @staticmethod
    def _discard(pending):
        path = _stashed_path(pending.get("token"))
        if path is not None:
            path.unlink(missing_ok=True)
