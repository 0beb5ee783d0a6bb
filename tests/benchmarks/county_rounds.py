"""The county's earlier years reported, as every branch reports its star rating early in the next
year (bench_county.build_county): the own branch through the rating services (start, assess,
publicise, report, each audited as the program does it), the other branches' rounds copied from
it in bulk, their candidates' frozen totals scored by the program (app.services.totals.standings),
a year at a time so that each year's carried base starts from the year before as reported.

A year ranking of the county's current year then reads the reported years' frozen totals
instead of scoring every earlier year again, as a real county's file lets it.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import uuid
from contextlib import closing
from datetime import date, datetime
from pathlib import Path


def report_earlier_years(path: Path, years: list[int]) -> None:
    """Every branch's round of every year but the last, reported on 20 January of the year after."""
    for year in years[:-1]:
        own_branch = _report_own(path, year)
        _copy_to_other_branches(path, year, own_branch)


def _report_own(path: Path, year: int) -> str:
    from app.services.accounts import operators
    from app.services.organisation import require_branch_id
    from app.services.rating import exchange, rounds
    from db.store import Store

    later = date(year + 1, 2, 1)
    with Store.open_file(path) as store, tempfile.TemporaryDirectory(prefix="jfcounty-report-") as folder:
        admin = operators.ensure_admin(store)
        rounds.start_round(store, admin, year, date(year + 1, 1, 5), today=later)
        rounds.assess(store, admin, year, date(year + 1, 1, 8), today=later)
        rounds.publicise(store, admin, year, date(year + 1, 1, 10), days=7, today=later)
        exchange.report_to_township(store, admin, year, date(year + 1, 1, 20), Path(folder) / "report.jfrating", today=later)
        return require_branch_id(store).hex


def _copy_to_other_branches(path: Path, year: int, own_branch: str) -> None:
    from tests.benchmarks.bench_county import _copy_rows, _insert, _stamp

    with closing(sqlite3.connect(path)) as raw:
        (own_round,) = _copy_rows(raw, "rating_rounds", "branch_id = ? AND year = ?", (own_branch, year), {})
        steps = _copy_rows(raw, "rating_steps", "round_id = ?", (own_round["id"],), {})
        others = [row[0] for row in raw.execute("SELECT DISTINCT branch_id FROM rule_sets WHERE year = ? AND branch_id != ?", (year, own_branch))]
        round_ids = {branch: uuid.uuid4().hex for branch in others}
        # the own report's file hash belongs to the own file alone
        _insert(raw, "rating_rounds", [{**own_round, "id": round_ids[b], "branch_id": b, "report_sha256": None} for b in others])
        _insert(raw, "rating_steps", [{**step, "id": uuid.uuid4().hex, "round_id": round_ids[b]} for b in others for step in steps])
        now = _stamp(datetime(year + 1, 1, 8, 9))
        _insert(raw, "rating_candidates", [
            {**candidate, "round_id": round_ids[candidate["round_id"]], "id": uuid.uuid4().hex, "created_at": now, "updated_at": now}
            for candidate in _frozen_candidates(path, year, others)
        ])
        raw.commit()


def _frozen_candidates(path: Path, year: int, branches: list[str]) -> list[dict]:
    """The candidates of the branches' rounds as 审核评星 freezes them (round_id: the branch for now)."""
    from app.services.context import read_session
    from app.services.totals.standings import Standings, group_names_of
    from db.store import Store

    ids = [uuid.UUID(branch) for branch in branches]
    with Store.open_file(path) as store, read_session(store) as session:
        groups = group_names_of(session, ids)
        standings = Standings(session, ids, year).period(year, list(range(1, 13)), None, date(year, 1, 1), date(year, 12, 31))
    return [
        {
            "round_id": standing.branch_id.hex, "member_id": standing.member_id.hex, "name": standing.name,
            "group_name": groups.get(standing.group_id, "") if standing.group_id else "",
            "member_class": standing.member_class.value, "membership": standing.membership.value, "declaration": "",
            "final_total": int(standing.result.final_total * 100), "vetoed": int(standing.result.vetoed), "flags": json.dumps([]),
        }
        for standing in standings
    ]
