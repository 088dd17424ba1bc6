"""Error pages in Chinese that touch no database, /healthz, and 503 when the database is gone."""
import sys
from unittest import mock

from django.db import OperationalError
from django.test import RequestFactory, TestCase, override_settings

from portal.security import errors


class ErrorPageTests(TestCase):
    def test_404_is_chinese_and_needs_no_database(self):
        with self.assertNumQueries(0):
            response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "页面不存在", status_code=404)
        self.assertContains(response, 'lang="zh-Hans"', status_code=404)

    def test_400_for_a_bad_host(self):
        response = self.client.get("/", HTTP_HOST="evil.example.com")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请求有误", status_code=400)

    def test_403_page(self):
        response = errors.permission_denied(RequestFactory().get("/"))
        self.assertEqual(response.status_code, 403)
        self.assertIn("无权访问", response.content.decode())

    def test_500_and_503_pages_render_without_database(self):
        request = RequestFactory().get("/")
        with self.assertNumQueries(0):
            page500 = errors.server_error(request)
            page503 = errors.database_unavailable(request)
        self.assertEqual((page500.status_code, page503.status_code), (500, 503))
        self.assertIn("系统出错", page500.content.decode())
        self.assertIn("服务暂时不可用", page503.content.decode())
        self.assertEqual(page503["Retry-After"], str(errors.RETRY_AFTER_SECONDS))

    def test_handler500_turns_a_database_fault_into_503(self):
        request = RequestFactory().get("/")
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            self.assertIs(sys.exc_info()[0], OperationalError)
            response = errors.server_error(request)
        self.assertEqual(response.status_code, 503)
        self.assertIn("Retry-After", response)


@override_settings(ROOT_URLCONF="tests.portal.fault_urls")
class FaultMiddlewareTests(TestCase):
    def setUp(self):
        self.client.raise_request_exception = False

    def test_unexpected_error_is_a_chinese_500(self):
        response = self.client.get("/boom/")
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "系统出错", status_code=500)

    def test_database_errors_are_503_with_retry_after(self):
        for url in ("/db-gone/", "/db-interface/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 503)
                self.assertEqual(response["Retry-After"], str(errors.RETRY_AFTER_SECONDS))
                self.assertContains(response, "服务暂时不可用", status_code=503)
                self.assertIn("default-src 'self'", response["Content-Security-Policy"])


class HealthTests(TestCase):
    def test_ok(self):
        with self.assertNumQueries(1):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_database_unavailable(self):
        with mock.patch("portal.health.connection.cursor", side_effect=OperationalError("down")):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "unavailable")
        self.assertIn("Retry-After", response)


class DatabaseSettingsTests(TestCase):
    def test_connections_are_checked_and_bounded(self):
        from django.conf import settings
        from django.db import connection

        db = settings.DATABASES["default"]
        self.assertTrue(db["CONN_HEALTH_CHECKS"])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                self.assertLessEqual(int(db["OPTIONS"]["connect_timeout"]), 5)
                cursor.execute("SHOW statement_timeout")
                self.assertEqual(cursor.fetchone()[0], "15s")
            else:
                cursor.execute("PRAGMA busy_timeout")
                self.assertEqual(cursor.fetchone()[0], 20000)
