"""The rankings of two files written down as plain values, so that a faster ranking can be held
to exactly the figures the program gave before (tests/services/test_ranking_record.py).

The files: the demo branch on a fixed day, and a small county made by the benchmark's builder
(tests/benchmarks/bench_county.py: four branches, three years of ledger, so last year's total
carries into each year's base). Every ranking of every month, quarter and year of the last year
is taken, of the own branch and across all branches; rows keep every figure a ranking shows, and
the scorer's own year figures behind each row. Member ids are left out (the builders make new
ones each time); rows are compared in their order, which names break only among equal names.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.domain.enums import OrgKind
from app.services.context import read_session
from app.services.demo import create_demo_branch
from app.services.totals import ranking as totals
from db.models import OrgUnit
from db.store import Store

RECORD = Path(__file__).resolve().parents[1] / "fixtures" / "ranking-record.json"
DEMO_DAY = date(2026, 11, 20)
COUNTY = {"members": 240, "branches": 4, "entries": 240 * 28 * 3}
YEAR = 2026


def demo_file(folder: Path) -> Path:
    from tests.conftest import keyed_admin

    path = folder / "demo.db"
    with Store.open_file(path) as store:
        create_demo_branch(store, keyed_admin(store), today=DEMO_DAY)
    return path


def county_file(folder: Path) -> Path:
    from tests.benchmarks.bench_county import build_county

    path = folder / "county.db"
    build_county(path, COUNTY["members"], COUNTY["branches"], COUNTY["entries"])
    return path


def _text(value) -> str | None:
    return None if value is None else str(Decimal(value).normalize())


def _score(score) -> dict:
    return {
        "base_start": _text(score.base_start), "base_carried": score.base_carried,
        "by_month": {str(m): _text(v) for m, v in sorted(score.by_month.items())},
        "by_category": {c.value: _text(v) for c, v in sorted(score.by_category.items(), key=lambda kv: kv[0].value)},
        "base_component": _text(score.base_component), "points_total": _text(score.points_total),
        "final_total": _text(score.final_total), "appraisal_missing": score.appraisal_missing,
        "veto_months": {str(m): v for m, v in sorted(score.veto_months.items())},
    }


def _row(row) -> list:
    return [
        row.rank, row.name, row.name_pinyin, row.group_name, row.member_class.value, row.membership.value,
        _text(row.period_points), _text(row.year_to_date), row.grade, row.stars, row.vetoed, list(row.flags), row.branch_name,
    ]


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _ranking(ranking, detailed=None) -> dict:
    """The ranking's figures (and, from `detailed`, the scorer's figures behind its rows) as digests."""
    head = [ranking.kind, ranking.label, ranking.rule_set_name, ranking.five_star_quota]
    found = {"rows": len(ranking.rows), "figures": _digest([head, _in_order([_row(row) for row in ranking.rows])])}
    if detailed is not None:
        rows = [[_row(row), _score(row.score)] for row in detailed.rows]
        found["scores"] = _digest(_in_order(rows))
    return found


def _in_order(rows: list) -> list:
    """The rows in their order, but those with the same rank and pinyin (listed by member id, which
    the builders make anew) sorted by their figures."""
    def key(row):
        first = row[0] if isinstance(row[0], list) else row
        return first[0], first[2], json.dumps(row, ensure_ascii=False, sort_keys=True)

    return sorted(rows, key=key)


def _periods():
    yield "year", {}
    for quarter in range(1, 5):
        yield f"q{quarter}", {"quarter": quarter}
    for month in range(1, 13):
        yield f"m{month}", {"month": month}


def branches(store: Store) -> dict:
    with read_session(store) as session:
        query = select(OrgUnit.id, OrgUnit.name).where(OrgUnit.kind == OrgKind.BRANCH).order_by(OrgUnit.sort_order, OrgUnit.name)
        return {row.id: row.name for row in session.execute(query)}


def rankings(path: Path, detail: dict) -> dict:
    """{'branch year', 'branch m3', 'across q2', ...: digests of the ranking} of the file's YEAR;
    `detail`: what branch_ranking needs to give each row the scorer's figures (nothing, before)."""
    found = {}
    with Store.open_file(path, read_only=True) as store:
        across = branches(store)
        for name, period in _periods():
            plain = totals.branch_ranking(store, YEAR, **period)
            found[f"branch {name}"] = _ranking(plain, totals.branch_ranking(store, YEAR, **period, **detail) if detail else plain)
            if len(across) > 1:
                found[f"across {name}"] = _ranking(totals.ranking_across(store, across, YEAR, **period))
        found["branch last year"] = _ranking(totals.branch_ranking(store, YEAR - 1) if len(across) > 1 else plain)
        if len(across) > 1:
            other = list(across)[-1]
            found["other year"] = _ranking(totals.branch_ranking(store, YEAR, branch_id=other))
            found["other m11"] = _ranking(totals.branch_ranking(store, YEAR, month=11, branch_id=other))
    return found


def record(folder: Path, detail: dict) -> dict:
    return {"demo": rankings(demo_file(folder), detail), "county": rankings(county_file(folder), detail)}


if __name__ == "__main__":  # write the record (once, with the program as it was)
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        RECORD.write_text(json.dumps(record(Path(work), {}), indent=1, sort_keys=True) + "\n")
    print(RECORD, RECORD.stat().st_size)
