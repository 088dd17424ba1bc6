"""Redis outage (issue 15, defect 8): pages keep coming, uncached, with one warning a minute instead of a
traceback per request; when Redis is back, caching resumes. Runs against a redis-server of its own."""
import logging
import shutil
import socket
import subprocess
import time
import unittest
from unittest import mock

import redis
from django.core.cache import caches
from django.test import TestCase, override_settings

from permits.kernel.access import roles
from permits.kernel.lifecycle import edition_publish
from portal import cache_backend
from portal.models import SiteProfile
from tests.factories import build_catalogue

from .factories import make_staff


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@unittest.skipUnless(shutil.which("redis-server"), "redis-server 未安装（make setup 会安装）")
class RedisOutageTests(TestCase):
    uses_public_cache = True

    @classmethod
    def setUpClass(cls):
        cls.server = RedisServer()
        cls.server.start()
        cls.settings_override = override_settings(CACHES={"default": {
            "BACKEND": "portal.cache_backend.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{cls.server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }}, PUBLIC_CACHE_ENABLED=True, VERSIONED_READS=True)
        cls.settings_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.settings_override.disable()
        cls.server.stop()

    @classmethod
    def setUpTestData(cls):
        cls.reviewer = make_staff("reviewer", roles.REVIEWER)
        cls.edition = build_catalogue(items=1, subs=1, handlings=1)
        edition_publish(cls.edition, user=cls.reviewer)

    def setUp(self):
        # The cache object outlives a test: start each one with the circuit closed and no warning given.
        backend = caches["default"]
        backend._down_until, backend._warned_at, backend._failures = 0, None, 0

    def tearDown(self):
        if self.server.process is None:
            self.server.start()

    def test_outage_serves_uncached_pages_with_one_warning_then_recovers(self):
        self.client.get("/permits/")
        self.assertEqual(self.client.get("/permits/")["X-Cache"], "HIT")
        self.server.stop()
        with self.assertLogs(level=logging.WARNING) as logs:
            statuses = [self.client.get(path).status_code for path in ["/permits/", "/", "/one-things/"] * 10]
        self.assertEqual(set(statuses), {200})
        self.assertEqual(len(logs.records), 1, [r.getMessage() for r in logs.records])
        self.assertEqual((logs.records[0].name, logs.records[0].levelname), ("portal.cache", "WARNING"))
        self.assertIsNone(logs.records[0].exc_info)
        self.assertTrue(caches["default"].is_down)
        # Back: after the retry interval caching resumes by itself.
        self.server.start()
        with mock.patch.object(cache_backend, "RETRY_SECONDS", 0):
            caches["default"]._down_until = 0
            # The first call may meet a pooled connection from before the restart.
            answers = [self.client.get("/permits/")["X-Cache"] for _ in range(4)]
        self.assertEqual(answers[-1], "HIT")

    def test_a_change_during_the_outage_shows_at_once(self):
        # Remembered reads (versioned_read) must not serve the footer from before the change.
        profile = SiteProfile.objects.create(site_name="新余市行政审批局", hotline="12345")
        self.assertContains(self.client.get("/"), "12345")
        self.server.stop()
        with self.assertLogs("portal.cache", level=logging.WARNING):
            self.client.get("/")
        profile.hotline = "0790-6666666"
        profile.save()
        self.assertContains(self.client.get("/"), "0790-6666666")
