#!/usr/bin/env python
"""Benchmark of the annual report as PDF, DOCX and OFD: cold render time and peak memory (each in a
fresh subprocess), and the response time of cached downloads. Standalone: a temporary SQLite
database and media folder.

Targets: cold PDF ≤ 1.5 s, DOCX ≤ 0.5 s, OFD ≤ 1.5 s, cached download ≤ 50 ms, peak memory ≤ 300 MB.
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
TARGETS = {"pdf_s": 1.5, "docx_s": 0.5, "ofd_s": 1.5, "cached_ms": 50.0, "peak_mb": 300.0}
FORMATS = ("pdf", "docx", "ofd")


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


def peak_rss_mb():
    """This process's own peak RSS (VmHWM): ru_maxrss would also count the parent's peak, kept across exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_render(workdir, extension):
    """Run in a fresh process: one cold render of `extension`; prints JSON with seconds and peak RSS."""
    setup_django(workdir)
    from reports.models import AnnualReport
    from reports.services import report_build_pdf
    from reports.services.content import report_content
    from reports.services.docx import report_build_docx
    from reports.services.ofd import report_build_ofd

    build = {"pdf": report_build_pdf, "docx": report_build_docx, "ofd": report_build_ofd}[extension]
    report = AnnualReport.objects.get(year=2024)
    content = report_content(report)
    import_s = 0.0
    if extension == "pdf":
        # Importing WeasyPrint (cffi loading pango/harfbuzz) is a once-per-worker cost, measured apart.
        start = time.perf_counter()
        import weasyprint  # noqa: F401

        import_s = time.perf_counter() - start
    start, cpu_start = time.perf_counter(), time.process_time()
    data = build(report, content=content)
    cold = time.perf_counter() - start
    cold_cpu = time.process_time() - cpu_start  # less sensitive than wall time to other load on the machine
    cold_peak_mb = peak_rss_mb()
    start = time.perf_counter()
    build(report, content=content)
    warm = time.perf_counter() - start
    print(json.dumps({"import_s": import_s, "cold_s": cold, "cold_cpu_s": cold_cpu, "warm_s": warm,
                      "peak_mb": cold_peak_mb,
                      "bytes": len(data)}))


def main():
    with tempfile.TemporaryDirectory(prefix="bench-report-") as workdir:
        setup_django(workdir)
        source = build_data()
        from django.contrib.auth.models import User
        from django.test import Client

        from reports.models import AnnualReport

        report = AnnualReport.objects.get(year=2024)
        children = {}
        for extension in FORMATS:
            result = subprocess.run([sys.executable, __file__, "--child", workdir, extension], capture_output=True,
                                    text=True, check=True, cwd=ROOT)
            children[extension] = json.loads(result.stdout.strip().splitlines()[-1])

        client = Client()
        if not report.is_published:
            client.force_login(User.objects.create_user("bench", is_staff=True))
        cached = {}
        for extension in FORMATS:
            url = f"/reports/{report.year}.{extension}"
            b"".join(client.get(url).streaming_content)  # renders into the cache
            timings = []
            for _ in range(20):
                start = time.perf_counter()
                response = client.get(url)
                b"".join(response.streaming_content)
                timings.append((time.perf_counter() - start) * 1000)
            cached[extension] = (statistics.median(timings), max(timings))
        report_line = {"data": source, "status": report.status,
                       "weasyprint_import_s": round(children["pdf"]["import_s"], 3)}
        for extension in FORMATS:
            child = children[extension]
            report_line.update({
                f"{extension}_bytes": child["bytes"], f"{extension}_cold_s": round(child["cold_s"], 3),
                f"{extension}_cold_cpu_s": round(child["cold_cpu_s"], 3),
                f"{extension}_second_s": round(child["warm_s"], 3),
                f"{extension}_peak_rss_mb": round(child["peak_mb"], 1),
                f"{extension}_cached_median_ms": round(cached[extension][0], 2),
                f"{extension}_cached_max_ms": round(cached[extension][1], 2),
            })
        report_line["load_average_1min"] = round(os.getloadavg()[0], 2)
        print(json.dumps(report_line, ensure_ascii=False, indent=2))
        ok = (all(children[e]["cold_s"] <= TARGETS[f"{e}_s"] for e in FORMATS)
              and all(cached[e][0] <= TARGETS["cached_ms"] for e in FORMATS)
              and all(children[e]["peak_mb"] <= TARGETS["peak_mb"] for e in FORMATS))
        print("目标（冷渲染PDF≤1.5秒、DOCX≤0.5秒、OFD≤1.5秒，缓存下载≤50毫秒，峰值内存≤300MB）：" + ("达到" if ok else "未达到"))
        return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child_render(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
