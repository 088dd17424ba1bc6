#!/usr/bin/env python
"""Benchmark of the annual report PDF: cold render time and peak memory (in a fresh subprocess),
and the response time of a cached download. Standalone: a temporary SQLite database and media folder.

Targets: cold render < 2 s, cached response < 50 ms, peak memory < 300 MB.
Usage: .venv/bin/python bench/report.py
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"cold_s": 2.0, "cached_ms": 50.0, "peak_mb": 300.0}


def setup_django(workdir):
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = f"{workdir}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_data():
    """The demo data if the project has its seed command, else a 2024-sized set from the test factories."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if (ROOT / "portal/management/commands/seed_demo.py").exists():
        call_command("seed_demo", verbosity=0)
        return "seed_demo"
    from permits.models import OneThing
    from reports.models import ReportSection
    from tests.reports.factories import OneThingFactory, build_2024

    data = build_2024()
    # Up to 37 bundles with 25 measured, like the 2024 report, and prose of about the real length.
    for i in range(37 - OneThing.objects.of_year(2024).count()):
        OneThingFactory(name=f"基准一件事{i}", materials_before=9, materials_after=i % 4,
                        visits_before=3, visits_after=i % 2, days_before=20, days_after=3 + i % 5)
        if i >= 23:
            OneThing.objects.filter(name=f"基准一件事{i}").update(days_after=None)
    filler = ("坚持以习近平新时代中国特色社会主义思想为指导，深入推进依法行政，规范行政权力运行，"
              "持续优化政务服务，为经济社会高质量发展提供有力法治保障。")
    for section in ReportSection.objects.filter(report=data["report"]):
        section.body = (section.body + filler * 4).strip()
        section.save()
    return "factories"


def child_render(workdir):
    """Run in a fresh process: one cold render; prints JSON with seconds and peak RSS."""
    setup_django(workdir)
    from reports.models import AnnualReport
    from reports.services import report_build_pdf
    from reports.services.content import report_content

    report = AnnualReport.objects.get(year=2024)
    content = report_content(report)
    # Importing WeasyPrint (cffi loading pango/harfbuzz) is a once-per-worker cost, measured apart.
    start = time.perf_counter()
    import weasyprint  # noqa: F401

    import_s = time.perf_counter() - start
    start = time.perf_counter()
    pdf = report_build_pdf(report, content=content)
    cold = time.perf_counter() - start
    cold_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    report_build_pdf(report, content=content)
    warm = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"import_s": import_s, "cold_s": cold, "warm_s": warm, "peak_mb": cold_peak_mb, "peak_two_mb": peak_mb,
                      "bytes": len(pdf)}))


def main():
    with tempfile.TemporaryDirectory(prefix="bench-report-") as workdir:
        setup_django(workdir)
        source = build_data()
        from django.contrib.auth.models import User
        from django.test import Client

        from reports.models import AnnualReport

        report = AnnualReport.objects.get(year=2024)
        result = subprocess.run([sys.executable, __file__, "--child", workdir], capture_output=True, text=True,
                                check=True, cwd=ROOT)
        child = json.loads(result.stdout.strip().splitlines()[-1])

        client = Client()
        if not report.is_published:
            client.force_login(User.objects.create_user("bench", is_staff=True))
        url = f"/reports/{report.year}.pdf"
        first_start = time.perf_counter()
        first = client.get(url)
        b"".join(first.streaming_content)
        first_ms = (time.perf_counter() - first_start) * 1000
        timings = []
        for _ in range(20):
            start = time.perf_counter()
            response = client.get(url)
            b"".join(response.streaming_content)
            timings.append((time.perf_counter() - start) * 1000)
        cached_ms = statistics.median(timings)
        report_line = {
            "data": source, "status": report.status, "pdf_bytes": child["bytes"],
            "weasyprint_import_s": round(child["import_s"], 3),
            "cold_render_s": round(child["cold_s"], 3), "second_render_s": round(child["warm_s"], 3),
            "render_peak_rss_mb": round(child["peak_mb"], 1),
            "peak_rss_after_two_renders_mb": round(child["peak_two_mb"], 1), "first_download_ms": round(first_ms, 1),
            "cached_download_median_ms": round(cached_ms, 2), "cached_download_max_ms": round(max(timings), 2),
        }
        print(json.dumps(report_line, ensure_ascii=False, indent=2))
        ok = (child["cold_s"] < TARGETS["cold_s"] and cached_ms < TARGETS["cached_ms"]
              and child["peak_mb"] < TARGETS["peak_mb"])
        print("目标（冷渲染<2秒，缓存<50毫秒，峰值内存<300MB）：" + ("达到" if ok else "未达到"))
        return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child_render(sys.argv[2])
    else:
        sys.exit(main())
