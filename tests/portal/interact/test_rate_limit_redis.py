"""The message rate limit on the shared cache production uses: Redis, as every app server sees it."""
import os
import unittest

from django.core.cache import cache
from django.test import TestCase, override_settings

from portal.interact.models import Message
from tests.portal.catalogue_data import site_profile
from tests.portal.test_cache import REDIS, _redis_unavailable_reason
from tests.portal.interact.test_public import form_data

RATELIMIT_CACHES = {**REDIS, "default": {**REDIS["default"], "KEY_PREFIX": "xyportal-interact-%d" % os.getpid()}}


@unittest.skipIf(_redis_unavailable_reason(), _redis_unavailable_reason())
@override_settings(CACHES=RATELIMIT_CACHES)
class RedisRateLimit(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()

    def setUp(self):
        cache.clear()

    def tearDown(self):
        cache.clear()

    def test_sixth_message_within_the_hour_is_refused(self):
        for n in range(5):
            response = self.client.post("/interact/new/", form_data(phone=f"1390000000{n}", title=f"第{n}个咨询问题"),
                                        REMOTE_ADDR="10.9.0.1")
            self.assertEqual(response.status_code, 200)
        response = self.client.post("/interact/new/", form_data(phone="13900000009", title="第六个咨询问题"),
                                    REMOTE_ADDR="10.9.0.1")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response["Retry-After"], "3600")
        self.assertContains(response, "请一小时后再试", status_code=429)
        self.assertEqual(Message.objects.count(), 5)
        # Another address and phone is not held back.
        other = self.client.post("/interact/new/", form_data(phone="13700000000", title="另一位市民的咨询"),
                                 REMOTE_ADDR="10.9.0.2")
        self.assertEqual(other.status_code, 200)
