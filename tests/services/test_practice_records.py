"""The practice records travel and are checked: a backup restored elsewhere and a township's
gathering carry them whole; `check` accepts them and names what was tampered with."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from decimal import Decimal

import pytest

from app.domain.appraisal_tally import Votes
from app.domain.cadres import CadreKind
from app.domain.enums import MemberClass
from app.services import check
from app.services.backup import archive as backup
from app.services.backup import restore
from app.services.practice import appraisal, cadres, dual_report
from app.services.practice.township import township_cadres
from app.services.township import gather
from conftest import add, keyed_admin
from db.store import Store

LATER = date(2026, 12, 31)
CADRE_PHONE = "13837600001"
PRACTICE_TABLES = ("dual_report_profiles", "service_records", "dual_report_overrides", "appraisal_tallies",
                   "appraisal_tally_lines", "resident_cadres", "cadre_rule_sets", "cadre_points")


@pytest.fixture
def village(store, admin, village_year):
    worker = add(store, admin, "赵在职", member_class=MemberClass.IN_SERVICE)
    farmer = add(store, admin, "钱无职")
    dual_report.set_threshold(store, admin, 2026, "50")
    dual_report.save_profile(store, admin, worker, "东街社区", "县财政局")
    dual_report.record_service(store, admin, [worker], date(2026, 4, 2), "6", "社区环境整治", "王某", today=LATER)
    wrong = dual_report.record_service(store, admin, [worker], date(2026, 4, 3), "3", "重复", "王某", today=LATER)
    dual_report.reverse_service(store, admin, wrong.created[0], "重复登记")
    dual_report.override(store, admin, 2026, worker, True, "抗洪值守两天，社区出具证明")
    appraisal.record_tally(store, admin, 2026, date(2026, 12, 20), 3, 3, {worker: Votes(2, 1, 0, 0), farmer: Votes(1, 1, 1, 0)}, today=LATER)
    cadres.create_scheme(store, admin, 2026)
    cadre = cadres.save_cadre(store, admin, cadres.CadreInput("周振华", CadreKind.RESIDENT, "县农业农村局",
                                                                      phone=CADRE_PHONE)).created[0]
    cadres.record_points(store, admin, cadre, "Z01", date(2026, 3, 28), today=LATER)
    line = cadres.record_points(store, admin, cadre, "K02", date(2026, 3, 29), today=LATER)
    cadres.reverse_points(store, admin, line.created[0], "抽查当天在乡镇开会")
    return {"worker": worker, "farmer": farmer, "cadre": cadre}


def _rows(path, table: str) -> list:
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def test_backup_restore_and_gathering_carry_the_records(tmp_path, store, admin, db_path, village):
    assert check.check_store(store).ok
    stick = tmp_path / "stick"
    stick.mkdir()
    made = backup.backup_to(store, stick)
    restored = tmp_path / "laptop" / "restored.db"
    restored.parent.mkdir()
    restore.restore(made.path, restored)
    for table in PRACTICE_TABLES:
        assert _rows(restored, table) == _rows(db_path, table) != [], table
    with Store.open_file(restored) as copy:
        assert dual_report.year_rows(copy, 2026) == dual_report.year_rows(store, 2026)
        assert cadres.branch_cadre_years(copy, 2026) == cadres.branch_cadre_years(store, 2026)
        assert appraisal.tally_result(copy, 2026) == appraisal.tally_result(store, 2026)
        assert cadres.reveal_phone(copy, admin, village["cadre"]) == CADRE_PHONE  # the branch's key opens the copy

    with Store.open_file(tmp_path / "乡镇汇总.db") as township:
        report = gather.gather(township, keyed_admin(township), [stick], lambda path, manifest: None)
        assert not report.failed and not report.conflicts
        [row] = township_cadres(township, 2026)
        # 60 + 1 + (−2 + 2) = 61 → 6.1 → 基本称职, the same as in the village
        assert (row.branch_name, row.name, str(row.total), str(row.ten_point), row.band) == ("红星村党支部", "周振华", "61.00", "6.10", "基本称职")
    for table in PRACTICE_TABLES:
        assert len(_rows(tmp_path / "乡镇汇总.db", table)) == len(_rows(db_path, table)), table
    # The township gathers the cadre's phone sealed: its own key cannot open it, nor can a grep.
    assert CADRE_PHONE.encode() not in (tmp_path / "乡镇汇总.db").read_bytes()
    assert _rows(tmp_path / "乡镇汇总.db", "resident_cadres") == _rows(db_path, "resident_cadres")


def test_check_names_tampered_practice_records(store, db_path, village):
    report = check.check_store(store)
    assert report.ok and report.counts["双报到服务记录"] == 3 and report.counts["驻村干部积分记录"] == 3
    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute("UPDATE appraisals SET grade = '不合格'")
        raw.execute("UPDATE appraisal_tallies SET ballots_returned = 5")
        raw.commit()
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("UPDATE service_records SET hours = 2400")
    problems = check.check_store(store).problems
    assert "2026 年民主评议收回的测评票（5 张）多于发出的（3 张）。" in problems
    assert any(p.startswith("赵在职 2026 年的民主评议结果与计票折算的结果不同") for p in problems)


def test_practice_history_is_refused_in_the_orm_too(store, village):
    from sqlalchemy import select

    from app.domain.errors import LedgerTampered
    from db.practice_models import CadrePointsRecord, ServiceRecord

    for model, change in ((ServiceRecord, {"hours": Decimal(20)}), (CadrePointsRecord, {"points": Decimal(5)})):
        with pytest.raises(LedgerTampered, match="不能修改"), store.session() as session, session.begin():
            row = session.scalars(select(model)).first()
            for key, value in change.items():
                setattr(row, key, value)
        with pytest.raises(LedgerTampered, match="不能删除"), store.session() as session, session.begin():
            session.delete(session.scalars(select(model)).first())
