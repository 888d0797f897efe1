"""Benchmark: the memory a console list export takes to write its xlsx, in the request and as a job.

`console.exports.write_table` writes the same synthetic rows (six text columns) twice: into memory, as a list
export of up to XINYE_EXPORT_SYNC_ROWS rows does in the request, and streamed to a file, as the background
job does above it (xlsxwriter's constant_memory, no in_memory). Reports the Python heap's peak
(tracemalloc) and the time of each. The database side is the same in both (the rows are read in chunks).

    uv run python bench/export_bench.py                 # 5,000 and 50,000 rows
    uv run python bench/export_bench.py --rows 200000

Target: the job's peak does not grow with the rows.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


class _User:
    def get_username(self):
        return "bench"


def _rows(n: int):
    for i in range(n):
        yield [f"企业{i}", "科尔沁区", "外卖骑手", f"91150502MA{i:08d}", "是", "2026-11-01"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[5000, 50000])
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinye.settings")
    import django

    django.setup()
    from xinye.console.exports import write_table

    headers = ["名称", "旗县区", "行业", "代码", "在营", "日期"]
    print(f"{'rows':>8}  {'where':<8} {'peak MB':>8} {'seconds':>8}")
    for n in args.rows:
        for where in ("memory", "file"):
            tracemalloc.start()
            start = time.perf_counter()
            with tempfile.TemporaryDirectory() as tmp:
                path = None if where == "memory" else Path(tmp) / "result.xlsx"
                write_table("企业", headers, _rows(n), user=_User(), total=n, path=path)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"{n:>8}  {where:<8} {peak / 1e6:>8.1f} {time.perf_counter() - start:>8.1f}")


if __name__ == "__main__":
    main()
