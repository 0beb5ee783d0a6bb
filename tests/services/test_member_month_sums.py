"""The member month and year sums kept beside the ledger always equal the ledger's own sums.

Property tests (hypothesis): random entries (approved or pending, single or batch), reviews
(approve, reject), reversals, restores of an earlier backup and the opening of the file again,
then the kept summaries are compared with the sums recomputed from the entries, and the
scorer's month sums with those summed from the ledger. Plus: check names a mismatch in one
sentence, and a township's gathering keeps them for the gathered branch.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.errors import AppError
from app.services import check
from app.services.check import REBUILD_HINT as HINT
from app.services.accounts import operators
from app.services.backup import archive, restore
from app.services.ledger import entries as ledger
from app.services.organisation import require_branch_id
from app.services.totals.scoring import ledger_month_sums, month_sums
from conftest import TODAY, add
from db import summaries
from db.models import PointsEntry
from db.store import Store
from sqlalchemy import select

ITEMS = ("B02", "B03", "J02", "K01", "R01", "V04")
MEMBERS = ("张三", "李四", "王五")


@pytest.fixture(scope="module")
def base_file(tmp_path_factory) -> Path:
    from app.services import organisation
    from app.services.rules import rulesets

    path = tmp_path_factory.mktemp("sums") / "base.db"
    with Store.open_file(path) as store:
        admin = operators.ensure_admin(store)
        organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", [])
        rulesets.create_rule_set(store, admin, 2026, template="village_100")
        for name in MEMBERS:
            add(store, admin, name)
    return path


def _fresh(base_file: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.is_file():
            old.unlink()
        else:
            shutil.rmtree(old)
    target = folder / "live.db"
    with closing_sqlite(base_file) as source, closing_sqlite(target) as copy:
        source.backup(copy)
    return target


class closing_sqlite:
    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path)

    def __enter__(self):
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()


def _assert_kept_equal_ledger(store: Store) -> None:
    with store.session() as session:
        assert summaries.mismatches(session) == []
        by_year: dict[tuple, list] = {}
        for (rule_set_id, year, member_id, _, category), (points, vetoes) in summaries.ledger_sums(session).items():
            found = by_year.setdefault((rule_set_id, year, member_id, category), [0, 0])
            found[0] += points
            found[1] += vetoes
        assert summaries.kept_year_sums(session) == {key: tuple(value) for key, value in by_year.items()}
        assert summaries.year_mismatch_count(session) == (0, [])
        branch_id = require_branch_id(store)
        kept = {m: sorted(map(repr, v)) for m, v in month_sums(session, branch_id, 2026).items()}
        summed = {m: sorted(map(repr, v)) for m, v in ledger_month_sums(session, branch_id, 2026).items()}
        assert kept == summed


operations = st.lists(
    st.one_of(
        st.tuples(st.just("entry"), st.sampled_from(ITEMS), st.integers(0, 2), st.integers(1, 11), st.booleans()),
        st.tuples(st.just("batch"), st.sampled_from(ITEMS), st.integers(1, 11), st.booleans()),
        st.tuples(st.just("review"), st.integers(0, 50), st.booleans()),
        st.tuples(st.just("reverse"), st.integers(0, 50)),
        st.tuples(st.just("backup")),
        st.tuples(st.just("restore")),
    ),
    min_size=1, max_size=25,
)


class _Run:
    def __init__(self, folder: Path, path: Path) -> None:
        self.folder, self.store = folder, Store.open_file(path)
        self.admin = operators.ensure_admin(self.store)
        self.backups: list[Path] = []
        self.restored = 0

    def members(self) -> list:
        from app.services.roster import members

        return [m.id for m in members.list_members(self.store)]

    def entries(self, status: str | None = None, originals: bool = False) -> list:
        with self.store.session() as session:
            query = select(PointsEntry.id).order_by(PointsEntry.chain_seq)
            if status:
                query = query.where(PointsEntry.status == status)
            if originals:
                reversed_ids = select(PointsEntry.reverses_id).where(PointsEntry.reverses_id.is_not(None))
                query = query.where(PointsEntry.reverses_id.is_(None), PointsEntry.id.not_in(reversed_ids))
            return list(session.scalars(query))

    def apply(self, operation: tuple) -> None:
        kind = operation[0]
        try:
            getattr(self, "_" + kind)(*operation[1:])
        except AppError:
            pass  # a refused write (a cap, a rule) changes nothing, which is also a case

    def _entry(self, code, member, month, approve):
        request = ledger.EntryRequest(self.members()[member], code, date(2026, month, 5))
        ledger.record_entry(self.store, self.admin, request, approve=approve, today=TODAY)

    def _batch(self, code, month, approve):
        requests = [ledger.EntryRequest(m, code, date(2026, month, 6)) for m in self.members()]
        ledger.record_batch(self.store, self.admin, requests, approve=approve, today=TODAY)

    def _review(self, pick, approve):
        pending = self.entries("pending")
        if pending:
            ledger.review_entries(self.store, self.admin, [pending[pick % len(pending)]], approve, note="不符合")

    def _reverse(self, pick):
        approved = self.entries("approved", originals=True)
        if approved:
            ledger.reverse_entry(self.store, self.admin, approved[pick % len(approved)], "录错了", today=TODAY)

    def _backup(self):
        stick = self.folder / f"stick{len(self.backups)}"
        stick.mkdir()
        self.backups.append(archive.backup_to(self.store, stick).path)

    def _restore(self):
        if not self.backups:
            return
        self.store.close()
        self.restored += 1
        target = self.folder / f"restored{self.restored}" / "live.db"
        restore.restore(self.backups[-1], target)
        self.store = Store.open_file(target)
        self.admin = operators.ensure_admin(self.store)

    def close(self) -> None:
        self.store.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=operations)
def test_kept_summaries_equal_the_ledger_after_any_writes(base_file, tmp_path, steps):
    folder = tmp_path / "run"
    run = _Run(folder, _fresh(base_file, folder))
    try:
        for step in steps:
            run.apply(step)
            _assert_kept_equal_ledger(run.store)
    finally:
        run.close()


def test_check_names_a_mismatch_in_one_sentence(base_file, tmp_path):
    path = _fresh(base_file, tmp_path / "run")
    with Store.open_file(path) as store:
        admin = operators.ensure_admin(store)
        member = Run_members(store)[0]
        ledger.record_entry(store, admin, ledger.EntryRequest(member, "B02", date(2026, 3, 5)), approve=True, today=TODAY)
        assert check.check_store(store).ok
    with closing_sqlite(path) as raw:
        raw.execute("UPDATE member_month_sums SET points = points + 100")
        raw.commit()
    with Store.open_file(path) as store:
        report = check.check_store(store)
    # the year sums equal the ledger: only the month is named, not the year held to the wrong month
    assert report.problems == ["积分月汇总与台账不符：李四 2026年3月的“加分”汇总为2 分，台账合计为1 分（共 1 处不符）。" + HINT]


def test_with_months_wrong_too_the_year_sums_are_held_to_the_ledger(base_file, tmp_path):
    path = _fresh(base_file, tmp_path / "run")
    with Store.open_file(path) as store:
        admin = operators.ensure_admin(store)
        first, second = Run_members(store)[:2]
        for member in (first, second):
            ledger.record_entry(store, admin, ledger.EntryRequest(member, "B02", date(2026, 3, 5)), approve=True, today=TODAY)
    with closing_sqlite(path) as raw:
        raw.execute("UPDATE member_month_sums SET points = points + 100 WHERE member_id = ?", (first.hex,))
        raw.execute("UPDATE member_year_sums SET points = points - 50 WHERE member_id = ?", (second.hex,))
        raw.commit()
    with Store.open_file(path) as store:
        report = check.check_store(store)
    assert report.problems == [
        "积分月汇总与台账不符：李四 2026年3月的“加分”汇总为2 分，台账合计为1 分（共 1 处不符）。" + HINT,
        "积分年汇总与台账不符：王五 2026年的“加分”年汇总为0.5 分，台账合计为1 分（共 1 处不符）。" + HINT,
    ]


def test_a_year_ranking_reads_the_kept_year_sums(base_file, tmp_path):
    """The year's figures come from the year sums (a month's from the month sums): a year sum
    changed by hand moves the year ranking, not the month's, and check names it."""
    from app.services.totals import ranking as totals

    path = _fresh(base_file, tmp_path / "run")
    with Store.open_file(path) as store:
        admin = operators.ensure_admin(store)
        member = Run_members(store)[0]
        ledger.record_entry(store, admin, ledger.EntryRequest(member, "B02", date(2026, 3, 5)), approve=True, today=TODAY)
        year_before = totals.branch_ranking(store, 2026).row_for(member).year_to_date
        march_before = totals.branch_ranking(store, 2026, month=3).row_for(member)
    with closing_sqlite(path) as raw:
        raw.execute("UPDATE member_year_sums SET points = points + 300 WHERE member_id = ? AND category = 'bonus'", (member.hex,))
        raw.commit()
    with Store.open_file(path) as store:
        assert totals.branch_ranking(store, 2026).row_for(member).year_to_date == year_before + 3
        march = totals.branch_ranking(store, 2026, month=3).row_for(member)
        assert (march.period_points, march.year_to_date) == (march_before.period_points, march_before.year_to_date)
        assert [p for p in check.check_store(store).problems if p.startswith("积分年汇总与月汇总不符：")]


def test_check_names_a_year_sum_that_differs_from_its_months(base_file, tmp_path):
    path = _fresh(base_file, tmp_path / "run")
    with Store.open_file(path) as store:
        admin = operators.ensure_admin(store)
        first, second = Run_members(store)[:2]
        for member, day in ((first, date(2026, 3, 5)), (first, date(2026, 4, 5)), (second, date(2026, 3, 5))):
            ledger.record_entry(store, admin, ledger.EntryRequest(member, "B02", day), approve=True, today=TODAY)
        assert check.check_store(store).ok
    with closing_sqlite(path) as raw:
        raw.execute("UPDATE member_year_sums SET points = points - 50 WHERE points = 200")
        raw.execute("DELETE FROM member_year_sums WHERE points = 100")
        raw.commit()
    with Store.open_file(path) as store:
        report = check.check_store(store)
        with store.session() as session:
            count, found = summaries.year_mismatch_count(session, shown=5)
    sides = [side[1:] for side in found]
    assert count == 2 and len(sides) == 2
    assert ((Decimal("1.5"), 0), (Decimal("2"), 0)) in sides and (None, (Decimal("1"), 0)) in sides
    assert len(report.problems) == 1  # the month sums still equal the ledger
    assert report.problems[0] in (
        "积分年汇总与月汇总不符：李四 2026年的“加分”年汇总为1.5 分，各月汇总合计为2 分（共 2 处不符）。" + HINT,
        "积分年汇总与月汇总不符：王五 2026年的“加分”没有年汇总，各月汇总合计为1 分（共 2 处不符）。" + HINT,
    ), report.problems


def test_an_older_file_gets_its_year_sums_from_its_month_sums(tmp_path):
    """Migration 0009 fills the year sums from the month sums a file of schema 0008 keeps."""
    copy = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "schema-0008.db", copy)
    with closing_sqlite(copy) as raw:
        months = raw.execute("SELECT count(*), sum(points), sum(vetoes) FROM member_month_sums").fetchone()
        assert months[0] > 0
    with Store.open_file(copy) as store:
        _assert_kept_equal_ledger(store)
        with store.session() as session:
            kept = summaries.kept_year_sums(session)
    assert 0 < len(kept) < months[0]
    assert (sum(points for points, _ in kept.values()) * 100, sum(vetoes for _, vetoes in kept.values())) == tuple(months[1:])


def test_a_file_without_summaries_is_filled_by_the_migration(base_file, tmp_path):
    """Migration 0004 fills the table from the approved entries an older file already holds."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "schema-0003.db"
    copy = tmp_path / "old.db"
    shutil.copy(fixture, copy)
    with Store.open_file(copy) as store:
        with store.session() as session:
            assert summaries.kept_sums(session)
        _assert_kept_equal_ledger(store)
        assert check.check_store(store).ok


def Run_members(store) -> list:
    from app.services.roster import members

    return [m.id for m in members.list_members(store)]
