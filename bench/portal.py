"""Public portal timings: p50/p95 of list, search, item and guide pages, and the Traditional overhead;
the public changes page and the admin review page of a submitted draft (cold: the remembered diff dropped
before every request; warm), with their query counts.

Standalone: `python bench/portal.py`. Without DATABASE_URL it uses a temporary SQLite file; with one
(e.g. PostgreSQL) it works in a throwaway test database next to it. Data: `seed_demo --scale 10` when
that command exists, else a generated catalogue of the same order of size (bulk_create).
"""
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Seeding publishes; a background build would read DATABASE_URL, not this script's database.
os.environ["PORTAL_TASKS_BACKEND"] = "immediate"  # background work runs in this process, on its database
TMPDIR = None
if not os.environ.get("DATABASE_URL"):
    TMPDIR = tempfile.mkdtemp(prefix="portal-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TMPDIR}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

SCALE = int(os.environ.get("BENCH_SCALE", "10"))
RUNS = int(os.environ.get("BENCH_RUNS", "60"))
TARGETS = {"list": 150, "search": 150, "item": 50, "changes cold": 300, "changes warm": 300,
           "review cold": 300, "review warm": 300}


def build_catalogue(scale):
    """About 130 items × scale, 2 sub-items each, 2 handling items each, 3 materials each."""
    from permits.models import (
        Department, HandlingItem, Material, PermitCatalogue, PermitItem, Region, SubItem,
    )
    from permits.kernel.lifecycle import edition_publish

    words = ["食品经营", "建设工程", "药品零售", "道路运输", "公共场所卫生", "排污", "特种设备", "燃气经营",
             "医疗机构执业", "民办学校", "出版物零售", "消防设计", "林木采伐", "取水", "烟草专卖零售"]
    city = Region.objects.filter(parent=None, kind=Region.Kind.CITY).first() or Region.objects.create(
        name="新余市", kind=Region.Kind.CITY)
    departments = [Department.objects.get_or_create(name=f"市基准测试局{i}", defaults={"region": city})[0]
                   for i in range(25)]
    edition = PermitCatalogue.objects.create(region=city, title="基准测试清单", edition="bench")
    items = [
        PermitItem(edition=edition, seq=n + 1, code=f"{n + 10000000000:011d}Y",
                   name=f"{words[n % len(words)]}许可{n}", department=departments[n % len(departments)],
                   legal_basis=f"《中华人民共和国{words[n % len(words)]}管理条例》第{n % 90 + 1}条")
        for n in range(130 * scale)
    ]
    PermitItem.objects.bulk_create(items, batch_size=1000)
    subs = [
        SubItem(edition=edition, item=item, item_prefix=item.code[:11], seq=s, code=item.code[:11] + str(s),
                name=f"{item.name}（子项{s}）", exercise_level=["市级", "县级", "乡级"][(item.seq + s) % 3])
        for item in items for s in (1, 2)
    ]
    SubItem.objects.bulk_create(subs, batch_size=1000)
    situations = ["新设", "变更", "延续", "注销"]
    handlings = [
        HandlingItem(edition=edition, sub_item=sub, sub_item_code=sub.code, seq=h, code=f"{sub.code}{h:02d}",
                     name=f"{sub.name}{situations[(sub.seq + h) % 4]}", situation=situations[(sub.seq + h) % 4],
                     fee=bool(h % 2), online_depth=str((sub.seq + h) % 4), statutory_days=20, promised_days=5,
                     place="新余市市民中心", enquiry_phone="0790-6440000", conditions="符合法定条件。" * 10)
        for sub in subs for h in (1, 2)
    ]
    HandlingItem.objects.bulk_create(handlings, batch_size=1000)
    Material.objects.bulk_create(
        [Material(handling_item=h, seq=m, name=f"申请材料{m}") for h in handlings for m in (1, 2, 3)],
        batch_size=2000,
    )
    edition_publish(edition, published_on=datetime.date(2023, 8, 1))
    return edition


def timed(client, urls, cookies=None):
    client.cookies.clear()
    for key, value in (cookies or {}).items():
        client.cookies[key] = value
    samples = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return samples


def review_and_changes(published):
    """Times of /permits/changes/ and of the admin review page of a draft copied from `published` with a time
    limit and a material form changed in 20 handling items, submitted by someone else; prints query counts."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from permits.kernel.lifecycle import edition_copy, edition_submit
    from permits.models import HandlingItem, Material

    draft = edition_copy(published, title=f"{published.title}（基准测试草稿）", edition_label="bench")
    changed = list(HandlingItem.objects.filter(edition=draft).order_by("pk").values_list("pk", flat=True)[:20])
    HandlingItem.objects.filter(pk__in=changed).update(promised_days=F("promised_days") + 1)
    Material.objects.filter(handling_item_id__in=changed).update(form=Material.Form.ELECTRONIC)
    edition_submit(draft)
    user = get_user_model().objects.create_superuser("bench-reviewer", password="Bench-Pass-2024!")
    admin = Client()
    admin.force_login(user)
    review = f"/admin/permits/permitcatalogue/{draft.pk}/review/"
    found = {}
    for name, client, url in (("changes", Client(), "/permits/changes/"), ("review", admin, review)):
        for mode in ("cold", "warm"):
            samples = []
            # A cold diff is computed once per pair of editions (then remembered): a few samples suffice.
            for _ in range(5 if mode == "cold" else max(RUNS // 2, 10)):
                if mode == "cold":
                    cache.clear()
                samples += _timed_one(client, url)
            found[f"{name} {mode}"] = samples
        for mode in ("cold", "warm"):
            if mode == "cold":
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            print(f"queries {name} {mode}: {len(queries)}")
    return found


def _timed_one(client, url):
    # Unlike timed(), keeps the client's cookies (the admin session).
    start = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return [(time.perf_counter() - start) * 1000]


def pct(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    settings.DEBUG = False  # no query log overhead
    settings.PUBLIC_CACHE_ENABLED = False  # measure rendering, not the page cache (bench/load.sh does both)
    test_db = None
    if connection.vendor != "sqlite":
        test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    from permits.models import HandlingItem, PermitCatalogue, PermitItem
    from permits.catalogue.selectors.catalogue import published_permit_catalogue

    started = time.perf_counter()
    if "seed_demo" in get_commands():
        call_command("seed_demo", scale=SCALE)
        source = f"seed_demo --scale {SCALE}"
    else:
        build_catalogue(SCALE)
        source = f"generated (scale {SCALE})"
    edition = published_permit_catalogue()
    item_codes = list(PermitItem.objects.filter(edition=edition).values_list("code", flat=True))
    guide_codes = list(HandlingItem.objects.filter(edition=edition).values_list("code", flat=True))
    print(f"database: {connection.vendor}; data: {source} in {time.perf_counter() - started:.1f}s; "
          f"{len(item_codes)} items, {len(guide_codes)} handling items, "
          f"{PermitCatalogue.objects.count()} editions")

    rng = random.Random(7)
    pages = max(len(item_codes) // 20, 1)
    queries = ["食品", "建设工程", "许可", "食品經營", "药品 零售", "条例", item_codes[len(item_codes) // 2][:8],
               "不存在的事项", "卫生"]
    runs = {
        "list": [f"/permits/?page={rng.randint(1, pages)}" for _ in range(RUNS)],
        "search": [f"/permits/?q={rng.choice(queries)}" + rng.choice(["", "&fee=free", "&situation=新设"])
                   for _ in range(RUNS)],
        "item": [f"/permits/{rng.choice(item_codes)}/" for _ in range(RUNS)],
        "guide": [f"/permits/guide/{rng.choice(guide_codes)}/" for _ in range(RUNS)],
    }
    client = Client()
    results = {}
    hant = {}
    hant_client = Client()
    hant_client.cookies["zh"] = "hant"
    for name, urls in runs.items():
        timed(client, urls[:5])  # warm-up
        timed(hant_client, urls[:5], {"zh": "hant"})
        results[name], hant[name] = [], []
        # Interleaved, so that load from elsewhere hits both variants alike.
        for url in urls:
            results[name] += timed(client, [url])
            hant[name] += timed(hant_client, [url], {"zh": "hant"})

    results.update(review_and_changes(edition))

    print(f"{'page':<16}{'p50 ms':>9}{'p95 ms':>9}{'target p95':>12}")
    failed = []
    for name, samples in results.items():
        target = TARGETS.get(name)
        p95 = pct(samples, 95)
        mark = "" if target is None or p95 < target else "  OVER"
        if mark:
            failed.append(name)
        print(f"{name:<16}{pct(samples, 50):>9.1f}{p95:>9.1f}{(str(target) if target else '-'):>12}{mark}")
    for name, samples in hant.items():
        base = statistics.median(results[name])
        over = (statistics.median(samples) / base - 1) * 100
        if name in TARGETS and pct(samples, 95) >= TARGETS[name] * 1.3:
            failed.append(name + " zh-Hant")
        print(f"{name + ' 繁體':<16}{pct(samples, 50):>9.1f}{pct(samples, 95):>9.1f}"
              f"{'<30%':>12}  overhead {over:+.0f}% of p50")
    if test_db:
        connection.creation.destroy_test_db(test_db, verbosity=0)
    if failed and os.environ.get("BENCH_STRICT"):
        raise SystemExit(f"over target: {', '.join(failed)}")


if __name__ == "__main__":
    main()
