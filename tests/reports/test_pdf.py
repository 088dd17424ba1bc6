import io
import re
import threading
from urllib.parse import quote
from unittest import mock

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase, TransactionTestCase
from django.utils import timezone
from pypdf import PdfReader

from permits.models import OneThing
from reports.fonts import PDF_FAMILIES, uncovered_characters
from reports.models import AnnualFigure, ReportSection
from reports.services import pdf as pdf_service
from reports.services import report_build_pdf, report_content, report_pdf, report_render_html
from tests.reports.base import PrivateMediaMixin, compact, make_user, pdf_text
from tests.reports.factories import build_2024

A4 = (595.28, 841.89)


class PdfContentTests(TestCase):
    """One render of the fixture report, checked from several sides."""

    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        cls.pdf = report_build_pdf(cls.data["report"])
        cls.reader = PdfReader(io.BytesIO(cls.pdf))
        cls.text = pdf_text(cls.pdf)

    def test_every_figure_in_extracted_text(self):
        text = compact(self.text)
        for key, expected in self.data["expected"].items():
            self.assertIn(expected, text, key)
        self.assertNotIn("数据缺失", text)

    def test_pages_are_a4_with_page_numbers(self):
        self.assertGreaterEqual(len(self.reader.pages), 2)
        for number, page in enumerate(self.reader.pages, start=1):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            self.assertAlmostEqual(width, A4[0], delta=1)
            self.assertAlmostEqual(height, A4[1], delta=1)
            self.assertIn(f"— {number} —", page.extract_text())

    def test_fonts_embedded_and_subset(self):
        names = set()
        for page in self.reader.pages:
            fonts = page["/Resources"]["/Font"]
            for ref in fonts.values():
                font = ref.get_object()
                descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                descriptor = descendant["/FontDescriptor"].get_object()
                self.assertTrue({"/FontFile2", "/FontFile3"} & set(descriptor.keys()), descriptor)
                names.add(str(descriptor["/FontName"]))
        for name in names:
            self.assertRegex(name, r"^/?[A-Z]{6}\+")
        joined = " ".join(names)
        for family in ("Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC", "UKai"):
            self.assertIn(family, joined)

    def test_pdfa_metadata(self):
        metadata = self.reader.metadata
        self.assertEqual(metadata.title, self.data["report"].title)
        self.assertEqual(metadata.author, "新余市行政审批局")
        self.assertIn("法治政府建设", metadata.subject)
        xmp = self.reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        self.assertIn("pdfaid:part", xmp)
        self.assertRegex(xmp, r"pdfaid:part(=\"|>)3")
        self.assertIn("/MarkInfo", self.reader.trailer["/Root"])  # tagged
        self.assertEqual(str(self.reader.trailer["/Root"]["/Lang"]), "zh-CN")

    def test_chart_in_pdf(self):
        # The chart's bar labels are drawn as text from the SVG.
        for bundle in self.data["measured"]:
            self.assertIn(bundle.name, compact(self.text))

    def test_fonts_cover_every_character(self):
        html = report_render_html(self.data["report"], for_pdf=True)
        text = re.sub(r"<[^>]+>", "", html)
        for family in PDF_FAMILIES[:2]:
            self.assertEqual(uncovered_characters(text, family), [], family)
        headings = "".join(s.heading for s in ReportSection.objects.filter(level=2)) + "（）一二三四五六七八九十"
        self.assertEqual(uncovered_characters(headings, "AR PL UKai CN"), [])


class PdfCacheTests(PrivateMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        cls.staff = make_user("staff")

    def download(self, **headers):
        self.client.force_login(self.staff)
        return self.client.get("/reports/2024.pdf", **headers)

    def test_rendered_once_per_state_and_again_after_a_change(self):
        with mock.patch.object(pdf_service, "render_pdf_bytes", wraps=pdf_service.render_pdf_bytes) as render:
            first = self.download()
            self.assertEqual(first.status_code, 200)
            body = b"".join(first.streaming_content)
            self.assertTrue(body.startswith(b"%PDF"))
            second = self.download()
            self.assertEqual(b"".join(second.streaming_content), body)
            self.assertEqual(render.call_count, 1)
            self.assertEqual(first["ETag"], second["ETag"])

            OneThing.objects.filter(pk=self.data["measured"][0].pk).update(days_after=1)
            third = self.download()
            third_body = b"".join(third.streaming_content)
            self.assertEqual(render.call_count, 2)
            self.assertNotEqual(third["ETag"], first["ETag"])
            old = compact(pdf_text(body))
            new = compact(pdf_text(third_body))
            self.assertNotEqual(old, new)

            AnnualFigure.objects.filter(year=2024, key="law_meetings").update(value=9)
            self.download()
            self.assertEqual(render.call_count, 3)
            ReportSection.objects.filter(report=self.data["report"]).first().save()  # unchanged text
            self.download()
            self.assertEqual(render.call_count, 3)

    def test_etag_and_filename(self):
        response = self.download()
        self.assertEqual(response["Content-Type"], "application/pdf")
        # The file is named by the report's title, as its metadata and first page are.
        self.assertIn("filename*=UTF-8''" + quote("新余市行政审批局2024年度法治政府建设工作总结报告.pdf"),
                      response["Content-Disposition"])
        not_modified = self.download(HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(not_modified.status_code, 304)
        self.assertIn("private", response["Cache-Control"])

    def test_management_command_writes_pdf(self):
        out = f"{default_storage.location}/out.pdf"
        call_command("report_pdf", "2024", "-o", out, stdout=io.StringIO())
        with open(out, "rb") as handle:
            self.assertTrue(handle.read(5).startswith(b"%PDF"))


class ConcurrentRenderTests(PrivateMediaMixin, TransactionTestCase):
    """Concurrent requests for one unrendered state share a single render (no database needed)."""

    def test_concurrent_requests_render_once(self):
        calls = []
        gate = threading.Event()

        def slow_render():
            calls.append(1)
            gate.wait(5)
            return b"%PDF-1.7 test"

        results = []
        threads = [threading.Thread(target=lambda: results.append(pdf_service.cached_render("k" * 32, slow_render)))
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        while not calls:
            threading.Event().wait(0.01)
        threading.Event().wait(0.2)  # the others are now waiting on the lock
        gate.set()
        for thread in threads:
            thread.join(10)
        self.assertEqual(len(calls), 1)
        self.assertEqual(set(results), {pdf_service.cache_path("k" * 32)})
        with default_storage.open(results[0]) as handle:
            self.assertEqual(handle.read(), b"%PDF-1.7 test")


class StateKeyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()

    def test_key_follows_content(self):
        from reports.services.content import content_key

        report = self.data["report"]
        key = content_key(report_content(report))
        self.assertEqual(key, content_key(report_content(report)))
        section = report.sections.first()
        section.heading += "修改"
        section.save()
        self.assertNotEqual(key, content_key(report_content(report)))

    def test_key_follows_layout(self):
        from reports.services import content as content_module

        content = report_content(self.data["report"])
        key = content_module.content_key(content)
        with mock.patch.object(content_module, "layout_digest", return_value="another layout"):
            self.assertNotEqual(content_module.content_key(content), key)

    def test_report_pdf_path_and_key(self):
        with mock.patch.object(pdf_service, "render_pdf_bytes", return_value=b"%PDF-x"):
            with self.settings(MEDIA_ROOT=__import__("tempfile").mkdtemp()):
                path, key = report_pdf(self.data["report"])
                self.assertEqual(path, f"reports/cache/{key}.pdf")
                self.assertTrue(key.startswith("2024-"))

    def test_old_states_are_pruned(self):
        import datetime
        import tempfile

        with self.settings(MEDIA_ROOT=tempfile.mkdtemp()):
            stale = default_storage.save("reports/cache/2024-old.pdf", __import__("io").BytesIO(b"x"))
            other_year = default_storage.save("reports/cache/2023-old.pdf", __import__("io").BytesIO(b"x"))
            later = timezone.now() + datetime.timedelta(hours=2)
            with mock.patch.object(pdf_service.timezone, "now", return_value=later), \
                    mock.patch.object(pdf_service, "render_pdf_bytes", return_value=b"%PDF-x"):
                path, _ = report_pdf(self.data["report"])
            self.assertFalse(default_storage.exists(stale))
            self.assertTrue(default_storage.exists(other_year))
            self.assertTrue(default_storage.exists(path))
