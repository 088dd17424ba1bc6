"""Hostile input against the public pages and the import: never a 500, nothing unescaped, nothing stored
that should not be.

Routes that are not in the URLconf yet (they arrive with other branches) may answer 404; once a
route resolves, it must answer 200 or 400 (lists) or 404 (an unknown object), whatever it is fed.
"""
import csv
import io
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from permits.kernel.importing.base import Column, SpreadsheetImporter
from permits.kernel.importing.errors import ImportFailed
from permits.kernel.exporting import write_csv
from permits.models import Department, Region

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = [
    "x" * 5000,
    "中" * 3000,
    "a\x00b\x01c\x1b[31m\x7f",
    "' OR 1=1 --",
    "1; DROP TABLE permits_permititem; --",
    "%' UNION SELECT username, password FROM auth_user --",
    SCRIPT,
    IMG,
    "{{ settings.SECRET_KEY }}{% debug %}",
    "../../../../etc/passwd",
    "=HYPERLINK(\"http://x\")",
    "\u202e\ufeff\u200b",
]
LIST_PATHS = ["/", "/permits/", "/intermediaries/", "/powers/", "/reports/", "/healthz", "/admin/login/"]
DETAIL_PATHS = ["/permits/{}/", "/permits/guide/{}/"]
PARAMS = ["q", "page", "department", "level", "year", "sort", "zh"]
HUGE_PAGES = ["99999999999999999999999", "-1", "0", "1e9", "NaN", "２"]


def route_exists(path):
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def check(response, path, allowed):
    status = response.status_code
    if not route_exists(path):
        assert status == 404, f"{path}: {status}"
        return
    assert status in allowed, f"{path}: {status}"
    body = response.content
    assert SCRIPT.encode() not in body, f"{path} renders a script tag unescaped"
    assert b"<img src=x onerror" not in body, f"{path} renders an attribute injection unescaped"
    assert settings.SECRET_KEY.encode() not in body, path


@pytest.fixture
def client():
    return Client(raise_request_exception=True)


@pytest.mark.django_db
@pytest.mark.parametrize("path", LIST_PATHS)
def test_list_pages_with_hostile_query_strings(client, path):
    for param in PARAMS:
        for payload in PAYLOADS + HUGE_PAGES:
            check(client.get(path, {param: payload}), path, {200, 400})


@pytest.mark.django_db
@pytest.mark.parametrize("path", LIST_PATHS)
def test_invalid_utf8_in_query_string(client, path):
    for raw in ("q=%FF%FE%FD", "page=%C0%AF", "q=\xff\xfe", "q=%00%0A%0D", "%%%=&&&=="):
        check(client.get(path, QUERY_STRING=raw), path, {200, 400})


@pytest.mark.django_db
@pytest.mark.parametrize("template", DETAIL_PATHS)
def test_detail_pages_with_hostile_codes(client, template):
    for payload in PAYLOADS:
        path = template.format(quote(payload.replace("\x00", ""), safe=""))
        check(client.get(path), path, {200, 400, 404})


# ---- the import base, with a minimal importer of departments ----

class DepartmentImporter(SpreadsheetImporter):
    catalogue = "测试部门"
    columns = [
        Column("部门名称", "name", required=True),
        Column("简称", "short_name"),
        Column("排序", "order", kind="int"),
    ]

    def build(self, records, target, summary):
        for record in records:
            name = record["name"]
            if not name:
                self.problem(record.row, "部门名称", "不能为空")
            elif len(name) > Department._meta.get_field("name").max_length:
                self.problem(record.row, "部门名称", "超过64个字符")
            if len(record["short_name"]) > Department._meta.get_field("short_name").max_length:
                self.problem(record.row, "简称", "超过32个字符")
        if self.problems:
            return
        for record in records:
            Department.objects.create(name=record["name"], short_name=record["short_name"],
                                      order=record["order"] or 0, region=target)
            summary.add("部门")


def sheet(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["部门名称", "简称", "排序"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.django_db
def test_import_refuses_hostile_rows_atomically():
    region = Region.objects.create(name="市本级", kind=Region.Kind.CITY)
    rows = [["市好部门", "好", "1"], ["x" * 5000, "", "2"], ["市另一部门", "y" * 100, "3"]]
    with pytest.raises(ImportFailed) as failure:
        DepartmentImporter().run(sheet(rows), "hostile.csv", region)
    messages = "\n".join(str(p) for p in failure.value.problems)
    assert "第3行" in messages and "第4行" in messages
    assert not Department.objects.exists()  # atomic: the good row was not kept either


@pytest.mark.django_db
def test_import_reports_control_characters_and_keeps_text_inert():
    region = Region.objects.create(name="市本级", kind=Region.Kind.CITY)
    # Issue 15: control characters are reported with their row and column, not stripped silently.
    with pytest.raises(ImportFailed) as refused:
        DepartmentImporter().run(sheet([["市\x01测试\x1b局\x7f", "a\u200bb", "1"]]), "hostile.csv", region)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "部门名称")]
    assert not Department.objects.exists()
    rows = [
        ["市测\u200b试局", "a\u200bb", "1"],
        [SCRIPT, "'; DROP TABLE x; --", "2"],
        ["=cmd|' /C calc'!A0", "@SUM(1)", "3"],
    ]
    DepartmentImporter().run(sheet(rows), "hostile.csv", region)
    names = list(Department.objects.order_by("order").values_list("name", flat=True))
    assert names[0] == "市测试局"  # zero-width spaces are formatting, dropped
    assert names[1] == SCRIPT  # stored as text; templates escape it
    exported = write_csv(["部门名称"], [[n] for n in names]).decode("utf-8-sig")
    assert "\n'=cmd|" in exported.replace("\r\n", "\n")  # neutralised for spreadsheets


@pytest.mark.django_db
@pytest.mark.parametrize("data,filename", [
    (b"\xff\xfe\x00\x00garbage\x80\x81", "x.csv"),
    (b"\x81\x30\xff\xff\xfe" * 50, "bad.csv"),
    (b"PK\x03\x04not really a zip", "x.xlsx"),
    (b"<html><script>alert(1)</script></html>", "x.exe"),
    (b"", "empty.csv"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "old.xls"),
])
def test_import_refuses_broken_files_with_a_message(data, filename):
    region = Region.objects.create(name="市本级", kind=Region.Kind.CITY)
    with pytest.raises(ImportFailed) as failure:
        DepartmentImporter().run(data, filename, region)
    assert failure.value.problems and all(str(p) for p in failure.value.problems)
    assert not Department.objects.exists()
