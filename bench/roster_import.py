"""Importing a 10,000-row roster as unions really send them (issue #22): two title rows above the
header, the header in staff's own words, a site merged beside every ten rows, full-width and
spaced phones, names spaced out, hire dates as Excel serials and as 2023年7月15日 / 2022/1/9 /
2025.06.01, one ID number in a hundred stored as a number (refused). The same rows as .xlsx,
.xls and a GBK .csv. Figures: rows a second (the whole `import_roster`: reading in the child
process, checking, writing, service groups), the web process's peak Python allocations
(tracemalloc) and the reading child's peak resident memory (.xlsx and .xls; a .csv is read in the
process itself)."""

from __future__ import annotations

import io
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_ROSTER_ROWS", "10000"))
HEADER = [
    "序号",
    "职工姓名",
    "员工编号",
    "联系电话",
    "身份证号码",
    "所在项目",
    "工种",
    "用工类型",
    "入职时间",
]
SITES = ["压测一号院", "压测二号院", "压测三号院"]
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def rows(make_id):
    import datetime as dt

    out = []
    for i in range(N):
        phone = f"139{i:08d}"
        phone = phone.translate(FULL) if i % 7 == 0 else f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        id_number = make_id("110116", dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28), i % 999, "M")
        if i % 100 == 99:
            id_number = int(id_number[:15] + "000")  # what Excel keeps of it
        hired = [
            45000 + i % 900,
            f"2023年{1 + i % 12}月{1 + i % 28}日",
            f"2022/{1 + i % 12}/9",
            "2025.06.01",
        ][i % 4]
        name = f"压 测{i}" if i % 5 == 0 else f"压测{i}"
        site = SITES[(i // 10) % 3] if i % 10 == 0 else None  # merged below
        out.append([i + 1, name, f"BR{i:06d}", phone, id_number, site, "保安员", "正式工", hired])
    return out


def xlsx(data_rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["压测物业职工花名册"])
    sheet.merge_cells("A1:I1")
    sheet.append(["填表日期：2026年12月"])
    sheet.append(HEADER)
    for row in data_rows:
        sheet.append(row)
    for start in range(4, N + 4, 10):
        sheet.merge_cells(f"F{start}:F{min(start + 9, N + 3)}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls(data_rows) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    sheet.write_merge(0, 0, 0, 8, "压测物业职工花名册")
    for c, title in enumerate(HEADER):
        sheet.write(2, c, title)
    for r, row in enumerate(data_rows, start=3):
        for c, value in enumerate(row):
            if c == 5:
                continue
            if value is not None:
                sheet.write(r, c, value)
    for start in range(3, N + 3, 10):
        sheet.write_merge(start, min(start + 9, N + 2), 5, 5, SITES[((start - 3) // 10) % 3])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_gbk(data_rows) -> bytes:
    site = None
    lines = [",".join(HEADER)]
    for row in data_rows:
        site = row[5] or site
        cells = [*row[:5], site, *row[6:]]
        lines.append(",".join("" if v is None else str(v) for v in cells))
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def measure(kind: str, data: bytes) -> dict:
    from bench.cleanup import drop_bench_union
    from unionhome.core.models import Org, Site
    from unionhome.members import roster

    org = Org.objects.create(name=f"压测工会（花名册 {kind}）")
    for name in SITES:
        Site.objects.create(org=org, name=name)

    tracemalloc.start()
    started = time.perf_counter()
    result = roster.import_roster(org=org, data=data)
    seconds = time.perf_counter() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    refused = len(result.errors)
    drop_bench_union(org, "bench-roster-", keep_org=True)
    Site.objects.filter(org=org).delete()
    org.delete()
    return {
        "kind": kind,
        "file_kb": round(len(data) / 1024),
        "rows": result.total,
        "created": result.created,
        "refused": refused,
        "seconds": round(seconds, 2),
        "rows_per_s": round(result.total / seconds),
        "peak_python_mb": round(peak / 2**20, 1),
        # the reading child's peak (the largest so far: .xlsx is read first); a .csv is read here
        "reader_peak_rss_mb": round(child_kb / 1024, 1) if not kind.startswith("csv") else None,
    }


def main() -> list[dict]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    import django

    django.setup()
    from bench import results as results_file
    from unionhome.members.idcard import make_id

    data_rows = rows(make_id)
    out = [
        measure(kind, build(data_rows))
        for kind, build in (("xlsx", xlsx), ("xls", xls), ("csv (GBK)", csv_gbk))
    ]
    print(f"\nroster import: {N} messy rows (title rows, own headers, merged sites, Excel dates)")
    print(
        "| file | size KB | rows | created | refused | seconds | rows/s | peak Python MB | reader peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in out:
        print(
            f"| {r['kind']} | {r['file_kb']} | {r['rows']} | {r['created']} | {r['refused']} | {r['seconds']} |"
            f" {r['rows_per_s']} | {r['peak_python_mb']} | {r['reader_peak_rss_mb']} |"
        )
    results_file.save("roster-import", out)
    return out


if __name__ == "__main__":
    main()
