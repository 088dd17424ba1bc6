"""With the demo data (seed_demo, when the project has it): every figure of the 2024 report appears in
its HTML and its PDF. Expected values are counted here straight from the tables, not by the registry."""
import importlib.util
import io
import shutil
import tempfile
import unittest

from django.test import TestCase, override_settings
from pypdf import PdfReader

from intermediaries.models import IntermediaryList, IntermediaryService
from permits.models import (
    DelegatedPower, EditionStatus, HandlingItem, ObservationPoint, OneThing, PermitCatalogue, PermitItem,
    PowerCatalogue, Region, SubItem,
)
from reports.models import AnnualReport
from tests.reports.base import compact

HAS_SEED = importlib.util.find_spec("portal.demo") is not None


@unittest.skipUnless(HAS_SEED, "seed_demo is not in this checkout")
class DemoReportTests(TestCase):
    @classmethod
    def setUpClass(cls):
        # Class-wide media: seed_demo publishes the 2024 report (and stores its PDF) in setUpTestData.
        cls._media = tempfile.mkdtemp(prefix="reports-demo-")
        cls._media_override = override_settings(MEDIA_ROOT=cls._media)
        cls._media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media_override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        from portal.demo import seed_demo

        seed_demo()

    def expected_counts(self):
        live = (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)
        permits = PermitCatalogue._base_manager.filter(
            status__in=live, published_on__year__lte=2024).order_by("-published_on", "-pk").first()
        intermediary = IntermediaryList._base_manager.filter(
            status__in=live, published_on__year=2024).order_by("-published_on", "-pk").first()
        zone = PowerCatalogue._base_manager.filter(status__in=live, effective_on__year=2024).order_by(
            "-effective_on").first()
        points = ObservationPoint.objects.filter(year=2024)
        bundles = OneThing.objects.filter(launched_on__year=2024)
        return [
            PermitItem.objects.filter(edition=permits).count(),
            SubItem.objects.filter(edition=permits).count(),
            HandlingItem.objects.filter(edition=permits).count(),
            IntermediaryService.objects.filter(edition=intermediary).count(),
            points.count(),
            points.filter(township__parent__kind=Region.Kind.COUNTY).values("township__parent").distinct().count(),
            points.filter(township__parent__kind=Region.Kind.ZONE).values("township__parent").distinct().count(),
            DelegatedPower.objects.filter(edition=zone).count(),
            DelegatedPower.objects.filter(edition=zone).values("department").distinct().count(),
            bundles.count(),
            bundles.filter(one_window=True).count(),
            sum(1 for b in bundles if b.reduction is not None),
        ]

    def test_every_figure_in_html_and_pdf(self):
        report = AnnualReport.objects.get(year=2024)
        self.assertTrue(report.is_published)
        html = self.client.get("/reports/2024/").content.decode()
        response = self.client.get("/reports/2024.pdf")
        reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
        text = compact("".join(page.extract_text() for page in reader.pages))
        for value in self.expected_counts():
            self.assertIn(f">{value}</a>", html)
            self.assertIn(str(value), text)
        self.assertNotIn("数据缺失", html)
        measured = [b.reduction for b in OneThing.objects.filter(launched_on__year=2024) if b.reduction is not None]
        mean = sum(measured) / len(measured)
        self.assertIn(f"{int(mean * 100)}%", text)

    def test_2025_draft_is_live_with_missing_markers(self):
        from tests.reports.base import make_user

        self.assertEqual(self.client.get("/reports/2025/").status_code, 404)
        self.client.force_login(make_user("staff"))
        response = self.client.get("/reports/2025/")
        self.assertContains(response, "数据缺失")
