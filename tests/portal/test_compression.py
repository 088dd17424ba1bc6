"""Public pages are sent gzipped; responses carrying a CSRF token or a signed-in reader's data are not (BREACH)."""
import gzip

from django.contrib.auth import get_user_model
from django.test import TestCase

from tests.portal.catalogue_data import FOOD_CODE, build_published_catalogue, site_profile

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


class CompressionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        build_published_catalogue()
        cls.staff = get_user_model().objects.create_user("reader", password="Long-enough-pass-1", is_staff=True)

    def test_public_html_is_gzipped_and_reads_the_same(self):
        for path in ["/", "/permits/", f"/permits/{FOOD_CODE}/", "/sitemap/"]:
            plain = self.client.get(path)
            packed = self.client.get(path, **GZIP)
            self.assertEqual(packed["Content-Encoding"], "gzip", path)
            self.assertIn("Accept-Encoding", packed["Vary"], path)
            self.assertNotIn("Content-Encoding", plain, path)
            html = gzip.decompress(packed.content).decode()
            self.assertIn("<h1", html, path)
            # Less than half the bytes, as the issue measured 70–85 % savings.
            self.assertLess(len(packed.content), len(plain.content) / 2, path)

    def test_traditional_page_is_converted_before_it_is_compressed(self):
        packed = self.client.get("/permits/", {"zh": "hant"}, **GZIP)
        self.assertEqual(packed["Content-Encoding"], "gzip")
        self.assertIn("行政許可事項", gzip.decompress(packed.content).decode())

    def test_json_and_xml_are_gzipped(self):
        for path in ["/permits/export.json", "/sitemap.xml"]:
            response = self.client.get(path, **GZIP)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            self.assertEqual(response["Content-Encoding"], "gzip", path)
            self.assertTrue(gzip.decompress(body), path)

    def test_page_with_a_csrf_token_is_not_compressed(self):
        response = self.client.get("/admin/login/", **GZIP)
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"csrfmiddlewaretoken", response.content)
        self.assertNotIn("Content-Encoding", response)

    def test_signed_in_reader_gets_uncompressed_pages(self):
        self.client.force_login(self.staff)
        response = self.client.get("/permits/", **GZIP)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Content-Encoding", response)


class PersonalResponseTests(TestCase):
    def test_response_marked_personal_is_not_compressed(self):
        from django.http import HttpResponse
        from django.test import RequestFactory

        from portal.compression import PublicGZipMiddleware

        def view(request, personal):
            response = HttpResponse("<p>" + "查询码 ABC123 的留言 " * 50 + "</p>", content_type="text/html; charset=utf-8")
            response.personal = personal
            return response

        request = RequestFactory().get("/interact/track/", **GZIP)
        self.assertEqual(PublicGZipMiddleware(lambda r: view(r, False))(request)["Content-Encoding"], "gzip")
        self.assertNotIn("Content-Encoding", PublicGZipMiddleware(lambda r: view(r, True))(request))
