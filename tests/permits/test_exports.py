"""Every export, public or admin, answers in one style: one exporter (permits.kernel.exporting) behind all of them."""
import io
import json
import re
from urllib.parse import unquote

from django.contrib.auth.models import User
from django.test import TestCase
from openpyxl import load_workbook

from intermediaries.models import IntermediaryList
from intermediaries.services import intermediary_import
from permits.kernel.importing.formats import read_rows
from permits.kernel.lifecycle import edition_publish
from permits.models import PermitCatalogue, PowerCatalogue
from permits.powers.services import power_catalogue_import
from tests.factories import DepartmentFactory, HandlingItemFactory, build_catalogue
from tests.intermediaries.factories import IntermediaryListFactory, IntermediaryServiceFactory

from .factories_powers import DelegatedPowerFactory, PowerCatalogueFactory

PERMIT_TITLE = "新余市行政许可事项清单（2023年版）"
SERVICE_TITLE = "新余市中介服务事项清单（2024年版）"
POWER_TITLE = "新余市赋予新余高新区部分市级经济管理权限目录"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "json": "application/json; charset=utf-8"}
# Cells that a spreadsheet would run, and what every export must write instead (hand-written).
FORMULAS = {"=1+1": "'=1+1", "+86 12345": "'+86 12345", "-下放": "'-下放", "@SUM(A1)": "'@SUM(A1)",
            "\tTAB": "'\tTAB", "\rCR": "'\rCR"}
DISPOSITION = re.compile(r"""^attachment; filename="([A-Za-z0-9._-]+)"; filename\*=UTF-8''([A-Za-z0-9%._~-]+)$""")


class ExportStyleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.root = User.objects.create_superuser("root", "root@example.com", "Sup3r-Secret-Pass!")
        cls.permits = build_catalogue(items=1, subs=1, handlings=1)
        PermitCatalogue.objects.filter(pk=cls.permits.pk).update(title=PERMIT_TITLE)
        cls.permits.refresh_from_db()
        sub = cls.permits.items.get().sub_items.get()
        for seq, text in enumerate(FORMULAS, start=2):
            HandlingItemFactory(sub_item=sub, seq=seq, name=f"办理项{seq}", conditions=text)
        edition_publish(cls.permits)
        department = DepartmentFactory(region=cls.permits.region, name="新余市住房和城乡建设局")
        cls.services = IntermediaryListFactory(region=cls.permits.region, title=SERVICE_TITLE)
        for seq, text in enumerate(FORMULAS, start=1):
            IntermediaryServiceFactory(edition=cls.services, seq=seq, department=department, fee_basis=text)
        edition_publish(cls.services)
        cls.powers = PowerCatalogueFactory(title=POWER_TITLE)
        for seq, text in enumerate(FORMULAS, start=1):
            DelegatedPowerFactory(edition=cls.powers, seq=seq, department=department, remarks=text)
        edition_publish(cls.powers)

    # (what, URL, formats, Chinese file name, admin?)
    def exports(self):
        p, s, w = self.permits.pk, self.services.pk, self.powers.pk
        return [
            ("permits public", "/permits/export.{}", ("csv", "xlsx", "json"), PERMIT_TITLE, False),
            ("intermediaries public", "/intermediaries/export.{}", ("csv", "xlsx", "json"), SERVICE_TITLE, False),
            ("powers public", f"/powers/{w}/export.{{}}", ("csv", "xlsx", "json"), POWER_TITLE, False),
            ("permits admin", f"/admin/permits/permitcatalogue/{p}/export.{{}}", ("csv", "xlsx"), PERMIT_TITLE, True),
            ("intermediaries admin", f"/admin/intermediaries/intermediarylist/{s}/export.{{}}", ("csv", "xlsx"),
             SERVICE_TITLE, True),
            ("powers admin", f"/admin/permits/powercatalogue/{w}/export.{{}}", ("csv", "xlsx"), POWER_TITLE, True),
            ("permits template", "/admin/permits/permitcatalogue/import-template.{}", ("csv", "xlsx"),
             "行政许可事项清单导入模板", True),
            ("intermediaries template", "/admin/intermediaries/intermediarylist/import-template.{}", ("csv", "xlsx"),
             "中介服务事项清单导入模板", True),
            ("powers template", "/admin/permits/powercatalogue/import-template.{}", ("csv", "xlsx"),
             "赋权目录导入模板", True),
        ]

    def each(self):
        for what, url, formats, name, admin in self.exports():
            for fmt in formats:
                if admin:
                    self.client.force_login(self.root)
                else:
                    self.client.logout()
                yield what, url.format(fmt), fmt, name

    @staticmethod
    def body(response):
        return b"".join(response.streaming_content) if response.streaming else response.content

    def test_one_disposition_style_naming_the_list_in_chinese(self):
        for what, url, fmt, name in self.each():
            with self.subTest(what=what, fmt=fmt):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], CONTENT_TYPES[fmt])
                match = DISPOSITION.match(response["Content-Disposition"])
                self.assertIsNotNone(match, response["Content-Disposition"])
                self.assertTrue(match.group(1).endswith(f".{fmt}"))
                self.assertEqual(unquote(match.group(2)), f"{name}.{fmt}")

    def test_etag_and_last_modified_give_304(self):
        for what, url, fmt, _name in self.each():
            with self.subTest(what=what, fmt=fmt):
                first = self.client.get(url)
                self.assertRegex(first["ETag"], r'^"[a-z0-9-]+-[0-9a-f]{24}"$')
                again = self.client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
                self.assertEqual(again.status_code, 304)
                self.assertEqual(again["ETag"], first["ETag"])
                if "template" not in what:
                    self.assertTrue(first.has_header("Last-Modified"))
                    since = self.client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
                    self.assertEqual(since.status_code, 304)
                self.assertEqual(self.client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code, 200)

    def test_formats_have_their_own_etags(self):
        for what, url, formats, _name, admin in self.exports():
            if admin:
                self.client.force_login(self.root)
            with self.subTest(what=what):
                tags = {self.client.get(url.format(fmt))["ETag"] for fmt in formats}
                self.assertEqual(len(tags), len(formats))

    def test_formula_cells_are_escaped_and_csv_has_a_bom(self):
        for what, url, fmt, _name in self.each():
            if "template" in what or fmt == "json":
                continue
            with self.subTest(what=what, fmt=fmt):
                data = self.body(self.client.get(url))
                if fmt == "csv":
                    self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
                    cells = {cell for row in read_rows(data, "x.csv") for cell in row}
                else:
                    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
                    cells = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
                for raw, escaped in FORMULAS.items():
                    self.assertIn(escaped, cells)
                    self.assertNotIn(raw, cells)

    def test_json_keeps_the_text_as_it_is(self):
        for what, url, fmt, _name in self.each():
            if fmt != "json":
                continue
            with self.subTest(what=what):
                text = json.dumps(json.loads(self.body(self.client.get(url))), ensure_ascii=False)
                self.assertIn('"=1+1"', text)

    def test_admin_exports_stay_private(self):
        for what, url, fmt, _name in self.each():
            if "public" in what:
                continue
            with self.subTest(what=what, fmt=fmt):
                self.assertIn("private", self.client.get(url)["Cache-Control"])
                self.client.logout()
                self.assertEqual(self.client.get(url).status_code, 302)


class RoundTripTests(TestCase):
    """A public download imports back into an empty draft unchanged, formula-looking cells included."""

    @classmethod
    def setUpTestData(cls):
        department = DepartmentFactory(name="新余市住房和城乡建设局")
        cls.services = IntermediaryListFactory(region=department.region, title=SERVICE_TITLE)
        for seq, text in enumerate(FORMULAS, start=1):
            IntermediaryServiceFactory(edition=cls.services, seq=seq, department=department, fee_basis=text + "依据")
        edition_publish(cls.services)
        cls.powers = PowerCatalogueFactory(title=POWER_TITLE)
        for seq, text in enumerate(FORMULAS, start=1):
            DelegatedPowerFactory(edition=cls.powers, seq=seq, department=department, remarks=text + "备注")
        edition_publish(cls.powers)

    def test_public_download_imports_back(self):
        services = lambda e: list(IntermediaryList.objects.get(pk=e.pk).services.order_by("seq")
                                  .values_list("seq", "name", "department__name", "fee_basis"))
        powers = lambda e: list(PowerCatalogue.objects.get(pk=e.pk).powers.order_by("seq")
                                .values_list("seq", "name", "code", "department__name", "remarks"))
        cases = [  # (url, source, new empty draft, import, rows, suffix of the formula cells)
            ("/intermediaries/export.{}", self.services,
             lambda fmt: IntermediaryListFactory(region=self.services.region, title=f"空草稿{fmt}"),
             lambda data, fmt, target: intermediary_import(data, f"x.{fmt}", edition=target), services, "依据"),
            (f"/powers/{self.powers.pk}/export.{{}}", self.powers,
             lambda fmt: PowerCatalogueFactory(recipient=self.powers.recipient, title=f"空草稿{fmt}"),
             lambda data, fmt, target: power_catalogue_import(data, f"x.{fmt}", catalogue=target), powers, "备注"),
        ]
        for url, source, draft, run_import, rows, suffix in cases:
            for fmt in ("csv", "xlsx"):
                with self.subTest(url=url, fmt=fmt):
                    target = draft(fmt)
                    run_import(self.client.get(url.format(fmt)).content, fmt, target)
                    self.assertEqual(rows(target)[:4], rows(source)[:4])
                    # Leading tab and CR are whitespace the importer trims, as in any file; the guard quote goes too.
                    self.assertEqual([r[-1] for r in rows(target)],
                                     [*(t + suffix for t in list(FORMULAS)[:4]), "TAB" + suffix, "CR" + suffix])
