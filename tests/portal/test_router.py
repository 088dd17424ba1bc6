"""Read replica routing: anonymous public reads go to "replica", staff requests and writes to "default"."""
import unittest
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext

from permits.models import PermitCatalogue
from portal.db_router import PRIMARY, REPLICA, ReplicaRouter, public_request
from portal.middleware_replica import ReplicaRoutingMiddleware
from portal.models import SiteProfile


class RouterDecisionTests(SimpleTestCase):
    def setUp(self):
        self.router = ReplicaRouter()
        patcher = mock.patch("portal.db_router.replica_configured", return_value=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _as(self, public):
        token = public_request.set(public)
        self.addCleanup(public_request.reset, token)

    def test_public_reads_go_to_the_replica(self):
        self._as(True)
        self.assertEqual(self.router.db_for_read(PermitCatalogue), REPLICA)

    def test_job_bookkeeping_is_read_from_the_primary_even_in_public_requests(self):
        from django_tasks_db.models import DBTaskResult

        from permits.models import BackgroundJob

        self._as(True)
        for model in (BackgroundJob, DBTaskResult):
            with self.subTest(model=model.__name__):
                self.assertEqual(self.router.db_for_read(model), PRIMARY)

    def test_staff_reads_go_to_the_primary(self):
        self._as(False)
        self.assertEqual(self.router.db_for_read(PermitCatalogue), PRIMARY)

    def test_reads_outside_a_request_go_to_the_primary(self):
        self.assertEqual(self.router.db_for_read(PermitCatalogue), PRIMARY)

    def test_writes_always_go_to_the_primary(self):
        for public in (True, False):
            with self.subTest(public=public):
                self._as(public)
                self.assertEqual(self.router.db_for_write(PermitCatalogue), PRIMARY)

    def test_without_a_replica_everything_reads_from_the_primary(self):
        self._as(True)
        with mock.patch("portal.db_router.replica_configured", return_value=False):
            self.assertEqual(self.router.db_for_read(PermitCatalogue), PRIMARY)

    def test_migrations_only_on_the_primary_and_relations_across_aliases(self):
        self.assertTrue(self.router.allow_migrate(PRIMARY, "permits"))
        self.assertFalse(self.router.allow_migrate(REPLICA, "permits"))
        a, b = PermitCatalogue(), PermitCatalogue()
        a._state.db, b._state.db = PRIMARY, REPLICA
        self.assertTrue(self.router.allow_relation(a, b))


class MiddlewareMarkingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_user("editor", password="x-Long-Passw0rd!", is_staff=True)

    def _seen(self, request):
        seen = []
        middleware = ReplicaRoutingMiddleware(lambda r: seen.append(public_request.get()) or HttpResponse())
        middleware(request)
        self.assertFalse(public_request.get(), "the mark must not outlive the request")
        return seen[0]

    def test_anonymous_get_is_public(self):
        request = RequestFactory().get("/permits/")
        request.user = AnonymousUser()
        self.assertTrue(self._seen(request))

    def test_admin_paths_and_writes_are_staff(self):
        factory = RequestFactory()
        for request in (factory.get("/admin/"), factory.get("/admin/login/"), factory.post("/permits/")):
            with self.subTest(path=request.path, method=request.method):
                request.user = AnonymousUser()
                self.assertFalse(self._seen(request))

    def test_logged_in_user_is_staff(self):
        request = RequestFactory().get("/permits/")
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
        request.user = self.staff
        self.assertFalse(self._seen(request))

    def test_stale_session_cookie_of_anonymous_visitor_is_public(self):
        request = RequestFactory().get("/permits/")
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "expired"
        request.user = AnonymousUser()
        self.assertTrue(self._seen(request))


@unittest.skipUnless(
    REPLICA in settings.DATABASES,
    "未配置 DATABASE_REPLICA_URL（CI 中 .ci/run 以第二个数据库 portal_replica 运行本测试）",
)
@override_settings(ROOT_URLCONF="tests.portal.urls_serving")
class ReplicaEndToEndTests(TransactionTestCase):
    """Through the full middleware stack, counting the queries each connection runs."""

    databases = {PRIMARY, REPLICA}

    def setUp(self):
        self.staff = get_user_model().objects.create_user("editor", password="x-Long-Passw0rd!", is_staff=True)

    def _queries(self, client, method, url):
        with CaptureQueriesContext(connections[PRIMARY]) as primary, \
                CaptureQueriesContext(connections[REPLICA]) as replica:
            response = getattr(client, method)(url)
        self.assertEqual(response.status_code, 200, response.content)
        return primary, replica

    def _catalogue_reads(self, captured):
        return [q for q in captured if "permits_permitcatalogue" in q["sql"]]

    def test_anonymous_reads_go_to_the_replica(self):
        primary, replica = self._queries(self.client, "get", "/which/")
        self.assertTrue(self._catalogue_reads(replica))
        self.assertFalse(self._catalogue_reads(primary))

    def test_staff_requests_read_from_the_primary(self):
        self.client.force_login(self.staff)
        for url in ("/which/", "/admin/which/"):
            with self.subTest(url=url):
                primary, replica = self._queries(self.client, "get", url)
                self.assertTrue(self._catalogue_reads(primary))
                self.assertFalse(replica.captured_queries)

    def test_anonymous_admin_path_reads_from_the_primary(self):
        primary, replica = self._queries(self.client, "get", "/admin/which/")
        self.assertTrue(self._catalogue_reads(primary))
        self.assertFalse(replica.captured_queries)

    def test_writes_and_the_reads_of_a_post_go_to_the_primary(self):
        primary, replica = self._queries(self.client, "post", "/write/")
        self.assertTrue([q for q in primary if q["sql"].startswith("INSERT") and "portal_siteprofile" in q["sql"]])
        self.assertFalse(replica.captured_queries)
        self.assertEqual(SiteProfile.objects.filter(site_name="写入测试").count(), 1)
