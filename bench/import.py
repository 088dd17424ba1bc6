"""Import benchmark: time and peak memory of importing the permit catalogue from xlsx.

Builds its own data (no demo set): a 1319-row file (360 items, 1017 sub-items) and one ten times
larger, in the export shape; imports each into a new draft edition of a temporary SQLite database,
each in a fresh subprocess so its peak RSS is its own. Targets: 1319 rows < 5 s; 13,190 rows < 60 s
and < 400 MB. Then the preview (dry run) of a changed 1319-row file against the imported draft, with the
field-level diff of every row (a time limit in each, the place in every second, a material in every
third): target < 5 s.

    .venv/bin/python bench/import.py
"""
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {1319: (5.0, None), 13190: (60.0, 400.0)}

DEPARTMENTS = [
    "市发展改革委", "市教育局", "市科技局", "市工信局", "市公安局", "市民政局", "市司法局", "市财政局", "市人社局",
    "市自然资源局", "市生态环境局", "市住建局", "市交通运输局", "市水利局", "市农业农村局", "市商务局",
    "市文广新旅局", "市卫健委", "市退役军人局", "市应急管理局", "市审计局", "市国资委", "市市场监管局",
    "市体育局", "市统计局", "市医保局", "市城管局", "市林业局", "市行政审批局", "市气象局", "市烟草专卖局",
    "市消防救援支队", "市人防办", "市档案馆", "市民宗局", "市粮食和物资储备局", "市地方金融监管局", "市供销社",
    "市税务局", "市邮政管理局",
]
SUBJECTS = [
    "食品经营", "建设工程规划", "药品零售企业经营", "排污", "医疗机构执业", "道路运输经营", "取水", "林木采伐",
    "娱乐场所经营", "危险化学品经营", "燃气经营", "民办学校办学", "人力资源服务", "旅馆业特种行业",
    "公共场所卫生", "建筑工程施工", "城市建筑垃圾处置核准", "河道管理范围内建设项目", "种子生产经营",
    "兽药经营", "农药经营", "出版物零售", "互联网上网服务营业场所", "放射诊疗", "母婴保健技术服务",
    "烟花爆竹经营（零售）", "特种设备使用登记", "城镇污水排入排水管网", "占用挖掘城市道路", "临时占用林地",
]
OBJECTS = ["许可", "许可证核发", "审批", "核准", "登记", "备案审查"]
SITUATIONS = ["新设", "变更", "延续", "注销"]
DEPTHS = ["全程网办", "网上预审", "网上咨询"]
MATERIALS = ["申请书", "营业执照或法人登记证书", "法定代表人身份证明", "场所平面布局图", "设备设施清单",
             "管理制度文本", "专业技术人员资格证明", "环境影响评价批复", "授权委托书", "承诺书"]


def build_rows(handling_count, seed=2023):
    """Rows in PERMIT_COLUMNS order: items ≈ handling/3.66, sub-items ≈ handling/1.3, like the 2023 list."""
    from permits.catalogue.selectors.export import MATERIAL_SEP

    rnd = random.Random(seed)
    items = round(handling_count * 360 / 1319)
    subs = round(handling_count * 1017 / 1319)
    # Spread sub-items over items and handling items over sub-items (each at least one).
    subs_per_item = [1] * items
    added = 0
    while added < subs - items:  # at most 10 sub-items per item: the sub-item code has one digit
        pick = rnd.randrange(items)
        if subs_per_item[pick] < 10:
            subs_per_item[pick] += 1
            added += 1
    handlings_per_sub = [1] * subs
    for _ in range(handling_count - subs):
        handlings_per_sub[rnd.randrange(subs)] += 1
    rows, sub_index = [], 0
    for i in range(items):
        code = f"{160000000 + i * 7:011d}Y"
        subject = SUBJECTS[i % len(SUBJECTS)]
        name = f"{subject}{OBJECTS[i % len(OBJECTS)]}" + (f"（{i // len(SUBJECTS) + 1}类）" if i >= len(SUBJECTS) else "")
        department = DEPARTMENTS[i % len(DEPARTMENTS)]
        basis = f"1.《中华人民共和国行政许可法》第十二条\n2.《{subject}管理条例》第{rnd.randint(5, 60)}条"
        for s in range(subs_per_item[i]):
            sub_code = code[:11] + str(s % 10)
            sub_name = f"{name}（{['市级', '县级', '首次申请', '增项', '迁址', '其他'][s % 6]}）" if subs_per_item[i] > 1 else name
            for h in range(handlings_per_sub[sub_index]):
                situation = SITUATIONS[h % 4]
                materials = "\n".join(
                    MATERIAL_SEP.join([MATERIALS[(h + m) % len(MATERIALS)], "必要" if m < 3 else "非必要",
                                       "原件", "1", "申请人自备", ""])
                    for m in range(rnd.randint(3, 6))
                )
                rows.append([
                    i + 1, code, name, sub_code, sub_name, f"{sub_code}{h + 1:02d}", f"{sub_name}（{situation}）",
                    department, "市行政审批局", basis, "市级", "市级、县级", rnd.choice([20, 30, 45, 60]),
                    rnd.choice([3, 5, 7, 10]), "否" if h % 5 else "是", "",
                    "市级", "", situation, f"符合《{subject}管理条例》规定的条件", "申请→受理→审查→决定→送达",
                    "", "", rnd.choice([0, 1]), rnd.choice(DEPTHS), "新余市政务服务中心", "工作日 9:00-17:00",
                    "0790-6441234", "12345", "https://www.jxzwfww.gov.cn/", f"{subject}许可证", materials,
                ])
            sub_index += 1
    return rows


def child(path, title):
    """Runs in a fresh process: import `path` into a new draft and report time and peak memory."""
    import django

    django.setup()
    from permits.catalogue.services.importing import catalogue_import

    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    summary = catalogue_import(data, Path(path).name, new_edition_title=title)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": elapsed, "peak_mb": peak / 1024, "start_mb": before / 1024,
                      "created": summary.created, "rows": summary.rows}, ensure_ascii=False))


def changed_rows(rows):
    """The same file with cells changed: 承诺办结时限 in each row, 办理地点 in every second, a material in every third."""
    from permits.catalogue.selectors.export import PERMIT_HEADERS

    promised, place, materials = (PERMIT_HEADERS.index(h) for h in ("承诺办结时限", "办理地点", "申请材料"))
    changed = []
    for n, row in enumerate(rows):
        row = list(row)
        row[promised] = max(1, row[promised] - 1)
        if n % 2 == 0:
            row[place] = "新余市行政服务中心二楼"
        if n % 3 == 0:
            row[materials] = row[materials].replace("原件", "电子件", 1)
        changed.append(row)
    return changed


def preview_child(path, title):
    """Runs in a fresh process: the dry-run preview of `path` against the draft titled `title`."""
    import django

    django.setup()
    from permits.catalogue.services.importing import catalogue_import
    from permits.models import PermitCatalogue

    data = Path(path).read_bytes()
    edition = PermitCatalogue.objects.get(title=title)
    started = time.perf_counter()
    summary = catalogue_import(data, Path(path).name, edition=edition, dry_run=True)
    elapsed = time.perf_counter() - started
    changes = sum(len(entry["changes"]) for entry in summary.preview)
    print(json.dumps({"seconds": elapsed, "entries": len(summary.preview), "changes": changes,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main():
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="portal.settings", DJANGO_DEBUG="1",
               DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}", PORTAL_TASKS_BACKEND="immediate")
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from permits.kernel.exporting import write_xlsx
    from permits.models import Department, Region
    from permits.catalogue.selectors.export import PERMIT_HEADERS

    call_command("migrate", verbosity=0, interactive=False)
    city = Region.objects.create(name="市本级", kind=Region.Kind.CITY)
    Department.objects.bulk_create([Department(name=n, region=city, order=i) for i, n in enumerate(DEPARTMENTS)])

    failed = False
    for count, (max_seconds, max_mb) in TARGETS.items():
        rows = build_rows(count)
        path = folder / f"permits-{count}.xlsx"
        path.write_bytes(write_xlsx(PERMIT_HEADERS, rows))
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(path), f"基准测试清单{count}"],
            env=env, cwd=ROOT, capture_output=True, text=True,
        )
        if result.returncode != 0:
            print(result.stderr)
            sys.exit(1)
        numbers = json.loads(result.stdout.strip().splitlines()[-1])
        ok = numbers["seconds"] < max_seconds and (max_mb is None or numbers["peak_mb"] < max_mb)
        failed |= not ok
        print(f"{count:>6} 行 ({path.stat().st_size / 1048576:.1f} MB xlsx): "
              f"{numbers['seconds']:.2f} s, 峰值内存 {numbers['peak_mb']:.0f} MB (启动时 {numbers['start_mb']:.0f} MB); "
              f"{numbers['created']}; 目标 < {max_seconds:.0f} s" + (f", < {max_mb:.0f} MB" if max_mb else "")
              + ("  ✓" if ok else "  ✗ 未达标"))
    rows = build_rows(1319)
    path = folder / "permits-1319-changed.xlsx"
    path.write_bytes(write_xlsx(PERMIT_HEADERS, changed_rows(rows)))
    result = subprocess.run([sys.executable, __file__, "--preview", str(path), "基准测试清单1319"],
                            env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr)
        sys.exit(1)
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    ok = numbers["seconds"] < 5.0
    failed |= not ok
    print(f"  1319 行改动后的预览（逐字段差异）: {numbers['seconds']:.2f} s, {numbers['entries']} 行有变化, "
          f"{numbers['changes']} 处字段变化, 峰值内存 {numbers['peak_mb']:.0f} MB; 目标 < 5 s" + ("  ✓" if ok else "  ✗ 未达标"))
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "--preview":
        preview_child(sys.argv[2], sys.argv[3])
    else:
        main()
