"""The public page cache: hits cost no query, a publish shows at once, nothing personal is cached."""
import os
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import SimpleTestCase, TestCase, override_settings

from permits.kernel.cache import cache_version, cache_version_bump, namespaces_for_model
from permits.models import EditionStatus
from permits.kernel.lifecycle import edition_publish
from portal.models import SiteProfile
from tests.factories import PermitCatalogueFactory, RegionFactory

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "")


def _redis_unavailable_reason():
    if not REDIS_TEST_URL:
        return "REDIS_TEST_URL 未设置（CI 中由 .ci/run 启动 redis-server）"
    try:
        import redis

        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"无法连接 {REDIS_TEST_URL}: {exc}"
    return ""


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "serving-tests"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_TEST_URL,
        "KEY_PREFIX": "xyportal-test-%d" % os.getpid(),
    }
}


class PageCacheBehaviour:
    """The tests, run against each cache backend below."""

    uses_public_cache = True

    @classmethod
    def setUpTestData(cls):
        region = RegionFactory()
        cls.old = PermitCatalogueFactory(region=region, title="清单旧版")
        edition_publish(cls.old)
        cls.new = PermitCatalogueFactory(region=region, title="清单新版")
        cls.staff = get_user_model().objects.create_user("editor", password="x-Long-Passw0rd!", is_staff=True)

    def setUp(self):
        cache.clear()

    def test_second_request_is_served_from_cache_without_queries(self):
        first = self.client.get("/permits/?q=食品")
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first["X-Cache"], "MISS")
        with self.assertNumQueries(0):
            second = self.client.get("/permits/?q=食品")
        self.assertEqual(second["X-Cache"], "HIT")
        self.assertEqual(second.content, first.content)

    def test_class_based_view_template_response_is_cached_rendered(self):
        first = self.client.get("/permits/cbv/")
        self.assertEqual(first["X-Cache"], "MISS")
        with self.assertNumQueries(0):
            hit = self.client.get("/permits/cbv/")
        self.assertEqual(hit["X-Cache"], "HIT")
        self.assertEqual(hit.content.decode(), "清单旧版;")
        edition_publish(self.new)
        self.assertEqual(self.client.get("/permits/cbv/").content.decode(), "清单新版;")

    def test_exports_are_cached_too(self):
        self.client.get("/permits/export.json")
        with self.assertNumQueries(0):
            hit = self.client.get("/permits/export.json")
        self.assertEqual(hit["Content-Type"], "application/json")
        self.assertEqual(hit.json(), {"titles": ["清单旧版"]})

    def test_cached_page_still_answers_revalidation_with_304(self):
        etag = self.client.get("/permits/export.json")["ETag"]
        with self.assertNumQueries(0):
            response = self.client.get("/permits/export.json", HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(response.status_code, 304)
        self.assertEqual(self.client.get("/permits/export.json", HTTP_IF_NONE_MATCH='"other"').status_code, 200)

    def test_publish_shows_at_once(self):
        self.assertIn("清单旧版", self.client.get("/permits/").content.decode())
        self.assertEqual(self.client.get("/permits/")["X-Cache"], "HIT")
        edition_publish(self.new)
        after = self.client.get("/permits/")
        self.assertEqual(after["X-Cache"], "MISS")
        self.assertEqual(after.content.decode().split("\n")[0], "清单新版")
        self.assertNotIn("清单旧版", after.content.decode())

    def test_page_rendered_before_commit_is_dropped_on_commit(self):
        # A request that renders while the publishing transaction is still open must not survive it.
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            edition_publish(self.new)
            self.client.get("/permits/")
            self.assertEqual(self.client.get("/permits/")["X-Cache"], "HIT")
        self.assertTrue(callbacks)
        for callback in callbacks:
            callback()
        self.assertEqual(self.client.get("/permits/")["X-Cache"], "MISS")

    def test_bump_only_touches_its_namespace(self):
        self.client.get("/permits/")
        before = cache_version("permits")
        cache_version_bump("reports")
        self.assertEqual(cache_version("permits"), before)
        self.assertEqual(self.client.get("/permits/")["X-Cache"], "HIT")
        cache_version_bump("permits")
        self.assertNotEqual(cache_version("permits"), before)
        self.assertEqual(self.client.get("/permits/")["X-Cache"], "MISS")

    def test_version_survives_eviction_without_reusing_old_numbers(self):
        self.client.get("/permits/")
        old = cache_version("permits")
        cache.delete("pubver:permits")
        self.assertNotEqual(cache_version("permits"), old)
        self.assertEqual(self.client.get("/permits/")["X-Cache"], "MISS")

    def test_cached_page_carries_no_cookie_or_csrf_token(self):
        self.client.get("/permits/")
        hit = self.client.get("/permits/")
        self.assertEqual(hit["X-Cache"], "HIT")
        self.assertFalse(hit.cookies)
        self.assertFalse(hit.has_header("Set-Cookie"))
        self.assertNotIn("csrfmiddlewaretoken", hit.content.decode())
        # Vary: Cookie stays: the script (简/繁) cookie changes the page for shared HTTP caches.

    def test_page_with_csrf_token_is_never_cached(self):
        for _ in range(2):
            response = self.client.get("/csrf/")
            self.assertIn("csrfmiddlewaretoken", response.content.decode())
            self.assertNotEqual(response.get("X-Cache"), "HIT")
            self.assertIn("csrftoken", response.cookies)

    def test_pages_setting_cookies_or_sessions_are_not_cached(self):
        for url in ("/sets-cookie/", "/session/"):
            with self.subTest(url=url):
                self.client.cookies.clear()
                self.client.get(url)
                self.client.cookies.clear()
                self.assertNotEqual(self.client.get(url).get("X-Cache"), "HIT")

    def test_errors_are_not_cached(self):
        self.assertEqual(self.client.get("/missing/").status_code, 404)
        response = self.client.get("/missing/")
        self.assertEqual(response.status_code, 404)
        self.assertNotEqual(response.get("X-Cache"), "HIT")

    def test_staff_bypass_the_cache_and_do_not_fill_it(self):
        self.client.force_login(self.staff)
        self.client.get("/permits/")
        staff_again = self.client.get("/permits/")
        self.assertNotEqual(staff_again.get("X-Cache"), "HIT")
        anonymous = self.client_class()
        self.assertEqual(anonymous.get("/permits/")["X-Cache"], "MISS")
        # A page anonymous visitors filled is still not served to staff.
        self.assertEqual(anonymous.get("/permits/")["X-Cache"], "HIT")
        self.assertNotEqual(self.client.get("/permits/").get("X-Cache"), "HIT")

    def test_key_has_query_string_script_and_care_mode(self):
        base = self.client.get("/permits/?q=a").content.decode()
        other = self.client.get("/permits/?q=b")
        self.assertEqual(other["X-Cache"], "MISS")
        self.assertIn("q=b", other.content.decode())
        self.client.cookies["zh"] = "hant"
        hant = self.client.get("/permits/?q=a")
        self.assertEqual(hant["X-Cache"], "MISS")
        self.assertIn("zh=hant", hant.content.decode())
        self.client.cookies["care"] = "1"
        care = self.client.get("/permits/?q=a")
        self.assertEqual(care["X-Cache"], "MISS")
        self.assertIn("care=1", care.content.decode())
        del self.client.cookies["zh"]
        del self.client.cookies["care"]
        self.assertEqual(self.client.get("/permits/?q=a").content.decode(), base)

    def test_post_is_never_cached(self):
        self.client.get("/permits/")
        response = self.client.post("/permits/")
        self.assertNotEqual(response.get("X-Cache"), "HIT")

    def test_site_profile_change_refreshes_every_page(self):
        SiteProfile.objects.create(site_name="新余市行政审批局")
        self.client.get("/footer/")
        self.assertEqual(self.client.get("/footer/")["X-Cache"], "HIT")
        profile = SiteProfile.objects.get()
        profile.site_name = "新余市行政审批局门户"
        profile.save()
        response = self.client.get("/footer/")
        self.assertEqual(response["X-Cache"], "MISS")
        self.assertEqual(response.content.decode(), "新余市行政审批局门户")


@override_settings(ROOT_URLCONF="tests.portal.urls_serving", CACHES=LOCMEM)
class LocalMemoryPageCacheTests(PageCacheBehaviour, TestCase):
    def test_cache_outage_serves_pages_uncached(self):
        with mock.patch("permits.kernel.cache.cache.get_many", side_effect=ConnectionError("down")):
            response = self.client.get("/permits/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("清单旧版", response.content.decode())

    def test_publish_bump_survives_cache_outage(self):
        with mock.patch("permits.kernel.cache.cache.incr", side_effect=ConnectionError("down")):
            edition_publish(self.new)
        self.new.refresh_from_db()
        self.assertEqual(self.new.status, EditionStatus.PUBLISHED)

    @override_settings(PUBLIC_CACHE_ENABLED=False)
    def test_switch_turns_caching_off(self):
        self.client.get("/permits/")
        self.assertFalse(self.client.get("/permits/").has_header("X-Cache"))


@override_settings(ROOT_URLCONF="tests.portal.urls_serving", CACHES=REDIS)
class RedisPageCacheTests(PageCacheBehaviour, TestCase):
    @classmethod
    def setUpClass(cls):
        reason = _redis_unavailable_reason()
        if reason:
            import unittest

            raise unittest.SkipTest(reason)
        super().setUpClass()

    def test_backend_is_redis(self):
        from django.core.cache import caches
        from django.core.cache.backends.redis import RedisCache

        self.assertIsInstance(caches["default"], RedisCache)
        self.client.get("/permits/")
        self.assertTrue(caches["default"]._cache.get_client().keys("*pubpage:*"))


class EditionNamespaceTests(SimpleTestCase):
    def test_each_catalogue_publishes_into_its_public_namespace(self):
        from intermediaries.models import IntermediaryList
        from permits.models import PermitCatalogue, PowerCatalogue

        self.assertEqual(namespaces_for_model(PermitCatalogue), ("permits",))
        self.assertEqual(namespaces_for_model(PowerCatalogue), ("powers",))
        self.assertEqual(namespaces_for_model(IntermediaryList), ("intermediaries",))
