"""sitemap.xml lists every public detail page with the date of its data; past the limit it is an index."""
import re
import xml.etree.ElementTree as ET

from django.test import TestCase, override_settings

from permits.models import HandlingItem, OneThing, PermitItem
from reports.models import AnnualReport
from tests.portal.catalogue_data import site_profile
from tests.portal.site_data import build_public_site
from tests.reports.factories import build_2024

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def urlset(content):
    root = ET.fromstring(content)
    return {re.sub(r"^https?://[^/]+", "", url.find("s:loc", NS).text): getattr(url.find("s:lastmod", NS), "text", None)
            for url in root.findall("s:url", NS)}


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_public_site()
        # The 2025 draft is not public and must not be listed.
        AnnualReport.objects.create(year=2025, title="2025年度法治政府建设情况报告")

    def test_every_public_detail_page_with_its_lastmod(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        urls = urlset(response.content)
        # Dates written by hand from build_2024: permits 2023-10-08, intermediaries 2024-05-20,
        # zone catalogues 2021-03-01 (old, archived) and 2024-07-01, report published 2025-01-20.
        expected = {"/reports/2024/": "2025-01-20",
                    f"/powers/{self.data['zone'].pk}/": "2024-07-01",
                    f"/powers/{self.data['old_zone'].pk}/": "2021-03-01"}
        for item in PermitItem.objects.filter(edition=self.data["permits"]):
            expected[f"/permits/{item.code}/"] = "2023-10-08"
        for guide in HandlingItem.objects.filter(edition=self.data["permits"]):
            expected[f"/permits/guide/{guide.code}/"] = "2023-10-08"
        for service in self.data["intermediary"].services.all():
            expected[f"/intermediaries/{service.pk}/"] = "2024-05-20"
        for bundle in OneThing.objects.all():
            expected[f"/one-things/{bundle.pk}/"] = bundle.launched_on.isoformat()
        for path, lastmod in expected.items():
            self.assertEqual(urls.get(path), lastmod, path)
        self.assertNotIn("/reports/2025/", urls)
        self.assertEqual(urls["/"], "2023-10-08")
        # 3 items, 12 guides, 5 services, 2 catalogues, 1 report, 12 bundles and the 8 fixed pages.
        self.assertEqual(len(urls), 3 + 12 + 5 + 2 + 1 + 12 + 8)

    def test_listed_detail_pages_open(self):
        urls = urlset(self.client.get("/sitemap.xml").content)
        for path in urls:
            self.assertEqual(self.client.get(path).status_code, 200, path)

    def test_query_count_does_not_grow_with_the_rows(self):
        with self.assertNumQueries(20):
            self.client.get("/sitemap.xml")

    @override_settings(SITEMAP_INDEX_AFTER=10)
    def test_index_past_the_limit(self):
        response = self.client.get("/sitemap.xml")
        root = ET.fromstring(response.content)
        self.assertTrue(root.tag.endswith("sitemapindex"))
        files = [re.sub(r"^https?://[^/]+", "", loc.text) for loc in root.findall("s:sitemap/s:loc", NS)]
        # guides (12) and one-things (12) need two files each; the other sections one.
        self.assertIn("/sitemap-guides.xml?p=2", files)
        self.assertIn("/sitemap-one-things.xml?p=2", files)
        seen = {}
        for path in files:
            part = self.client.get(path)
            self.assertEqual(part.status_code, 200, path)
            listed = urlset(part.content)
            self.assertLessEqual(len(listed), 10, path)
            seen.update(listed)
        self.assertEqual(len(seen), 43)
        with self.settings(SITEMAP_INDEX_AFTER=5000):
            self.assertEqual(seen, urlset(self.client.get("/sitemap.xml").content))

    def test_unknown_section_is_404(self):
        self.assertEqual(self.client.get("/sitemap-nothing.xml").status_code, 404)


class OneThingPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_2024()

    def test_bundle_page_shows_its_reductions(self):
        bundle = self.data["measured"][0]  # 10→2 materials, 4→1 visits, 20→5 days
        response = self.client.get(f"/one-things/{bundle.pk}/")
        self.assertContains(response, f"<h1>{bundle.name}</h1>", html=True)
        for text in ["80.0%", "75.0%", "76.7%"]:
            self.assertContains(response, text)
        self.assertContains(self.client.get("/one-things/"), f'href="/one-things/{bundle.pk}/"')

    def test_unknown_bundle_is_404(self):
        for path in ["/one-things/999999/", "/one-things/0/", "/one-things/99999999999999/"]:
            self.assertEqual(self.client.get(path).status_code, 404, path)
