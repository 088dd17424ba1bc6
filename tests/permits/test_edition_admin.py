"""The shared edition admin (permits/kernel/admin/editions.py), exercised through the power catalogue admin."""
import os
import shutil
import tempfile
import time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from permits.kernel.admin import editions
from permits.kernel.importing.formats import read_rows
from permits.kernel.exporting import write_csv
from permits.models import EditionStatus, PowerCatalogue
from permits.powers.selectors import POWER_HEADERS
from permits.kernel.lifecycle import edition_publish
from tests.factories import DepartmentFactory

from .factories_powers import PowerCatalogueFactory, ZoneFactory

MEDIA = tempfile.mkdtemp(prefix="edition-admin-test-media-")


@override_settings(MEDIA_ROOT=MEDIA)
class EditionImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.zone = ZoneFactory()
        cls.department = DepartmentFactory(region=cls.zone.parent, name="市发改委")
        cls.draft = PowerCatalogueFactory(recipient=cls.zone, title="草稿甲")
        cls.other = PowerCatalogueFactory(recipient=cls.zone, title="草稿乙")
        cls.published = PowerCatalogueFactory(recipient=cls.zone, title="已发布目录")
        edition_publish(cls.published)
        cls.admin = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 16)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self):
        self.client.force_login(self.admin)

    def upload(self, url, **fields):
        data = write_csv(POWER_HEADERS, [[1, self.department.name, "甲事项", "A1", "行政许可", "委托", ""]])
        return self.client.post(url, {"file": SimpleUploadedFile("目录.csv", data), **fields})

    def import_url(self, catalogue=None):
        args = [catalogue.pk] if catalogue else []
        return reverse("admin:permits_powercatalogue_import", args=args)

    def test_upload_waits_in_private_storage_and_is_removed_after_confirm(self):
        response = self.upload(self.import_url(self.draft))
        token = response.context["token"]
        stashed = editions.stashed_path(token)
        self.assertTrue(stashed.exists())
        self.assertTrue(str(stashed).startswith(os.path.join(MEDIA, "private", "imports")))
        self.assertNotContains(response, str(stashed))
        self.client.post(self.import_url(self.draft), {"token": token})
        self.assertFalse(stashed.exists())
        self.assertNotIn(editions.import_session_key(PowerCatalogue), self.client.session)
        self.assertEqual(list(self.draft.powers.values_list("code", flat=True)), ["A1"])

    def test_stale_uploads_are_removed_fresh_ones_kept(self):
        folder = editions.import_dir()
        stale, fresh = folder / ("s" * 43 + ".upload"), folder / ("f" * 43 + ".upload")
        stale.write_bytes(b"old")
        fresh.write_bytes(b"new")
        two_days_ago = time.time() - 2 * 86400
        os.utime(stale, (two_days_ago, two_days_ago))
        self.upload(self.import_url(self.draft))
        self.assertFalse(stale.exists())
        self.assertTrue(fresh.exists())

    def test_token_is_bound_to_its_edition(self):
        token = self.upload(self.import_url(self.draft)).context["token"]
        response = self.client.post(self.import_url(self.other), {"token": token})
        self.assertContains(response, "预览已过期或无效")
        self.assertFalse(self.other.powers.exists())
        self.assertFalse(self.draft.powers.exists())

    def test_import_without_edition_in_url_offers_drafts_only(self):
        response = self.client.get(self.import_url())
        choices = {str(c[0]) for c in response.context["form"].fields["edition"].choices if c[0]}
        self.assertEqual(choices, {str(self.draft.pk), str(self.other.pk)})
        response = self.upload(self.import_url(), edition=self.published.pk)
        self.assertNotIn("token", response.context)
        token = self.upload(self.import_url(), edition=self.other.pk).context["token"]
        response = self.client.post(self.import_url(), {"token": token})
        self.assertRedirects(response, reverse("admin:permits_powercatalogue_change", args=[self.other.pk]))
        self.assertEqual(list(self.other.powers.values_list("name", flat=True)), ["甲事项"])
        self.published.refresh_from_db()
        self.assertEqual(self.published.status, EditionStatus.PUBLISHED)

    def test_template_and_export_formats(self):
        response = self.client.get(reverse("admin:permits_powercatalogue_template", args=["xlsx"]))
        self.assertEqual(read_rows(response.content, "t.xlsx")[0], POWER_HEADERS)
        response = self.client.get(reverse("admin:permits_powercatalogue_template", args=["csv"]))
        self.assertEqual(read_rows(response.content, "t.csv")[0], POWER_HEADERS)
        self.assertEqual(self.client.get(reverse("admin:permits_powercatalogue_template", args=["pdf"])).status_code, 404)
        export = reverse("admin:permits_powercatalogue_export", args=[self.published.pk, "pdf"])
        self.assertEqual(self.client.get(export).status_code, 404)
