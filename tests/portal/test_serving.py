"""Production serving: gunicorn settings, hashed compressed static files, replica settings."""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.http import HttpResponseNotFound
from django.test import RequestFactory, SimpleTestCase, override_settings

BASE_DIR = Path(settings.BASE_DIR)


def load_gunicorn_conf(env):
    with mock.patch.dict(os.environ, env, clear=False):
        for name in ("GUNICORN_WORKERS", "WEB_CONCURRENCY", "GUNICORN_MAX_WORKERS"):
            if name not in env:
                os.environ.pop(name, None)
        spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", BASE_DIR / "portal/gunicorn.conf.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


class GunicornConfigTests(SimpleTestCase):
    def test_workers_follow_the_cores_and_are_capped(self):
        for cores, cap, expected in ((1, "9", 3), (2, "9", 5), (8, "9", 9), (8, "4", 4)):
            with self.subTest(cores=cores, cap=cap), mock.patch("multiprocessing.cpu_count", return_value=cores):
                self.assertEqual(load_gunicorn_conf({"GUNICORN_MAX_WORKERS": cap}).workers, expected)

    def test_explicit_worker_count_wins(self):
        with mock.patch("multiprocessing.cpu_count", return_value=2):
            self.assertEqual(load_gunicorn_conf({"GUNICORN_WORKERS": "7"}).workers, 7)

    def test_recycling_timeouts_and_logs(self):
        conf = load_gunicorn_conf({})
        self.assertGreater(conf.max_requests, 0)
        self.assertGreater(conf.max_requests_jitter, 0)
        self.assertLess(conf.max_requests_jitter, conf.max_requests)
        self.assertGreater(conf.timeout, 0)
        self.assertEqual(conf.accesslog, "-")
        self.assertTrue(conf.preload_app)
        self.assertEqual(conf.bind, "127.0.0.1:8000")
        # Several instances on one machine must not fight over one default control socket.
        self.assertTrue(conf.control_socket_disable)


class StaticFilesTests(SimpleTestCase):
    """What `collectstatic` + WhiteNoise give with DEBUG off: hashed names, brotli/gzip, cached forever."""

    def test_hashed_compressed_files_are_served(self):
        from whitenoise.middleware import WhiteNoiseMiddleware

        with tempfile.TemporaryDirectory() as root, override_settings(
            DEBUG=False,
            STATIC_ROOT=root,
            STATICFILES_DIRS=[],
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
            },
        ):
            call_command("collectstatic", interactive=False, verbosity=0)
            url = staticfiles_storage.url("admin/css/base.css")
            self.assertRegex(url, r"^/static/admin/css/base\.[0-9a-f]{12}\.css$")
            middleware = WhiteNoiseMiddleware(lambda request: HttpResponseNotFound())
            for encoding in ("br", "gzip"):
                with self.subTest(encoding=encoding):
                    response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING=encoding))
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response["Content-Encoding"], encoding)
                    self.assertIn("immutable", response["Cache-Control"])
                    body = b"".join(response.streaming_content)
                    response.file_to_stream.close()  # not response.close(): that signals request_finished
                    self.assertEqual(len(body), int(response["Content-Length"]))
                    if encoding == "gzip":
                        self.assertEqual(body[:2], b"\x1f\x8b")


class SettingsFromEnvironmentTests(SimpleTestCase):
    def _settings(self, **env):
        code = (
            "import json, portal.settings as s; print(json.dumps({'databases': {k: {'ENGINE': v['ENGINE'], "
            "'NAME': v['NAME'], 'TEST': v.get('TEST', {})} for k, v in s.DATABASES.items()}, "
            "'routers': s.DATABASE_ROUTERS, 'cache': s.CACHES['default']['BACKEND'], "
            "'static': s.STORAGES['staticfiles']['BACKEND']}))"
        )
        environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_REPLICA_URL", "REDIS_URL")}
        environ.update(env)
        output = subprocess.run(
            [sys.executable, "-c", code], env=environ, cwd=BASE_DIR, capture_output=True, text=True, check=True
        ).stdout
        return json.loads(output.strip().splitlines()[-1])

    def test_production_environment(self):
        conf = self._settings(
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="test-only",
            DATABASE_URL="postgres://u:p@db1:5432/portal",
            DATABASE_REPLICA_URL="postgres://u:p@db2:5432/portal",
            REDIS_URL="redis://cache:6379/0",
        )
        self.assertEqual(conf["databases"]["replica"]["NAME"], "portal")
        self.assertEqual(conf["databases"]["replica"]["TEST"], {"MIRROR": "default"})
        self.assertIn("portal.db_router.ReplicaRouter", conf["routers"])
        self.assertEqual(conf["cache"], "django.core.cache.backends.redis.RedisCache")
        self.assertEqual(conf["static"], "whitenoise.storage.CompressedManifestStaticFilesStorage")

    def test_without_replica_or_redis(self):
        conf = self._settings()
        self.assertEqual(list(conf["databases"]), ["default"])
        self.assertEqual(conf["cache"], "django.core.cache.backends.locmem.LocMemCache")
