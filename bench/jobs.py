#!/usr/bin/env python
"""Background jobs with the real worker, on the demo catalogue (1319 handling items): time from a
publish to its five open-data files written by `db_worker`, and what the first download of a missing
file gets. Standalone: a temporary SQLite database and media folder, one worker process.

Targets: publish → files < 20 s (inside a download's wait), first download 200 without a 503.
Usage: .venv/bin/python bench/jobs.py
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"publish_to_files_s": 20.0}


def main():
    workdir = tempfile.mkdtemp(prefix="portal-bench-jobs-")
    os.environ.update({"DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3", "DJANGO_MEDIA_ROOT": f"{workdir}/media",
                       "PORTAL_TASKS_BACKEND": "database", "DJANGO_SETTINGS_MODULE": "portal.settings"})
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DATABASE_REPLICA_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from permits.models import BackgroundJob
    from permits.catalogue.selectors.catalogue import published_permit_catalogue
    from permits.catalogue.services import open_data
    from permits.kernel.lifecycle import edition_copy, edition_publish

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
                               "--interval", "0.1", "-v", "0"], cwd=ROOT)
    try:
        def idle():
            return not BackgroundJob.objects.exists()

        def wait(condition, timeout=300):
            deadline = time.monotonic() + timeout
            while not condition() and time.monotonic() < deadline:
                time.sleep(0.02)
            return condition()

        assert wait(idle), "the demo's queued jobs did not finish"
        edition = published_permit_catalogue()
        draft = edition_copy(edition, title=f"{edition.title}（测试）")
        started = time.monotonic()
        edition_publish(draft)
        draft.refresh_from_db()
        folder = Path(workdir) / "media" / "open-data"
        state = open_data.open_data_state(draft)
        files = [folder / f"{state}.{ending}" for ending in ("csv", "csv.gz", "xlsx", "json", "json.gz")]
        assert wait(lambda: all(path.exists() for path in files) and idle())
        publish_to_files = time.monotonic() - started
        sizes = "，".join(f"{path.name.split('.', 1)[1]} {path.stat().st_size / 1e6:.1f} MB" for path in files)
        print(f"发布 → 5 个开放数据文件写好（worker）：{publish_to_files:.2f} 秒（{sizes}）")

        for path in files:
            path.unlink()
        client = Client()
        for fmt in ("json", "xlsx"):
            started = time.monotonic()
            response = client.get(f"/permits/export.{fmt}")
            size = sum(len(chunk) for chunk in response.streaming_content) if response.status_code == 200 else 0
            print(f"文件不存在时首次下载 {fmt}：HTTP {response.status_code}，{time.monotonic() - started:.2f} 秒，{size / 1e6:.1f} MB")
        started = time.monotonic()
        response = client.get("/permits/export.json")
        b"".join(response.streaming_content)
        print(f"文件已写好后下载 json：HTTP {response.status_code}，{(time.monotonic() - started) * 1000:.0f} ms")
        ok = publish_to_files < TARGETS["publish_to_files_s"]
        print(f"目标 发布→文件 < {TARGETS['publish_to_files_s']:.0f} 秒：{'达到' if ok else '未达到'}")
        return 0 if ok else 1
    finally:
        worker.terminate()
        worker.wait(60)


if __name__ == "__main__":
    sys.exit(main())
