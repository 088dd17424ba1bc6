import datetime
import io
import json
import threading
import time
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook

from permits.kernel.importing.formats import read_rows
from permits.kernel.exporting import write_csv
from permits.models import BackgroundJob, EditionStatus
from permits.catalogue.selectors.catalogue import permit_catalogue_json
from permits.catalogue.selectors.export import PERMIT_HEADERS, permit_export_rows
from permits.kernel.jobs.selectors import job_state
from permits.catalogue.services import open_data
from permits.kernel.jobs import services as jobs
from permits.kernel.lifecycle import edition_publish
from tests.factories import build_catalogue

FILE_ENDINGS = ("csv", "csv.gz", "xlsx", "json", "json.gz")


class OpenDataFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.edition = build_catalogue(items=3, subs=2, handlings=2)
        edition_publish(cls.edition)

    def test_files_hold_the_same_data_as_the_in_memory_writers(self):
        path = open_data.open_data_file(self.edition, "json")
        self.assertEqual(json.loads(path.read_text(encoding="utf-8")), permit_catalogue_json(self.edition))
        path = open_data.open_data_file(self.edition, "csv")
        expected = read_rows(write_csv(PERMIT_HEADERS, permit_export_rows(self.edition)), "x.csv")
        self.assertEqual(read_rows(path.read_bytes(), "x.csv"), expected)
        path = open_data.open_data_file(self.edition, "xlsx")
        rows = list(load_workbook(io.BytesIO(path.read_bytes())).worksheets[0].iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), PERMIT_HEADERS)
        self.assertEqual(len(rows) - 1, 3 * 2 * 2)

    def test_written_once_per_state_and_replaced_when_the_state_changes(self):
        folder = Path(settings.MEDIA_ROOT) / "open-data"
        for old in folder.glob(f"permits-{self.edition.pk}-*"):
            old.unlink()
        with mock.patch.object(open_data, "_write", wraps=open_data._write) as write:
            first = open_data.open_data_file(self.edition, "json")
            again = open_data.open_data_file(self.edition, "json")
            self.assertEqual(write.call_count, 3)  # one build: csv, json and xlsx, each once
            with mock.patch.object(open_data, "FILE_VERSION", open_data.FILE_VERSION + 1):
                newer = open_data.open_data_file(self.edition, "json")
            self.assertEqual(write.call_count, 6)
        self.assertEqual(first, again)
        self.assertTrue(newer.exists())
        self.assertFalse(first.exists())
        self.assertEqual(list(folder.glob("*.part")), [])
        self.assertEqual(job_state(open_data.open_data_job_key(self.edition)).state, "none")

    def test_a_new_file_version_gives_new_files_and_etags(self):
        first = self.client.get("/permits/export.json")
        b"".join(first.streaming_content)
        with mock.patch.object(open_data, "FILE_VERSION", open_data.FILE_VERSION + 1):
            second = self.client.get("/permits/export.json", HTTP_IF_NONE_MATCH=first["ETag"])
            body = b"".join(second.streaming_content)
            path = open_data.open_data_file(self.edition, "json")
        self.assertEqual(second.status_code, 200)  # not 304: the old ETag no longer matches
        self.assertNotEqual(second["ETag"], first["ETag"])
        self.assertTrue(path.name.endswith(f"v{open_data.FILE_VERSION + 1}.json"))
        self.assertEqual(json.loads(body), permit_catalogue_json(self.edition))

    def test_unknown_format_is_refused(self):
        with self.assertRaises(ValueError):
            open_data.open_data_file(self.edition, "exe")


class CompressedOpenDataTests(TestCase):
    """Clients that accept gzip get the same bytes compressed, under their own ETag."""

    @classmethod
    def setUpTestData(cls):
        from tests.portal.catalogue_data import site_profile

        site_profile()
        cls.edition = build_catalogue(items=4, subs=2, handlings=2)
        edition_publish(cls.edition)

    def test_gzip_variant_is_the_same_document(self):
        import gzip

        for fmt in ("json", "csv"):
            with self.subTest(fmt=fmt):
                plain = self.client.get(f"/permits/export.{fmt}")
                packed = self.client.get(f"/permits/export.{fmt}", HTTP_ACCEPT_ENCODING="br, gzip;q=0.9")
                self.assertEqual(plain.status_code, 200)
                self.assertNotIn("Content-Encoding", plain)
                self.assertEqual(packed["Content-Encoding"], "gzip")
                self.assertIn("Accept-Encoding", packed["Vary"])
                body = b"".join(packed.streaming_content)
                self.assertEqual(gzip.decompress(body), b"".join(plain.streaming_content))
                self.assertEqual(int(packed["Content-Length"]), len(body))
                self.assertNotEqual(packed["ETag"], plain["ETag"])
                self.assertNotIn(".gz", packed["Content-Disposition"])
                again = self.client.get(f"/permits/export.{fmt}", HTTP_ACCEPT_ENCODING="gzip",
                                        HTTP_IF_NONE_MATCH=packed["ETag"])
                self.assertEqual(again.status_code, 304)

    def test_xlsx_is_never_gzipped(self):
        response = self.client.get("/permits/export.xlsx", HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Content-Encoding", response)
        with self.assertRaises(ValueError):
            open_data.open_data_file(self.edition, "xlsx", compressed=True)


class OneWriterTests(TestCase):
    """Many requests for a missing file: one run writes it (the one holding the state's job key),
    the others wait for it or get a 503. Jobs run where they are enqueued here (tests/conftest.py);
    tests/permits/test_jobs_worker.py does the same with the real worker."""

    @classmethod
    def setUpTestData(cls):
        cls.edition = build_catalogue(items=2, subs=1, handlings=1)
        edition_publish(cls.edition)

    def setUp(self):
        self.key = open_data.open_data_job_key(self.edition)
        self.path = Path(settings.MEDIA_ROOT) / "open-data" / f"{open_data.open_data_state(self.edition)}.json"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in self.path.parent.glob(self.path.name.split(".")[0] + ".*"):
            leftover.unlink()

    def test_a_request_waits_for_the_other_writer_and_does_not_write_again(self):
        def finish_soon():
            time.sleep(0.3)
            self.path.write_text("{}", encoding="utf-8")

        with jobs.job_claim(self.key), mock.patch.object(open_data, "_write", wraps=open_data._write) as write:
            writer = threading.Thread(target=finish_soon)
            writer.start()
            started = time.monotonic()
            path = open_data.open_data_file(self.edition, "json", wait=10)
            writer.join()
        self.assertEqual(path, self.path)
        self.assertEqual(write.call_count, 0)
        self.assertGreaterEqual(time.monotonic() - started, 0.25)

    def test_a_request_gives_up_after_the_wait(self):
        with jobs.job_claim(self.key), self.assertRaises(open_data.StillWriting):
            open_data.open_data_file(self.edition, "json", wait=0.2)
        self.assertFalse(self.path.exists())

    def test_two_runs_never_hold_the_same_state(self):
        with jobs.job_claim(self.key):
            self.assertEqual(job_state(self.key).state, "running")
            with self.assertRaises(jobs.JobBusy):
                open_data.open_data_build(self.edition)
            with self.assertRaisesMessage(CommandError, "正由后台任务生成"):
                call_command("open_data_build", stdout=io.StringIO())
            job = open_data.open_data_build_start(self.edition)  # queued again: nothing new
            self.assertEqual(BackgroundJob.objects.filter(key=self.key).count(), 1)
            self.assertEqual(job.task_id, "")
        self.assertEqual(job_state(self.key).state, "none")

    def test_a_killed_writer_is_taken_over_and_its_half_file_removed(self):
        """A worker killed mid-file leaves its row (no more heartbeat) and a .part file behind."""
        long_ago = timezone.now() - datetime.timedelta(minutes=5)
        BackgroundJob.objects.create(key=self.key, token="00000000-0000-0000-0000-000000000001",
                                     enqueued_at=long_ago, started_at=long_ago, heartbeat_at=long_ago)
        partial = self.path.with_name(self.path.name + ".x1y2.part")
        partial.write_text("{", encoding="utf-8")
        self.assertEqual(job_state(self.key).state, "stale")
        path = open_data.open_data_file(self.edition, "json", wait=5)
        self.assertEqual(json.loads(path.read_text(encoding="utf-8")), permit_catalogue_json(self.edition))
        self.assertFalse(partial.exists())
        self.assertFalse(BackgroundJob.objects.filter(key=self.key).exists())

    def test_a_run_whose_key_was_taken_over_stops_writing(self):
        with jobs.job_claim(self.key) as beat:
            long_ago = timezone.now() - datetime.timedelta(minutes=5)
            BackgroundJob.objects.filter(key=self.key).update(heartbeat_at=long_ago)
            with jobs.job_claim(self.key):  # the next run, after this one went silent
                with self.assertRaises(jobs.JobTakenOver):
                    beat("csv 已生成")

    def test_a_live_run_beats_and_reports_progress(self):
        with jobs.job_claim(self.key) as beat:
            beat("csv 已生成")
            state = job_state(self.key)
        self.assertEqual((state.state, state.progress), ("running", "csv 已生成"))
        self.assertIsNotNone(state.heartbeat_at)

    def test_the_download_answers_503_while_another_run_writes(self):
        self.path = self.path.with_suffix(".csv")
        with jobs.job_claim(self.key), mock.patch.object(open_data, "REQUEST_WAIT", 0.2):
            response = self.client.get("/permits/export.csv")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], str(open_data.RETRY_AFTER))
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertContains(response, "<h1>开放数据文件正在生成</h1>", status_code=503, html=False)
        self.assertContains(response, f"请在 {open_data.RETRY_AFTER} 秒后重试", status_code=503)
        written = self.client.get("/permits/export.csv")  # the key is free: this request's job writes it
        b"".join(written.streaming_content)  # sent to the end, which ends the request as a server does
        self.assertEqual(written.status_code, 200)


class OpenDataBuildCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.edition = build_catalogue(items=2, subs=1, handlings=1)
        edition_publish(cls.edition)
        cls.draft = build_catalogue(items=1, subs=1, handlings=1)

    def test_writes_every_file_of_the_published_catalogue(self):
        out = io.StringIO()
        call_command("open_data_build", stdout=out)
        stamp = open_data.open_data_stamp(self.edition)
        folder = Path(settings.MEDIA_ROOT) / "open-data"
        names = {f"permits-{self.edition.pk}-{stamp}.{ext}" for ext in FILE_ENDINGS}
        self.assertLessEqual(names, {path.name for path in folder.iterdir()})
        self.assertFalse(BackgroundJob.objects.exists())  # the key is given back
        self.assertIn("开放数据文件已就绪", out.getvalue())
        with mock.patch.object(open_data, "_write") as write:
            call_command("open_data_build", "--edition", str(self.edition.pk), stdout=io.StringIO())
        write.assert_not_called()  # already there: nothing is written twice

    def test_the_format_someone_waits_for_is_written_first(self):
        for path in (Path(settings.MEDIA_ROOT) / "open-data").glob(f"permits-{self.edition.pk}-*"):
            path.unlink()
        with mock.patch.object(open_data, "_write", wraps=open_data._write) as write:
            call_command("open_data_build", "--first", "xlsx", stdout=io.StringIO())
        self.assertEqual([call.args[1] for call in write.call_args_list], ["xlsx", "csv", "json"])

    def test_files_of_other_catalogues_are_removed(self):
        folder = Path(settings.MEDIA_ROOT) / "open-data"
        folder.mkdir(parents=True, exist_ok=True)
        archived = folder / f"permits-{self.draft.pk}-1.json"
        archived.write_text("{}", encoding="utf-8")
        call_command("open_data_build", stdout=io.StringIO())
        self.assertFalse(archived.exists())

    def test_a_build_that_ends_after_a_newer_publish_leaves_the_newer_files(self):
        newer = build_catalogue(items=1, subs=1, handlings=1)
        edition_publish(newer)
        newer_files = open_data.open_data_build(newer)
        older_files = open_data.open_data_build(self.edition)  # began before the publish, say
        self.assertTrue(all(path.exists() for path in newer_files))
        self.assertFalse(any(path.exists() for path in older_files))

    def test_the_edition_served_is_read_from_the_database_not_from_a_remembered_read(self):
        from permits.kernel.cache import VERSION_KEY, cache_versions
        from permits.kernel.registry import public_namespaces
        from permits.catalogue.selectors.catalogue import published_permit_catalogue

        before = cache_versions(*public_namespaces())
        self.assertEqual(published_permit_catalogue(), self.edition)  # remembered under `before`
        newer = build_catalogue(items=1, subs=1, handlings=1)
        edition_publish(newer)
        newer_files = open_data.open_data_build(newer)
        # Another process, with its own local cache, never saw the publish: its numbers stand still.
        cache.set_many({VERSION_KEY % ns: version for ns, version in before.items()}, timeout=None)
        self.assertEqual(published_permit_catalogue(), self.edition)
        open_data.open_data_build(self.edition)
        self.assertTrue(all(path.exists() for path in newer_files))

    def test_a_build_overtaken_by_a_publish_says_so(self):
        newer = build_catalogue(items=1, subs=1, handlings=1)
        real_ensure = open_data._ensure

        def publish_meanwhile(*args):
            if newer.status != EditionStatus.PUBLISHED:
                edition_publish(newer)
            real_ensure(*args)

        out = io.StringIO()
        with mock.patch.object(open_data, "_ensure", side_effect=publish_meanwhile):
            call_command("open_data_build", stdout=out)
        self.assertIn("生成期间已有更新的清单发布", out.getvalue())
        self.assertEqual(list((Path(settings.MEDIA_ROOT) / "open-data").glob(f"permits-{self.edition.pk}-*")), [])

    def test_a_catalogue_that_is_not_published_gets_no_files(self):
        out = io.StringIO()
        call_command("open_data_build", "--edition", str(self.draft.pk), stdout=out)
        self.assertIn("不生成开放数据文件", out.getvalue())
        self.assertEqual(list((Path(settings.MEDIA_ROOT) / "open-data").glob(f"permits-{self.draft.pk}-*")), [])

    def test_unknown_edition_is_an_error_in_chinese(self):
        with self.assertRaisesMessage(CommandError, "编号为 999999 的清单不存在"):
            call_command("open_data_build", "--edition", "999999")


class NoPublishedCatalogueTests(TestCase):
    def test_nothing_published_is_an_error_in_chinese(self):
        with self.assertRaisesMessage(CommandError, "暂无已发布的行政许可事项清单"):
            call_command("open_data_build")
