"""Uploads waiting between import preview and confirm, and the import template."""
import datetime
import io
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from intermediaries.importing import CHOICE_FIELDS, IntermediaryImporter, allowed_text
from intermediaries.models import IntermediaryService
from intermediaries.selectors import PERMIT_REF_SEP, SERVICE_HEADERS

# Uploads wait here between preview and confirm: private storage, never served, removed after a day.
STAGING_DIR = "private/intermediary-imports"
STAGING_MAX_AGE = datetime.timedelta(days=1)
SESSION_KEY = "intermediary_imports"


def stage_upload(request, edition, filename, data):
    """Keep an upload in private storage until it is confirmed; returns the token the form carries."""
    _purge_stale_uploads()
    token = secrets.token_hex(16)
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    name = default_storage.save(f"{STAGING_DIR}/{token}{suffix}", ContentFile(data))
    staged = dict(request.session.get(SESSION_KEY, {}))
    # One waiting upload per list and user is enough.
    for old_token, entry in list(staged.items()):
        if entry.get("edition") == edition.pk:
            _delete_quietly(entry.get("name"))
            del staged[old_token]
    staged[token] = {"name": name, "filename": filename[:200], "edition": edition.pk, "user": request.user.pk}
    request.session[SESSION_KEY] = staged
    return token


def unstage_upload(request, token):
    staged = dict(request.session.get(SESSION_KEY, {}))
    entry = staged.pop(token, None)
    if entry:
        _delete_quietly(entry.get("name"))
    request.session[SESSION_KEY] = staged


def _delete_quietly(name):
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:
        pass


def _purge_stale_uploads():
    try:
        _dirs, files = default_storage.listdir(STAGING_DIR)
    except (OSError, NotImplementedError):
        return
    cutoff = timezone.now() - STAGING_MAX_AGE
    for file_name in files:
        name = f"{STAGING_DIR}/{file_name}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (OSError, NotImplementedError):
            continue


def import_template_xlsx():
    """An empty sheet with the import headers, and a second sheet explaining each column."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "中介服务事项清单"
    sheet.append(SERVICE_HEADERS)
    help_sheet = workbook.create_sheet("填写说明")
    help_sheet.append(["列名", "是否必填", "说明"])
    importer = IntermediaryImporter()
    notes = {
        "seq": "正整数，清单内不能重复；按序号更新已有事项，文件中没有的序号将被删除",
        "permit_items": f"已发布的行政许可事项清单中的事项编码或完整名称，多个用“{PERMIT_REF_SEP}”分隔；"
                        "也可写成“名称（编码）”",
        "department": "须与“部门”中的名称或简称一致",
    }
    for column in importer.columns:
        note = notes.get(column.key, "")
        if column.key in CHOICE_FIELDS:
            values = [value for value, _label in IntermediaryService._meta.get_field(column.key).choices]
            note = "可选值：" + allowed_text(values)
        help_sheet.append([column.header, "是" if column.required else "否", note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
