"""Production serving: gunicorn settings, hashed compressed static files, replica settings."""
import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
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
                "staticfiles": {"BACKEND": "portal.storage.StaticStorage"},
            },
        ):
            call_command("collectstatic", interactive=False, verbosity=0)
            url = staticfiles_storage.url("admin/css/base.css")
            self.assertRegex(url, r"^/static/admin/css/base\.[0-9a-f]{12}\.css$")
            # Remembered per name; a name missing from the manifest still fails every time.
            self.assertEqual(staticfiles_storage.url("admin/css/base.css"), url)
            self.assertNotEqual(staticfiles_storage.url("admin/css/login.css"), url)
            for _ in range(2):
                with self.assertRaises(ValueError):
                    staticfiles_storage.url("css/no-such-file.css")
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
        # Django's Redis cache, degrading to no cache during an outage (issue 15).
        self.assertEqual(conf["cache"], "portal.cache_backend.ResilientRedisCache")
        self.assertEqual(conf["static"], "portal.storage.StaticStorage")

    def test_without_replica_or_redis(self):
        conf = self._settings()
        self.assertEqual(list(conf["databases"]), ["default"])
        self.assertEqual(conf["cache"], "django.core.cache.backends.locmem.LocMemCache")


class FakeArbiter:
    def __init__(self, preload):
        self.cfg = mock.Mock(preload_app=preload)
        self.log = mock.Mock()


class PreforkTests(SimpleTestCase):
    """The master compiles templates and URL maps once, then freezes them out of the collector."""

    def test_master_warms_up_and_freezes_when_the_app_is_preloaded(self):
        import gc

        from django.template import engines

        conf = load_gunicorn_conf({})
        arbiter = FakeArbiter(preload=True)
        engine = engines["django"].engine
        loader = engine.template_loaders[0]
        loader.reset()
        try:
            conf.when_ready(arbiter)
            compiled = arbiter.log.info.call_args.args[1]
            pages = len(list((BASE_DIR / "templates").rglob("*.html")))
            self.assertGreater(compiled, pages // 2)
            self.assertLessEqual(compiled, pages)
            self.assertIn("permits/items.html", {key.split("-")[0] for key in loader.get_template_cache})
            conf.pre_fork(arbiter, None)
            self.assertGreater(gc.get_freeze_count(), 0)
        finally:
            gc.unfreeze()

    def test_nothing_is_done_in_the_master_without_preload(self):
        import gc

        conf = load_gunicorn_conf({})
        arbiter = FakeArbiter(preload=False)
        conf.when_ready(arbiter)
        conf.pre_fork(arbiter, None)
        arbiter.log.info.assert_not_called()
        self.assertEqual(gc.get_freeze_count(), 0)

    def test_gunicorn_serves_with_the_project_config(self):
        """The real server: the hooks run in the master and a worker answers /healthz."""
        with running_gunicorn() as (server, port, read_log):
            body, deadline = None, time.monotonic() + 30
            while body is None and time.monotonic() < deadline and server.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                        body = json.loads(response.read())
                except OSError:
                    time.sleep(0.2)
            self.assertEqual(body, {"status": "ok", "database": "ok"}, read_log())
            self.assertIn("预热完成", read_log())


class WorkerSignalsAfterForkTests(SimpleTestCase):
    """A stop signal that reaches a worker before its own handlers exist is not lost."""

    def setUp(self):
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)}
        self.addCleanup(lambda: [signal.signal(sig, handler) for sig, handler in saved.items()])

    def _after_fork(self, *queued):
        import queue

        server, worker = mock.Mock(SIG_QUEUE=queue.SimpleQueue()), mock.Mock()
        for sig in queued:
            server.SIG_QUEUE.put_nowait(sig)
        load_gunicorn_conf({}).post_fork(server, worker)
        self.assertIs(signal.getsignal(signal.SIGTERM), worker.handle_exit)
        self.assertIs(signal.getsignal(signal.SIGQUIT), worker.handle_quit)
        self.assertIs(signal.getsignal(signal.SIGINT), worker.handle_quit)
        self.assertTrue(server.SIG_QUEUE.empty())
        return worker

    def test_a_queued_term_stops_the_worker_gracefully(self):
        worker = self._after_fork(signal.SIGCHLD, signal.SIGTERM)
        worker.handle_exit.assert_called_once_with(signal.SIGTERM, None)
        worker.handle_quit.assert_not_called()

    def test_a_queued_quit_or_int_stops_the_worker_at_once(self):
        for sig in (signal.SIGQUIT, signal.SIGINT):
            with self.subTest(signal=sig.name):
                worker = self._after_fork(sig)
                worker.handle_quit.assert_called_once_with(sig, None)

    def test_nothing_queued_leaves_the_worker_running(self):
        worker = self._after_fork(signal.SIGCHLD)
        worker.handle_exit.assert_not_called()
        worker.handle_quit.assert_not_called()

    def test_real_gunicorn_stops_promptly_while_its_workers_boot(self):
        """The signal lands in the window after fork (held open here for 2 s); the stop must not wait 30 s."""
        for stop in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(signal=stop.name), tempfile.TemporaryDirectory() as tmp:
                conf = Path(tmp, "slow_boot.conf.py")
                conf.write_text(
                    f"exec(open({str(BASE_DIR / 'portal/gunicorn.conf.py')!r}, encoding='utf-8').read())\n"
                    "_project_post_fork = post_fork\n"
                    "def post_fork(server, worker):\n"
                    "    import time\n"
                    "    time.sleep(2)\n"
                    "    _project_post_fork(server, worker)\n",
                    encoding="utf-8",
                )
                with running_gunicorn(conf) as (server, _port, read_log):
                    deadline = time.monotonic() + 30
                    while read_log().count("Booting worker") < 2 and time.monotonic() < deadline:
                        time.sleep(0.05)
                    self.assertEqual(read_log().count("Booting worker"), 2, read_log())
                    started = time.monotonic()
                    server.send_signal(stop)
                    try:
                        server.wait(15)
                    except subprocess.TimeoutExpired:
                        self.fail(f"gunicorn 收到 {stop.name} 后 15 秒仍未退出：\n{read_log()}")
                    self.assertLess(time.monotonic() - started, 15)
                    self.assertEqual(read_log().count("Worker exiting"), 2, read_log())


@contextlib.contextmanager
def running_gunicorn(conf=BASE_DIR / "portal/gunicorn.conf.py"):
    """gunicorn with 2 workers on a free port and an empty SQLite file; killed if still running."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        raise unittest.SkipTest("gunicorn 未安装")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_REPLICA_URL", "REDIS_URL")}
        env.update({
            "DATABASE_URL": f"sqlite:///{tmp}/serve.sqlite3", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "0", "GUNICORN_WORKERS": "2",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
        })
        with open(f"{tmp}/gunicorn.log", "w+", encoding="utf-8") as log:
            server = subprocess.Popen([str(gunicorn), "-c", str(conf), "portal.wsgi"],
                                      cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)

            def read_log():
                log.seek(0)
                return log.read()

            try:
                yield server, port, read_log
            finally:
                if server.poll() is None:
                    server.terminate()
                    try:
                        server.wait(35)  # graceful_timeout is 30 s
                    except subprocess.TimeoutExpired:
                        server.kill()
                        server.wait()
