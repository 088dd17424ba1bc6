#!/usr/bin/env python
"""How list, search, item page, export, report PDF and import times grow with the catalogue.

For each scale a throwaway database is created (SQLite file under bench/out/, or a
`<name>_scale` database next to DATABASE_URL's PostgreSQL one), filled by `seed_demo --scale N`,
measured in-process with Django's test client (page cache off, so rendering is measured),
and dropped. Pages should stay nearly flat and keep a constant number of queries; export and
import may grow linearly; nothing may grow faster.

    .venv/bin/python bench/scale.py                 # scales 1, 10, 100 (100 takes a while)
    .venv/bin/python bench/scale.py --scales 1,10   # quicker
"""
import argparse
import logging
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Every read in this process must see the data it just seeded.
os.environ.pop("DATABASE_REPLICA_URL", None)
# Seeding publishes; a background build would read DATABASE_URL, not this script's database.
os.environ["PORTAL_TASKS_BACKEND"] = "immediate"  # background work runs in this process, on its database

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from permits.models import EditionStatus, HandlingItem, PermitCatalogue, PermitItem  # noqa: E402

OUT = ROOT / "bench" / "out"
PAGE_OPS = ("list", "search", "item", "report_pdf")
LABELS = {
    "list": "列表", "search": "搜索", "item": "事项页", "export": "导出JSON",
    "report_pdf": "报告PDF", "import": "导入(试运行)",
}
# Growth exponent allowed before a result is called worse than linear (timing noise).
LINEAR_TOLERANCE = 1.15


def log(message):
    print(message, flush=True)


def timed(fn, repeat):
    """Median seconds of `repeat` runs after one warm-up, and the queries of the last run."""
    fn()
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(times), len(queries.captured_queries)


class Missing(Exception):
    """This part is not on the branch (route 404 or module absent)."""


def page(client, path):
    def get():
        response = client.get(path)
        if response.status_code == 404:
            raise Missing(f"{path} 返回 404")
        if response.status_code != 200:
            raise RuntimeError(f"{path} 返回 {response.status_code}")
        if response.streaming:
            # Chunk by chunk, as a server writes a file to its socket: joining a 269 MB export in
            # memory measured the allocator, not the portal.
            for _chunk in response:  # the test client closes the response once it is read
                pass
        return response

    return get


def permit_importer():
    try:
        from permits.catalogue.importing import PermitImporter
    except ImportError as exc:
        raise Missing(f"没有许可事项导入器（{exc}）") from None
    return PermitImporter


def import_dry_run(edition):
    from permits.kernel.exporting import write_csv
    from permits.catalogue.selectors.export import PERMIT_HEADERS, permit_export_rows

    importer_class = permit_importer()
    data = write_csv(PERMIT_HEADERS, permit_export_rows(edition))

    def run():
        from unittest import mock

        # The upload limit (10 MB) is the admin's business; here the growth of the work is measured.
        with mock.patch("permits.kernel.importing.formats.MAX_BYTES", len(data) + 1):
            importer_class().run(
                data, "bench.csv", None, dry_run=True,
                create_target=lambda: PermitCatalogue.objects.create(
                    title="导入测试", edition="bench", region=edition.region
                ),
            )

    return run


def seed(scale):
    if "seed_demo" in get_commands():
        call_command("seed_demo", scale=scale, verbosity=0)
        return "seed_demo"
    synthetic_catalogue(scale)
    return "合成数据（本分支还没有 seed_demo）"


def synthetic_catalogue(scale):
    """Stand-in until seed_demo is merged: 36 × scale items, 3 sub-items, 1 handling item each."""
    from permits.models import Department, Material, Region, SubItem
    from permits.kernel.lifecycle import edition_publish

    region, _ = Region.objects.get_or_create(name="市本级", parent=None, defaults={"kind": Region.Kind.CITY})
    departments = [Department.objects.get_or_create(name=f"市测试局{i}", defaults={"region": region})[0] for i in range(12)]
    edition = PermitCatalogue.objects.create(title="合成许可事项清单", edition="bench", region=region)
    words = ["食品经营许可", "建筑工程施工许可", "排污许可", "药品零售许可", "道路运输许可", "户外广告设置"]
    items = PermitItem.objects.bulk_create([
        PermitItem(edition=edition, seq=n + 1, code=f"{n:011d}Y", name=f"{words[n % len(words)]}{n}",
                   department=departments[n % len(departments)], legal_basis="《中华人民共和国行政许可法》")
        for n in range(36 * scale)
    ], batch_size=1000)
    subs = SubItem.objects.bulk_create([
        SubItem(edition=edition, item=item, item_prefix=item.code[:11], seq=s, code=item.code[:11] + str(s),
                name=f"{item.name}（子项{s}）")
        for item in items for s in (1, 2, 3)
    ], batch_size=1000)
    handlings = HandlingItem.objects.bulk_create([
        HandlingItem(edition=edition, sub_item=sub, sub_item_code=sub.code, seq=1, code=sub.code + "01",
                     name=f"{sub.name}新设", statutory_days=20, promised_days=5)
        for sub in subs
    ], batch_size=1000)
    Material.objects.bulk_create([
        Material(handling_item=h, seq=m, name=f"申请材料{m}") for h in handlings for m in (1, 2)
    ], batch_size=2000)
    edition_publish(edition)


def measure_scale(scale, repeat, skip):
    results = {}
    started = time.perf_counter()
    source = seed(scale)
    log(f"  数据：{source}，{time.perf_counter() - started:.1f} 秒")
    published = PermitItem.objects.filter(edition__status=EditionStatus.PUBLISHED)
    size = HandlingItem.objects.filter(edition__status=EditionStatus.PUBLISHED).count()
    results["size"] = {"items": published.count(), "handlings": size}
    client = Client()
    ops = {
        "list": lambda: page(client, "/permits/"),
        "search": lambda: page(client, "/permits/?q=食品"),
        "item": lambda: page(client, f"/permits/{published.order_by('pk').values_list('code', flat=True)[0]}/"),
        "export": lambda: page(client, "/permits/export.json"),
        "report_pdf": lambda: report_pdf(),
        "import": lambda: import_dry_run(PermitCatalogue.objects.published().order_by("pk").first()),
    }

    def report_pdf():
        try:
            from reports.models import AnnualReport
        except ImportError as exc:
            raise Missing(str(exc)) from None
        report = AnnualReport.objects.order_by("-year").first()
        if report is None:
            raise Missing("没有年度报告数据")
        staff = Client()
        staff.force_login(get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True})[0])
        return page(staff, f"/reports/{report.year}.pdf")

    for name, make in ops.items():
        if name in skip:
            continue
        try:
            fn = make()
            reps = 1 if name == "import" else (2 if name in ("report_pdf", "export") else repeat)
            results[name] = timed(fn, reps)
        except (Missing, IndexError) as reason:
            skip[name] = str(reason) or "没有数据"
            log(f"  跳过{LABELS[name]}：{skip[name]}")
    return results


def with_scratch_database(scale, fn):
    """Run fn() in a freshly migrated database that is dropped afterwards."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        db.setdefault("TEST", {})["NAME"] = str(OUT / f"scale-{scale}.sqlite3")
    else:
        db.setdefault("TEST", {})["NAME"] = f"{db['NAME']}_scale"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        return fn()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def growth_report(scales, table):
    ops = [op for op in LABELS if all(op in table[s] for s in scales)]
    first, last = scales[0], scales[-1]
    data_ratio = table[last]["size"]["handlings"] / max(1, table[first]["size"]["handlings"])
    log("")
    log(f"增长（规模 {first} → {last}，业务办理项 ×{data_ratio:.1f}）：")
    worse = []
    for op in ops:
        t0, q0 = table[first][op]
        t1, q1 = table[last][op]
        ratio = t1 / t0 if t0 else float("inf")
        exponent = math.log(ratio) / math.log(data_ratio) if data_ratio > 1 and ratio > 0 else 0.0
        if op in PAGE_OPS:
            verdict = "近乎持平" if exponent < 0.35 else ("次线性" if exponent <= LINEAR_TOLERANCE else "超线性！")
            if q1 != q0:
                verdict += f"；查询数 {q0}→{q1} 随数据增长！"
                worse.append(op)
        else:
            verdict = "线性或更好" if exponent <= LINEAR_TOLERANCE else "超线性！"
        if exponent > LINEAR_TOLERANCE:
            worse.append(op)
        log(f"  {LABELS[op]:<10} 时间 ×{ratio:.2f}（增长指数 {exponent:.2f}，1 为线性） 查询 {q0}→{q1}  {verdict}")
    return worse


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10,100", help="逗号分隔的规模，默认 1,10,100")
    parser.add_argument("--repeat", type=int, default=5, help="每个页面计时次数（取中位数）")
    args = parser.parse_args()
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    settings.PUBLIC_CACHE_ENABLED = False  # measure rendering, not the cache
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 404s of absent routes are reported below
    setup_test_environment()
    log(f"数据库：{connection.vendor}；规模：{', '.join(map(str, scales))}")
    table, skip = {}, {}
    for scale in scales:
        log(f"== 规模 {scale} ==")
        table[scale] = with_scratch_database(scale, lambda: measure_scale(scale, args.repeat, skip))
        size = table[scale]["size"]
        cells = [f"{LABELS[op]} {table[scale][op][0] * 1000:.1f} ms/{table[scale][op][1]} 查询"
                 for op in LABELS if op in table[scale]]
        log(f"  事项 {size['items']}，业务办理项 {size['handlings']}：" + "；".join(cells))
    if len(scales) > 1:
        worse = growth_report(scales, table)
        if worse:
            log("超过线性增长或查询数随数据增长：" + "、".join(LABELS[w] for w in dict.fromkeys(worse)))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
