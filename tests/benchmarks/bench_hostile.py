"""Benchmark: refusing hostile files (issue 12) — decompression bombs and hostile workbooks, beside normal files.

Run:

    uv run python -m tests.benchmarks.bench_hostile                   # normal backup of a ~34 MB database
    uv run python -m tests.benchmarks.bench_hostile --delivered-gib 4  # the bomb that delivers what it declares: 4 GiB

Each file is opened in a fresh process by the service a clerk's click runs — `verify_backup`
for a backup (restore checks the same way before it replaces anything), `load_roster` for a
workbook (as tests/services/hostile_workbook_child.py does under a memory limit) — and one
line is printed a file:

    NAME: project X s, baseline Y s, ratio R, peak MB M (+N MB in the call; baseline peak MB B; CPU …) — refused: 句子

X: from the call to its refusal, the program's modules imported before the clock starts;
M: VmHWM of that process, imports included (Python and the program are most of it), and how
far the call itself raised it above the resident size before it ("+N MB in the call").
The baselines are normal files doing the same work:

- backups: verifying a normal backup (bench_backup's ledger-like database, --megabytes) of the
  same compressed size; the bombs are scaled to it: after a full flush zlib makes every MiB of
  zeros the same 1 KB, so a bomb of G GiB is about G MB (tests/store/bombs.py);
- workbooks: reading a normal 2,000-member roster (the township's 花名册 form) with load_roster.

The bombs: (1) G GiB of zeros behind a manifest declaring 1 MiB, plain and (2) encrypted (the
hostile author knows the passphrase; the fast KDF of the tests on both sides); (3) one that
declares 1 TiB (past the 256 GiB ceiling); (4) one whose SQLite header (1 GiB) disagrees with
the declared size (10 GiB); (5) one that declares D GiB and delivers exactly D GiB of a SQLite
header and zeros (--delivered-gib; a sound zlib stream, refused only at the end, where the
database's SHA-256 in the trailer does not match, so its cost is that of a real database of
D GiB: unpacked into the local staging file, which the free-space check bounds).
The workbooks (as in test_excel_in_out): a million rows, a million empty rows, a 100 MB cell,
and a real roster whose zip directory says its sheet is 25 KB longer than its rows while it
inflates to 1 GiB. A file that ends in an exception outside the program's one error tree (no
sentence for the clerk) is printed as a BUG with that exception.
Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "红星村备份口令2026"
MIB, GIB = 1 << 20, 1 << 30
ROSTER_MEMBERS = 2000
SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_MEMBER = "xl/worksheets/sheet1.xml"
WORKBOOK = b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'


# ---------------------------------------------------------------- the child: one backup verified


def _memory_mb(field: str) -> float:
    """VmHWM (peak resident) or VmRSS (resident now) of this process, in MB."""
    for text in Path("/proc/self/status").read_text().splitlines():
        if text.startswith(field + ":"):
            return int(text.split()[1]) / 1024
    return 0.0


def child(kind: str, path: str, passphrase: str) -> None:
    """Open one file in this fresh process — verify a backup, or read a roster workbook — and
    print seconds, processor seconds, peak MB, the resident MB before the call and the refusal."""
    from app.domain.errors import AppError
    from app.services.backup import archive
    from app.services.roster.excel_import import load_roster

    before = _memory_mb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    answer = {"error": "", "details": ""}
    try:
        if kind == "backup":
            archive.verify_backup(path, passphrase or None)
        else:
            load_roster(path)
    except AppError as exc:
        answer = {"error": exc.message, "details": exc.details or ""}
    except Exception as exc:  # noqa: BLE001  (a bug: the clerk would get no sentence; printed as such)
        answer = {"error": "", "details": "", "crash": f"{type(exc).__module__}.{type(exc).__name__}: {exc}"}
    answer.update(seconds=time.perf_counter() - started, cpu=time.process_time() - cpu, peak_mb=_memory_mb("VmHWM"),
                  before_mb=before)
    print(json.dumps(answer, ensure_ascii=False), flush=True)


def _run_json(argv: list[str], data_dir: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DYJF_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{' '.join(argv[-2:])} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def verified(backup: Path, work: Path, passphrase: str = "") -> dict:
    return _run_json([sys.executable, "-m", "tests.benchmarks.bench_hostile", "--child", "backup", str(backup), passphrase], work)


def roster_loaded(workbook: Path, work: Path) -> dict:
    return _run_json([sys.executable, "-m", "tests.benchmarks.bench_hostile", "--child", "workbook", str(workbook), ""], work)


def line(name: str, project: dict, base: dict) -> None:
    text = (f"{name}: project {project['seconds']:.3f} s, baseline {base['seconds']:.3f} s, "
            f"ratio {project['seconds'] / base['seconds']:.3f}, peak MB {project['peak_mb']:.0f} (")
    text += f"+{project['peak_mb'] - project['before_mb']:.0f} MB in the call; baseline peak MB {base['peak_mb']:.0f}"
    text += f"; CPU: project {project['cpu']:.3f} s, baseline {base['cpu']:.3f} s"
    if project.get("crash"):
        print(f"{text}) — BUG, no sentence for the clerk: {project['crash'][:160]}", flush=True)
        return
    refusal = project["error"] or "NOT REFUSED"
    detail = f" [{project['details'][:80]}]" if project.get("details") else ""
    print(f"{text}) — refused: {refusal}{detail}", flush=True)


# ---------------------------------------------------------------- the backups


def normal_backups(megabytes: int, folder: Path) -> tuple[Path, Path]:
    """A plain and an encrypted backup (the tests' fast KDF) of bench_backup's cached database."""
    from tests.benchmarks.bench_backup import cached_database, verb
    from tests.store.bombs import FAST_KDF

    database = cached_database(megabytes)
    made = []
    for name, extra in (("plain", {}), ("locked", {"passphrase": PASSPHRASE, "kdf": FAST_KDF})):
        (folder / name).mkdir()
        verb("backup", {"db": str(database), "folder": str(folder / name), **extra}, folder)
        made.append(next((folder / name).glob("*.jfbak")))
    return made[0], made[1]


def delivered_bomb(gibibytes: int) -> bytes:
    """A sound zlib stream of exactly `gibibytes` GiB: a SQLite header that says so, then zeros
    (its Adler-32 recomputed over all of it, since the repeated block was compressed once)."""
    from tests.store.bombs import sqlite_head

    head, blocks = sqlite_head(gibibytes * GIB), gibibytes * 1024 - 1
    compressor = zlib.compressobj(9)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    rest = compressor.compress(bytes(MIB - len(head))) + compressor.flush()  # the header took the first bytes
    check = zlib.adler32(head)
    for _ in range(blocks):
        check = zlib.adler32(bytes(MIB), check)
    check = zlib.adler32(bytes(MIB - len(head)), check)
    return start + block * blocks + rest[:-4] + check.to_bytes(4, "big")


def bombs(compressed: int, delivered_gib: int) -> dict[str, tuple[bytes, str]]:
    """name: (the file, its passphrase) — each bomb about `compressed` bytes where its size is free."""
    from tests.store.bombs import frame, sqlite_head, zero_bomb

    per_gib = len(zero_bomb(sqlite_head(MIB), 1))
    gib = max(1, round(compressed / per_gib))
    stream = zero_bomb(sqlite_head(MIB), gib)
    return {
        f"bomb: {gib} GiB of zeros declared as 1 MiB, plain": (frame(stream, MIB), ""),
        f"bomb: {gib} GiB of zeros declared as 1 MiB, encrypted": (frame(stream, MIB, PASSPHRASE), PASSPHRASE),
        "bomb: declares 1 TiB (past the ceiling)": (frame(stream, 1 << 40), ""),
        "bomb: SQLite header 1 GiB, declares 10 GiB": (frame(zero_bomb(sqlite_head(GIB), gib), 10 * GIB), ""),
        f"bomb: declares and delivers {delivered_gib} GiB": (frame(delivered_bomb(delivered_gib), delivered_gib * GIB), ""),
    }


def backup_figures(megabytes: int, delivered_gib: int, work: Path) -> None:
    plain, locked = normal_backups(megabytes, work)
    print(f"normal backups: {plain.stat().st_size / 1e6:.1f} MB plain, {locked.stat().st_size / 1e6:.1f} MB encrypted",
          flush=True)
    base_plain, base_locked = verified(plain, work), verified(locked, work, PASSPHRASE)
    for baseline in (base_plain, base_locked):
        if baseline["error"]:
            raise SystemExit(f"the normal backup was refused: {baseline['error']} {baseline['details']}")
    for name, (blob, passphrase) in bombs(plain.stat().st_size, delivered_gib).items():
        path = work / "bomb.jfbak"
        path.write_bytes(blob)
        project = verified(path, work, passphrase)
        line(f"{name} ({len(blob) / 1e6:.1f} MB)", project, base_locked if passphrase else base_plain)
        path.unlink()


# ---------------------------------------------------------------- the workbooks


def _million_rows(handle) -> None:
    chunk = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (i, i) for i in range(1, 10001))
    handle.write(SHEET + chunk * 100 + b"</sheetData></worksheet>")


def _million_empty_rows(handle) -> None:
    handle.write(SHEET + b"".join(b'<row r="%d"/>' % i for i in range(1, 10001)) * 100 + b"</sheetData></worksheet>")


def _huge_cell(handle) -> None:
    handle.write(SHEET + b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
    for _ in range(100):
        handle.write(b"A" * MIB)
    handle.write(b"</t></is></c></row></sheetData></worksheet>")


def _zipped(path: Path, sheet) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", WORKBOOK)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            sheet(handle)
    return path


def lying_sheet(path: Path, work: Path) -> Path:
    """A real roster workbook whose sheet, after its rows, inflates to 1 GiB of blanks while the
    zip's directory says the sheet is 25 KB longer than its rows (with the CRC of what that
    reads, as a careful forger would): zipfile trusts the directory's size, so the size check
    before openpyxl sees a small sheet."""
    roster = normal_roster(work / "small-roster.xlsx", members=20)
    with zipfile.ZipFile(roster) as source:
        sheet = source.read(SHEET_MEMBER)
        others = [(info, source.read(info.filename)) for info in source.infolist() if info.filename != SHEET_MEMBER]
    rows, end = sheet.split(b"</sheetData>", 1)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as in a zip
    start = compressor.compress(rows) + compressor.flush(zlib.Z_FULL_FLUSH)
    blanks = compressor.compress(b" " * MIB) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = start + blanks * 1024 + compressor.compress(b"</sheetData>" + end) + compressor.flush()
    told = len(rows) + 25_000
    crc = zlib.crc32(rows + b" " * 25_000)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in others:
            archive.writestr(info, data)
        info = zipfile.ZipInfo(SHEET_MEMBER)
        info.compress_type = zipfile.ZIP_STORED  # written as stored, then relabelled below
        archive.writestr(info, body)
    data = bytearray(path.read_bytes())
    # the sheet's local header, and its directory entry (the last one: the sheet was written last)
    for at, method_at in ((info.header_offset, 8), (data.rfind(b"PK\x01\x02"), 10)):
        data[at + method_at : at + method_at + 2] = (8).to_bytes(2, "little")  # deflated
        data[at + method_at + 6 : at + method_at + 10] = crc.to_bytes(4, "little")
        data[at + method_at + 14 : at + method_at + 18] = told.to_bytes(4, "little")  # the uncompressed size
    path.write_bytes(bytes(data))
    return path


def normal_roster(path: Path, members: int = ROSTER_MEMBERS) -> Path:
    """A 花名册 of `members` members in the township's form (tests/services/roster_layouts.py, layout A)."""
    from openpyxl import Workbook

    from tests.services.roster_layouts import ident

    book = Workbook()
    sheet = book.active
    sheet.append(["红星村党支部党员花名册"])
    sheet.append(["填报单位：红星村党支部（盖章）", None, None, None, None, None, None, "填报日期：2026年11月"])
    sheet.append(["序号", "姓名", "性别", "民族", "出生年月", "文化程度", "入党时间", "转正时间", "身份证号码", "联系电话", "工作单位及职务", "备注"])
    for number in range(1, members + 1):
        born = f"19{50 + number % 50}{1 + number % 12:02d}{1 + number % 28:02d}"
        sheet.append([number, f"党员{number:04d}", "男女"[number % 2], "汉", f"{born[:4]}.{born[4:6]}", "高中",
                      f"{1990 + number % 35}.07", f"{1991 + number % 35}.07", ident("410102", born, f"{number % 1000:03d}"),
                      f"138{number:08d}", "村民", None])
    book.save(path)
    return path


def workbook_figures(work: Path) -> None:
    base = roster_loaded(normal_roster(work / "花名册.xlsx"), work)
    if base["error"]:
        raise SystemExit(f"the normal roster was refused: {base['error']}")
    print(f"normal roster: {ROSTER_MEMBERS:,} members, {(work / '花名册.xlsx').stat().st_size / 1e6:.2f} MB", flush=True)
    hostile = {
        "workbook: a million rows": _zipped(work / "rows.xlsx", _million_rows),
        "workbook: a million empty rows": _zipped(work / "empty.xlsx", _million_empty_rows),
        "workbook: a 100 MB cell": _zipped(work / "cell.xlsx", _huge_cell),
        "workbook: a roster whose sheet says 25 KB more and inflates to 1 GiB": lying_sheet(work / "lying.xlsx", work),
    }
    for name, path in hostile.items():
        line(f"{name} ({path.stat().st_size / 1e6:.2f} MB)", roster_loaded(path, work), base)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=30, help="the normal backup's database (bench_backup's builder)")
    parser.add_argument("--delivered-gib", type=int, default=1, help="the size the fifth bomb declares and delivers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jfhostile-bench-") as work:
        backup_figures(args.megabytes, args.delivered_gib, Path(work))
        workbook_figures(Path(work))


if __name__ == "__main__":
    main()
