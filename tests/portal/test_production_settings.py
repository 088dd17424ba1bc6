"""Production settings (issue 15, defect 11): Permissions-Policy, every cookie Secure and HttpOnly, and
`check --deploy --fail-level WARNING` clean with DJANGO_DEBUG=0."""
import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase, override_settings

from permits.kernel.access import roles

from .factories import PASSWORD, make_staff

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k3#Vq9!xPz" * 6, "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    # A Fernet key of 32 bytes for the personal data of messages (required in production).
    "PORTAL_PERSONAL_DATA_KEYS": "cG9ydGFsLXRlc3Qta2V5LW5vdC1mb3ItcHJvZHVjdGk=",
}
# Written from the requirement: features no government page uses.
DENIED = ["camera", "microphone", "geolocation", "payment", "usb", "display-capture"]


def production(*args):
    env = {**os.environ, **PRODUCTION_ENV}
    # Set by the browser tests' Playwright runs; never in a deployment.
    for name in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


class DeployCheckTests(SimpleTestCase):
    def test_check_deploy_is_clean(self):
        result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_every_cookie_setting_is_secure_in_production(self):
        script = ("import django, json; django.setup(); from django.conf import settings as s; print(json.dumps("
                  "[s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
                  " s.CSRF_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_HTTPONLY, s.PORTAL_REQUIRE_2FA]))")
        result = production("-c", script)
        self.assertEqual(json.loads(result.stdout.strip().splitlines()[-1]), [True] * 7, result.stderr)


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True, LANGUAGE_COOKIE_SECURE=True)
class CookieTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_staff("reviewer", roles.REVIEWER)

    def assert_cookies_secure(self, response):
        self.assertTrue(response.cookies)
        for name, morsel in response.cookies.items():
            with self.subTest(name):
                self.assertTrue(morsel["secure"], name)
                self.assertTrue(morsel["httponly"], name)

    def test_reader_cookies_are_secure_and_http_only(self):
        # Defect 11: zh and care lacked Secure.
        response = self.client.get("/robots.txt", {"zh": "hant", "care": "1"})
        self.assertEqual(set(response.cookies), {"zh", "care"})
        self.assert_cookies_secure(response)

    def test_sign_in_cookies_are_secure_and_http_only(self):
        self.assert_cookies_secure(self.client.get("/admin/login/"))
        response = self.client.post("/admin/login/", {"username": "reviewer", "password": PASSWORD},
                                    REMOTE_ADDR="10.5.5.5")
        self.assertIn("sessionid", response.cookies)
        self.assert_cookies_secure(response)

    def test_permissions_policy_denies_devices(self):
        for path in ("/robots.txt", "/admin/login/", "/no-such-page/"):
            with self.subTest(path):
                policy = self.client.get(path)["Permissions-Policy"]
                features = dict(part.strip().split("=", 1) for part in policy.split(","))
                for feature in DENIED:
                    self.assertEqual(features[feature], "()")
