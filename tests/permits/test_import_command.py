import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from permits.models import EditionStatus, HandlingItem, PermitCatalogue, PermitItem
from permits.kernel.lifecycle import edition_publish
from tests.factories import DepartmentFactory, PermitCatalogueFactory, RegionFactory

from .importing_helpers import csv_bytes, row, xlsx_bytes


class ImportCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = RegionFactory(name="市本级")
        DepartmentFactory(name="市市场监管局", region=cls.city)
        cls.draft = PermitCatalogueFactory(region=cls.city, title="草稿清单")

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def file(self, data, name="清单.csv"):
        path = Path(self.folder.name) / name
        path.write_bytes(data)
        return str(path)

    def run_command(self, *args):
        out, err = io.StringIO(), io.StringIO()
        call_command("import_catalogue", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_new_edition(self):
        path = self.file(xlsx_bytes([row(), row(handling="02")]), "清单.xlsx")
        out, _ = self.run_command(path, "--new-edition", "新余市行政许可事项清单（2024年版）")
        edition = PermitCatalogue.objects.get(title="新余市行政许可事项清单（2024年版）")
        self.assertEqual((edition.status, edition.region), (EditionStatus.DRAFT, self.city))
        self.assertEqual(edition.handling_items.count(), 2)
        self.assertIn("新增业务办理项 2 个", out)
        self.assertIn("新增事项 1 个", out)

    def test_existing_edition_and_row_listing(self):
        out, _ = self.run_command(self.file(csv_bytes([row()])), "--edition", str(self.draft.pk), "-v", "2")
        self.assertIn("第2行 新增业务办理项 00016421300101", out)
        self.assertTrue(HandlingItem.objects.filter(edition=self.draft, code="00016421300101").exists())

    def test_dry_run_writes_nothing(self):
        out, _ = self.run_command(self.file(csv_bytes([row()])), "--new-edition", "预览清单", "--dry-run")
        self.assertIn("预览（未写入）", out)
        self.assertFalse(PermitCatalogue.objects.filter(title="预览清单").exists())
        self.assertFalse(PermitItem.objects.exists())

    def test_errors_exit_non_zero_and_leave_no_edition(self):
        path = self.file(csv_bytes([row(), row(department="市市场监督局")]))
        err = io.StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("import_catalogue", path, "--new-edition", "失败的清单", stderr=err)
        self.assertIn("数据库未作任何修改", str(caught.exception))
        self.assertIn("第3行“主管部门”列：部门“市市场监督局”不存在", err.getvalue())
        self.assertFalse(PermitCatalogue.objects.filter(title="失败的清单").exists())
        self.assertFalse(PermitItem.objects.exists())

    def test_published_edition_refused(self):
        edition_publish(self.draft)
        with self.assertRaises(CommandError):
            self.run_command(self.file(csv_bytes([row()])), "--edition", str(self.draft.pk))
        self.assertFalse(PermitItem.objects.exists())

    def test_bad_arguments(self):
        path = self.file(csv_bytes([row()]))
        with self.assertRaises(CommandError):
            self.run_command(path)  # neither --edition nor --new-edition
        with self.assertRaises(CommandError):
            self.run_command(path, "--edition", "999999")
        with self.assertRaises(CommandError):
            self.run_command(str(Path(self.folder.name) / "missing.csv"), "--edition", str(self.draft.pk))

    def test_exit_code_from_the_shell(self):
        """manage.py exits 1 with the Chinese message on stderr, 0 on success (run in-process)."""
        from unittest import mock

        from django.core.management import ManagementUtility

        # run_from_argv closes every connection at the end, which would end the test's transaction.
        patcher = mock.patch("django.core.management.base.connections.close_all")
        patcher.start()
        self.addCleanup(patcher.stop)

        bad = self.file(csv_bytes([row(statutory="二十")]))
        err = io.StringIO()
        with self.assertRaises(SystemExit) as caught, _redirect_stderr(err):
            ManagementUtility(["manage.py", "import_catalogue", bad, "--edition", str(self.draft.pk)]).execute()
        self.assertEqual(caught.exception.code, 1)
        self.assertIn("应填写数字", err.getvalue())
        good = self.file(csv_bytes([row()]), "good.csv")
        with _redirect_stdout(io.StringIO()):
            ManagementUtility(["manage.py", "import_catalogue", good, "--edition", str(self.draft.pk)]).execute()
        self.assertEqual(self.draft.handling_items.count(), 1)


def _redirect_stderr(stream):
    import contextlib
    return contextlib.redirect_stderr(stream)


def _redirect_stdout(stream):
    import contextlib
    return contextlib.redirect_stdout(stream)
