"""Reads remembered under the cache version numbers are never older than the next request."""
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from permits.kernel.cache import versioned_read
from permits.catalogue.selectors.catalogue import published_permit_catalogue
from permits.kernel.lifecycle import edition_copy, edition_publish
from portal.models import SiteProfile
from tests.portal.catalogue_data import build_published_catalogue, site_profile

ROOT = Path(__file__).resolve().parents[2]


class VersionedReadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue(extra=2)

    def test_read_once_then_remembered_until_a_bump(self):
        calls = []

        @versioned_read("site")
        def read(n):
            calls.append(n)
            return n * 2

        self.assertEqual((read(1), read(1), read(2)), (2, 2, 4))
        self.assertEqual(calls, [1, 2])
        SiteProfile.objects.get().save()  # a watched model: bumps "site"
        self.assertEqual(read(1), 2)
        self.assertEqual(calls, [1, 2, 1])

    @override_settings(VERSIONED_READS=False)
    def test_off_reads_every_time(self):
        calls = []

        @versioned_read("site")
        def read():
            calls.append(1)

        read()
        read()
        self.assertEqual(len(calls), 2)

    def test_a_publish_changes_the_edition_in_force_at_once(self):
        first = published_permit_catalogue()
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(published_permit_catalogue(), first)
        self.assertEqual(len(queries), 0)
        draft = edition_copy(first)
        edition_publish(draft)
        self.assertEqual(published_permit_catalogue(), draft)

    def test_site_profile_and_department_edits_show_at_once(self):
        self.client.get("/permits/")
        profile = SiteProfile.objects.get()
        profile.hotline = "0790-6666666"
        profile.save()
        self.assertContains(self.client.get("/permits/"), "0790-6666666")
        market = self.data["departments"][0]
        market.name = "市市场监管综合执法局"
        market.save()
        facet = self.client.get("/permits/").context["facet_groups"][0]
        self.assertIn("市市场监管综合执法局", [o["label"] for o in facet["options"]])


class SettingsWithoutSharedCacheTests(TestCase):
    def settings_in(self, **env):
        code = "from django.conf import settings; print(settings.PUBLIC_CACHE_ENABLED, settings.VERSIONED_READS)"
        full = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env}
        full.pop("REDIS_URL", None)
        full.update({k: v for k, v in env.items()})
        out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT,
                             env=full, capture_output=True, text=True, check=True)
        return out.stdout.split()

    def test_several_workers_without_redis_read_the_database(self):
        # Process-local version numbers cannot reach the other workers: both memories are off.
        self.assertEqual(self.settings_in(PORTAL_PROCESSES="5"), ["False", "False"])
        self.assertEqual(self.settings_in(PORTAL_PROCESSES="1"), ["True", "True"])
        self.assertEqual(self.settings_in(PORTAL_PROCESSES="5", REDIS_URL="redis://127.0.0.1:1/0"),
                         ["True", "True"])
