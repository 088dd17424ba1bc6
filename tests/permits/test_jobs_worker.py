"""The real background worker (`manage.py db_worker`) against the test database: a publish queues
the open-data build and the worker writes the files; a download that finds none queues it and
waits; a worker killed mid-build is replaced and the files still appear, whole."""
import contextlib
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from permits.models import BackgroundJob
from permits.catalogue.selectors.catalogue import permit_catalogue_json
from permits.kernel.jobs.selectors import job_state
from permits.catalogue.services import open_data
from permits.kernel.lifecycle import edition_publish
from tests.factories import build_catalogue

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FILE_ENDINGS = ("csv", "csv.gz", "xlsx", "json", "json.gz")


def worker_database_url():
    """The test database as a URL another process can open; SkipTest for SQLite in memory."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if connection.is_in_memory_db():
        raise unittest.SkipTest("SQLite 测试库在内存中，另一个进程看不到（设置 DJANGO_TEST_SQLITE_FILE 或用 PostgreSQL）")
    return f"sqlite:///{db['NAME']}"


@contextlib.contextmanager
def running_worker():
    """`manage.py db_worker` on the test database and media folder; stopped (then killed) at the end."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_REPLICA_URL", "REDIS_URL")}
    env.update({"DATABASE_URL": worker_database_url(), "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "PORTAL_TASKS_BACKEND": "database"})
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        worker = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)

        final = []

        def read_log():  # still readable after the worker has stopped
            if final:
                return final[0]
            log.seek(0)
            return log.read()

        try:
            yield worker, read_log
        finally:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
            final.append(read_log())


def wait_for(condition, timeout=60, step=0.05):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(step)
    return condition()


class WorkerBuildsOpenDataTests(TransactionTestCase):
    def setUp(self):
        worker_database_url()  # skips where no other process can see the test database
        self.enterContext(override_settings(TASKS=DATABASE_TASKS))
        self.folder = Path(settings.MEDIA_ROOT) / "open-data"

    def files(self, edition):
        state = open_data.open_data_state(edition)
        return [self.folder / f"{state}.{ending}" for ending in FILE_ENDINGS]

    def test_a_publish_queues_the_build_and_the_worker_writes_every_file(self):
        edition = build_catalogue(items=3, subs=2, handlings=2)
        with running_worker() as (worker, read_log):
            edition_publish(edition)  # autocommit: the publish's after-commit work queues the job here
            published = time.monotonic()
            edition.refresh_from_db()
            expected = self.files(edition)
            key = open_data.open_data_job_key(edition)
            self.assertIn(job_state(key).state, ("queued", "running", "none"))
            done = wait_for(lambda: all(path.exists() for path in expected) and job_state(key).state == "none")
            self.assertTrue(done, read_log())
            seconds = time.monotonic() - published
        self.assertLess(seconds, 30)
        self.assertEqual(json.loads(expected[3].read_text(encoding="utf-8")), permit_catalogue_json(edition))
        self.assertEqual(list(self.folder.glob("*.part")), [])
        print(f"\n发布到 {len(expected)} 个文件写好（worker）：{seconds:.2f} 秒", file=sys.stderr)

    def test_a_download_that_finds_no_file_queues_the_build_and_waits_for_the_worker(self):
        edition = build_catalogue(items=2, subs=1, handlings=1)
        edition_publish(edition)  # no worker yet: the job waits in the queue
        edition.refresh_from_db()
        key = open_data.open_data_job_key(edition)
        self.assertEqual(job_state(key).state, "queued")
        with running_worker() as (worker, read_log), \
                mock.patch.object(open_data, "_write", side_effect=AssertionError("written in the request")):
            started = time.monotonic()
            response = self.client.get("/permits/export.json")
            body = b"".join(response.streaming_content)
            seconds = time.monotonic() - started
        self.assertEqual(response.status_code, 200, read_log())
        self.assertEqual(json.loads(body), permit_catalogue_json(edition))
        self.assertEqual(BackgroundJob.objects.filter(key=key).count(), 0)
        print(f"\n首次下载（文件不存在，等 worker 写好）：{seconds:.2f} 秒", file=sys.stderr)

    def test_a_worker_killed_mid_build_is_replaced_and_the_files_come_out_whole(self):
        edition = build_catalogue(items=150, subs=2, handlings=3)  # long enough to be killed mid-way
        with running_worker() as (worker, read_log):
            edition_publish(edition)
            edition.refresh_from_db()
            key = open_data.open_data_job_key(edition)
            self.assertTrue(wait_for(lambda: job_state(key).state == "running", timeout=30), read_log())
            worker.send_signal(signal.SIGKILL)  # no handler, no finally: as when the machine dies
            worker.wait()
        self.assertEqual(job_state(key).state, "running")  # its row stays; its heartbeat stops
        self.assertFalse(all(path.exists() for path in self.files(edition)))
        # STALE_AFTER later (the row's clock moved back instead of waiting a minute):
        silent = timezone.now() - datetime.timedelta(minutes=2)
        BackgroundJob.objects.filter(key=key).update(heartbeat_at=silent, started_at=silent)
        self.assertEqual(job_state(key).state, "stale")
        with running_worker() as (worker, read_log):
            response = self.client.get("/permits/export.json")  # takes the key over and queues again
            body = b"".join(response.streaming_content)
            self.assertTrue(wait_for(lambda: all(path.exists() for path in self.files(edition))), read_log())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(body), permit_catalogue_json(edition))
        self.assertEqual(list(self.folder.glob("*.part")), [])


class WorkerRendersReportPdfTests(TransactionTestCase):
    """A report publish queues its frozen PDF; the worker renders it; a download before that renders inline."""

    def setUp(self):
        worker_database_url()
        self.enterContext(override_settings(TASKS=DATABASE_TASKS))

    def test_the_worker_renders_the_frozen_pdf_and_a_download_before_it_does_not_wait(self):
        from django.core.files.storage import default_storage

        from reports.models import AnnualReport
        from reports.services import report_publish
        from tests.reports.factories import build_2024

        report = report_publish(build_2024()["report"])  # no worker yet: the render waits in the queue
        self.assertFalse(AnnualReport.objects.get(pk=report.pk).frozen_pdf)
        started = time.monotonic()
        early = self.client.get("/reports/2024.pdf")  # rendered here from the frozen content
        self.assertEqual(early.status_code, 200)
        self.assertEqual(b"".join(early.streaming_content)[:5], b"%PDF-")
        inline = time.monotonic() - started
        with running_worker() as (worker, read_log):
            started = time.monotonic()
            self.assertTrue(wait_for(lambda: AnnualReport.objects.get(pk=report.pk).frozen_pdf), read_log())
            rendered = time.monotonic() - started
        name = AnnualReport.objects.get(pk=report.pk).frozen_pdf.name
        self.assertTrue(default_storage.exists(name))
        self.assertEqual(default_storage.open(name).read()[:5], b"%PDF-")
        print(f"\n报告 PDF：发布后首个下载当场生成 {inline:.2f} 秒；worker 生成存档 PDF {rendered:.2f} 秒", file=sys.stderr)
