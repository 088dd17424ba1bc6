"""Hostile-import benchmark: time and peak memory of `import_catalogue --dry-run` on the attack files of
tests/permits/hostile_files.py and on the largest file that still passes every bound and reaches the parser.

Each file runs in a fresh process (its peak RSS is its own) against a temporary SQLite database.
Target (issue 15): every file under 10 MB answers within 10 s and 300 MB.

    .venv/bin/python bench/hostile_import.py
"""
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SECONDS, TARGET_MB = 10.0, 300.0

CHILD = """
import json, resource, sys, time, io
import django
django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError
start = time.perf_counter()
err = io.StringIO()
try:
    call_command("import_catalogue", sys.argv[1], "--new-edition", "压力测试（2024年版）", "--dry-run",
                 stdout=io.StringIO(), stderr=err)
    outcome = "accepted"
except CommandError:
    outcome = "refused: " + (err.getvalue().splitlines() or [""])[0][:70]
print(json.dumps({"seconds": time.perf_counter() - start, "outcome": outcome,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bench_import_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_departments():
    return bench_import_module().DEPARTMENTS


def largest_accepted_shape(rows=17_000):
    """The export shape of bench/import.py (32 columns of realistic text), as many rows as stay under the
    64 MB uncompressed bound: the largest real file the parser reads to the end."""
    from permits.kernel.exporting import write_xlsx
    from permits.catalogue.selectors.export import PERMIT_HEADERS

    table = list(bench_import_module().build_rows(rows))
    data = write_xlsx(PERMIT_HEADERS[:len(table[0])], table)
    inflated = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    return data, inflated


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from tests.permits import hostile_files as hostile

    files = {name: getattr(hostile, name)() for name in (
        "dimension_bomb", "zip_bomb", "wide_row_xlsx", "wide_csv", "many_rows_csv", "blank_lines_csv",
        "huge_cell_csv", "nul_after_4k_csv", "formula_without_value_xlsx", "second_sheet_xlsx")}
    largest, inflated = largest_accepted_shape()
    files["largest_within_bounds"] = largest
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "DJANGO_LOG_LEVEL": "ERROR"}
        env.pop("DATABASE_REPLICA_URL", None)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True)
        names = json.dumps(sorted(set(bench_departments()) | {"市市场监管局"}), ensure_ascii=False)
        subprocess.run([sys.executable, "manage.py", "shell", "-c",
                        "import json; from permits.models import Region, Department;"
                        "r=Region.objects.create(name='市本级', kind='city');"
                        f"[Department.objects.create(name=n, region=r) for n in json.loads({names!r})]"],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        failed = False
        print(f"{'文件':28} {'大小 KB':>9} {'秒':>7} {'峰值 MB':>8}  结果")
        for name, data in files.items():
            suffix = ".xlsx" if data[:2] == b"PK" else ".csv"
            path = Path(folder) / f"{name}{suffix}"
            path.write_bytes(data)
            result = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, env=env,
                                    capture_output=True, text=True, timeout=600)
            numbers = json.loads(result.stdout.strip().splitlines()[-1])
            ok = numbers["seconds"] <= TARGET_SECONDS and numbers["peak_mb"] <= TARGET_MB
            failed |= not ok
            print(f"{name:28} {len(data) / 1024:9.0f} {numbers['seconds']:7.2f} {numbers['peak_mb']:8.0f}  "
                  f"{numbers['outcome']}{'' if ok else '  ← 超出目标'}")
        print(f"最大的可解析文件：{len(largest) / 1048576:.1f} MB，解压后 {inflated / 1048576:.0f} MB，17,000 行")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
