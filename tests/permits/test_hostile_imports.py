"""Hostile spreadsheets (issue 15, defects 4, 5, 7): each refused with a Chinese message naming the file or
the row and column, an ImportLog and a failed AuditEvent, a non-zero command exit, and nothing written."""
import io
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse

from permits.kernel.importing.errors import ImportFailed
from permits.models import AuditEvent, HandlingItem, ImportLog, PermitCatalogue
from permits.catalogue.services.importing import catalogue_import
from tests.factories import DepartmentFactory, PermitCatalogueFactory, RegionFactory

from . import hostile_files as hostile
from .importing_helpers import csv_bytes, row, xlsx_bytes

# file builder, file name, words the one message about the whole file must contain (written from the issue).
WHOLE_FILE_REFUSALS = [
    ("dimension_bomb", "清单.xlsx", ["超过 50,000 行"]),
    ("wide_row_xlsx", "清单.xlsx", ["2,000 列", "超过 200 列上限"]),
    ("zip_bomb", "清单.xlsx", ["解压后", "超过 64 MB 上限"]),
    ("many_rows_csv", "清单.csv", ["超过 50,000 行"]),
    ("blank_lines_csv", "清单.csv", ["超过 50,000 行"]),
    ("wide_csv", "清单.csv", ["2,000 列", "超过 200 列上限"]),
    ("second_sheet_xlsx", "清单.xlsx", ["工作表“补充”也含有表头行"]),
]
# file builder, file name, (row, column, words of the message) expected among the problems.
CELL_REFUSALS = [
    ("nul_after_4k_csv", "清单.csv", (41, "业务办理项名称", "控制字符")),
    ("huge_cell_xlsx", "清单.xlsx", (2, "备注", "内容过长：30,000 个字符")),
    ("huge_cell_csv", "清单.csv", (2, "备注", "内容过长：200,000 个字符")),
    ("formula_without_value_xlsx", "清单.xlsx", (2, "法定办结时限", "是公式，但文件中没有保存计算结果")),
]


class DraftCatalogueTestCase(TestCase):
    """A draft catalogue of the city and the department the rows name."""

    @classmethod
    def setUpTestData(cls):
        cls.city = RegionFactory(name="市本级")
        DepartmentFactory(name="市市场监管局", region=cls.city)
        cls.draft = PermitCatalogueFactory(region=cls.city, title="草稿清单")


class HostileImportTests(DraftCatalogueTestCase):

    def assert_refused(self, data, name):
        logs, events = ImportLog.objects.count(), AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count()
        with self.assertRaises(ImportFailed) as caught:
            catalogue_import(data, name, edition=self.draft)
        self.assertFalse(HandlingItem.objects.exists())
        self.assertEqual(ImportLog.objects.count(), logs + 1)
        self.assertEqual(ImportLog.objects.latest("pk").result, ImportLog.Result.FAILED)
        imports = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT)
        self.assertEqual(imports.count(), events + 1)
        self.assertFalse(imports.latest("pk").success)
        return caught.exception.problems

    def test_whole_file_refusals(self):
        for builder, name, words in WHOLE_FILE_REFUSALS:
            with self.subTest(builder):
                problems = self.assert_refused(getattr(hostile, builder)(), name)
                self.assertEqual(len(problems), 1)
                self.assertIsNone(problems[0].row)
                for word in words:
                    self.assertIn(word, problems[0].message)

    def test_cell_refusals(self):
        for builder, name, (row_number, column, words) in CELL_REFUSALS:
            with self.subTest(builder):
                problems = self.assert_refused(getattr(hostile, builder)(), name)
                found = [p for p in problems if (p.row, p.column) == (row_number, column)]
                self.assertTrue(found, problems)
                self.assertIn(words, found[0].message)

    def test_number_beyond_the_field_is_refused_before_the_database(self):
        # Defect 5: 99999999999 reached PostgreSQL and failed with DataError.
        problems = self.assert_refused(csv_bytes([row(statutory="99999999999")]), "清单.csv")
        self.assertEqual([(p.row, p.column) for p in problems], [(2, "法定办结时限")])
        self.assertIn("过大，最大为 2,147,483,647", problems[0].message)

    def test_unknown_columns_are_a_warning_in_the_preview(self):
        data = xlsx_bytes([row(extra=["甲", "乙"])], headers=[*hostile.STANDARD, "附加说明", "内部编号"])
        summary = catalogue_import(data, "清单.xlsx", edition=self.draft, dry_run=True)
        self.assertIn("未识别的列，将被忽略：附加说明、内部编号", summary.describe())

    def test_a_second_sheet_without_the_header_is_no_obstacle(self):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(xlsx_bytes([row()])))
        workbook.create_sheet("说明").append(["本表由市场监管局填报"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        summary = catalogue_import(buffer.getvalue(), "清单.xlsx", edition=self.draft)
        self.assertEqual(summary.rows, 1)


class HostileImportCommandTests(DraftCatalogueTestCase):

    def test_command_exits_non_zero_with_the_message(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        cases = [("dimension_bomb", "清单.xlsx", "超过 50,000 行"),
                 ("huge_cell_csv", "清单.csv", "第2行“备注”列：内容过长")]
        for builder, name, words in cases:
            with self.subTest(builder):
                path = Path(folder.name) / name
                path.write_bytes(getattr(hostile, builder)())
                err = io.StringIO()
                with self.assertRaises(CommandError):
                    call_command("import_catalogue", str(path), "--edition", str(self.draft.pk),
                                 stdout=io.StringIO(), stderr=err)
                self.assertIn(words, err.getvalue())
        self.assertFalse(HandlingItem.objects.exists())
        self.assertEqual(ImportLog.objects.filter(result=ImportLog.Result.FAILED).count(), 2)


class HostileImportAdminTests(DraftCatalogueTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.staff = get_user_model().objects.create_superuser("root", "root@example.com", "x")

    def test_admin_upload_of_the_dimension_bomb_answers_with_the_message(self):
        # Defect 4: the admin upload answered 500.
        self.client.force_login(self.staff)
        url = reverse("admin:permits_permitcatalogue_import", args=[self.draft.pk])
        response = self.client.post(url, {"file": SimpleUploadedFile("清单.xlsx", hostile.dimension_bomb())})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "超过 50,000 行")
        self.assertEqual(PermitCatalogue.objects.get(pk=self.draft.pk).handling_items.count(), 0)
