"""积分台账 out to Excel in constant memory: every year of a 2,000-member branch (40,000 entries,
built by the county benchmark's generator, tests/benchmarks/bench_county.py) exported in its own
process under an address-space limit (RLIMIT_AS). The entries are read from SQL as they are
written and the sheet's rows go to a temporary file; when the export read the whole ledger
first, this one took 180 MB of address space (161 MB resident) and would fail under the limit.

About half a minute here, most of it building the branch and writing its 480,000 cells.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from services.backup_memory_child import answer_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc/self/status (Linux)"),
]

CHILD = Path(__file__).resolve().parent / "export_memory_child.py"
LIMIT_MB = 150
ENTRIES = 40_000


@pytest.fixture(scope="module")
def branch_of_years(tmp_path_factory):
    from tests.benchmarks.bench_county import build_county

    path = tmp_path_factory.mktemp("branch") / "branch.db"
    build_county(path, members=2000, branches=1, entries=ENTRIES)
    yield path
    path.unlink()


def test_a_branch_s_whole_ledger_goes_to_excel_within_the_memory_limit(branch_of_years, tmp_path):
    out = tmp_path / "积分台账.xlsx"
    answer = answer_of(CHILD, LIMIT_MB, str(branch_of_years), str(out), data_dir=tmp_path / "data")
    print(f"export: {answer['seconds']:.1f} s, peak {answer['peak_mb']:.0f} MB, address space {answer['address_space_mb']:.0f} MB")
    assert "error" not in answer, answer
    assert answer["rows"] >= ENTRIES and answer["peak_mb"] < LIMIT_MB and answer["address_space_mb"] < LIMIT_MB
    first_cells = [row[0] for row in load_workbook(out, read_only=True).active.iter_rows(max_col=1, values_only=True)]
    assert len(first_cells) == 3 + answer["rows"] + 1  # title, line, header, the entries, the count
    assert first_cells[-1] == f"共 {answer['rows']} 条记录。"
