"""Break one rule at a time, in every place its figure is computed, and see that a test notices.

    uv run python -m tests.mutants            # every mutant (a few minutes each at worst)
    uv run python -m tests.mutants veto quota # only the mutants whose name contains a word

Each mutant replaces one exact piece of source text in a copy of the tree (so the working
tree is never touched), runs the tests below the window in that copy with `-x`, and counts
the mutant as caught when pytest fails. A mutant whose text is no longer found is reported
as STALE: the code moved and this list must follow it. Exit status 1 when any mutant survived
or went stale. Not collected by pytest (the file name does not start with test_).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("app", "db", "tests", "resources", "main.py", "pyproject.toml")
TEST_PATHS = ("tests/domain", "tests/services", "tests/reports", "tests/cli")


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    before: str
    after: str


MUTANTS = (
    # The reversal sign of a veto: SQL month sums (every figure from the store) and the domain's own grouping.
    Mutant("reversal sign in the SQL month sums", "app/services/totals/scoring.py",
           "case((PointsEntry.reverses_id.is_(None), 1), else_=-1)", "case((PointsEntry.reverses_id.is_(None), 1), else_=1)"),
    Mutant("reversal sign in the domain's grouping", "app/domain/scoring.py",
           "acc[1] += line.sign", "acc[1] += 1"),
    # The veto: the year's total becomes 0, and the running total from the veto's month on.
    Mutant("veto never counts", "app/domain/scoring.py",
           "vetoed = sum(veto_months.values()) > 0", "vetoed = False"),
    Mutant("veto keeps the final total", "app/domain/scoring.py",
           "    if vetoed:\n        final = ZERO\n", "    if vetoed:\n        pass\n"),
    Mutant("veto ignored in running totals", "app/domain/scoring.py",
           "    if score.vetoed_by(month):\n        return ZERO\n", "    if False:\n        return ZERO\n"),
    # The five-star quota: the rule itself, its application to a branch, and who it counts.
    Mutant("quota demotes nobody", "app/domain/standing.py",
           "    for key in why:\n        stars[key] = 4\n", "    for key in why:\n        pass\n"),
    Mutant("quota not applied to the branch", "app/domain/scoring.py",
           "        stars.update(quota.stars)\n", "        pass\n"),
    Mutant("quota counts vetoed members", "app/domain/scoring.py",
           "for key, score in scores.items() if not score.vetoed}", "for key, score in scores.items()}"),
    Mutant("quota rounds up", "app/domain/standing.py",
           "return None if share is None else int(share * rated_count)",
           "return None if share is None else -int(-share * rated_count // 1)"),
    # Caps: pricing refuses, check finds.
    Mutant("caps never exceeded", "app/domain/rules.py",
           "    return total * sign > cap\n", "    return False\n"),
    Mutant("caps exceeded at the cap itself", "app/domain/rules.py",
           "    return total * sign > cap\n", "    return total * sign >= cap\n"),
    # Floors: the base stops at 0 (扣完为止), the total at 0 where the scheme says so.
    Mutant("base goes below zero", "app/domain/scoring.py",
           "base_component = max(ZERO, base_start + by_category.get(Category.BASE, ZERO))",
           "base_component = base_start + by_category.get(Category.BASE, ZERO)"),
    Mutant("total goes below zero", "app/domain/scoring.py",
           "        total = max(ZERO, total)\n", "        total = total\n"),
    # The carried base (next year starts from a share of this year's total).
    Mutant("carried base ignored", "app/services/totals/scoring.py",
           "previous = self.finals(year - 1) if rule_set.base_carry_share is not None else None",
           "previous = None"),
)


def run(mutant: Mutant) -> tuple[str, float]:
    with tempfile.TemporaryDirectory(prefix="mutant-") as folder:
        copy = Path(folder)
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(source, copy / name)
        target = copy / mutant.path
        text = target.read_text(encoding="utf-8")
        if text.count(mutant.before) != 1:
            return "STALE", 0.0
        target.write_text(text.replace(mutant.before, mutant.after), encoding="utf-8")
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *TEST_PATHS],
            cwd=copy, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
    return ("CAUGHT" if result.returncode == 1 else "SURVIVED" if result.returncode == 0 else f"ERROR {result.returncode}"), elapsed


def main(words: list[str]) -> int:
    chosen = [m for m in MUTANTS if not words or any(word in m.name for word in words)]
    failed = 0
    for mutant in chosen:
        outcome, elapsed = run(mutant)
        failed += outcome != "CAUGHT"
        print(f"{outcome:9} {elapsed:6.1f} s  {mutant.name}  ({mutant.path})", flush=True)
    print(f"mutants: {len(chosen)}, caught: {len(chosen) - failed}, not caught: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
