"""The township gathers village backups: totals add up, repeats change nothing, newer wins, conflicts are reported."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.domain.enums import EntryStatus, MemberStatus
from app.domain.errors import ValidationError
from app.services import demo, organisation
from app.services.backup import archive as backup
from app.services.township import gather
from app.services.ledger import entries as ledger
from app.services.roster import members
from app.services.accounts import operators
from app.services.totals import ranking as totals
from app.services.township import overview as township_overview
from app.services.ledger.entries import EntryRequest
from app.services.backup.archive import unpack_file
from app.services.ledger.queries import EntryFilter, list_entries
from conftest import TODAY, add, behind_the_programs_back, keyed_admin
from db.models import Member, Operator, OrgUnit, PointsEntry
from db.store import Store
from services.backup_child import content_digest

VILLAGES = [("红星村党支部", 101), ("东风村党支部", 102), ("向阳村党支部", 103)]
PASSPHRASE = "东风村口令2026"
FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 1024, "lanes": 1}


@dataclass
class Village:
    name: str
    db: Path
    first: Path  # the first backup
    newer: Path | None = None


def _rename_branch(store: Store, name: str) -> None:
    with store.session() as session, session.begin():
        session.execute(update(OrgUnit).where(OrgUnit.id == organisation.current_branch_id(store)).values(name=name))


@pytest.fixture(scope="module")
def villages(tmp_path_factory):
    """Three demo villages on three sticks; the first village later hands in a newer backup
    (pending entries reviewed, a member transferred out, one new entry); one stick holds a
    second copy of the second village's backup."""
    root = tmp_path_factory.mktemp("township")
    sticks = [root / f"stick{i}" for i in range(3)]
    for stick in sticks:
        stick.mkdir()
    made = []
    for index, (name, seed) in enumerate(VILLAGES):
        path = root / f"village{index}.db"
        with Store.open_file(path) as store:
            admin = keyed_admin(store)
            demo.create_demo_branch(store, admin, today=TODAY, seed=seed)
            _rename_branch(store, name)
            encrypted = index == 1
            result = backup.backup_to(store, sticks[index], PASSPHRASE if encrypted else None, kdf=FAST_KDF if encrypted else None)
        made.append(Village(name, path, result.path))
    shutil.copy(made[1].first, sticks[2] / "copy-of-dongfeng.jfbak")  # the same backup, twice
    first = made[0]
    with Store.open_file(first.db) as store:
        admin = keyed_admin(store)
        pending = [e.id for e in list_entries(store, EntryFilter(status=EntryStatus.PENDING))]
        assert pending
        ledger.review_entries(store, admin, pending, approve=True)
        leaver = next(m for m in members.list_members(store) if m.member_class.value == "no_post")
        members.transfer_out(store, admin, leaver.id, date(2026, 11, 20), "县城社区党支部", "搬迁", today=TODAY)
        someone = members.list_members(store)[0]
        ledger.record_entry(store, admin, EntryRequest(someone.id, "B02", date(2026, 11, 21), note="群众送锦旗"), approve=True, today=TODAY)
        first.newer = backup.backup_to(store, sticks[2]).path
    return root, sticks, made


@pytest.fixture
def township(tmp_path):
    with Store.open_file(tmp_path / "乡镇汇总.db") as store:
        yield store, operators.ensure_admin(store)


def village_year(path: Path) -> dict:
    """The village's own year ranking, computed in its own database: member → (total, stars)."""
    with Store.open_file(path) as store:
        ranking = totals.branch_ranking(store, 2026)
        return {row.member_id: (row.year_to_date, row.stars) for row in ranking.rows}


def approved_points_by_branch(path: Path) -> dict[str, int]:
    """Raw SQL, independent of the program: approved points (hundredths) per branch name."""
    with closing(sqlite3.connect(path)) as raw:
        return dict(raw.execute(
            "SELECT o.name, sum(e.points) FROM points_entries e JOIN members m ON m.id = e.member_id "
            "JOIN org_units o ON o.id = m.branch_id WHERE e.status = 'approved' GROUP BY o.name"
        ).fetchall())


def passphrase_for(path, manifest):
    return PASSPHRASE


def test_township_totals_are_the_sum_of_the_villages(villages, township):
    root, sticks, made = villages
    store, admin = township
    report = gather.gather(store, admin, sticks, passphrase_for)
    by_name = {f.path.name: f for f in report.files}
    assert len(report.files) == 5 and not report.failed and not report.conflicts
    assert by_name["copy-of-dongfeng.jfbak"].status == "unchanged"
    assert by_name[made[0].newer.name].status == "gathered" and by_name[made[0].newer.name].updated
    assert {f.status for name, f in by_name.items() if name != "copy-of-dongfeng.jfbak"} == {"gathered"}

    overview = township_overview.township_overview(store, 2026)
    assert [b.name for b in overview.branches] == sorted(v.name for v in made)
    expected_total = Decimal(0)
    for village in made:
        own = village_year(village.db)
        rows = {row.member_id: (row.final_total, row.stars) for row in overview.rows if row.branch_name == village.name}
        assert rows == own, village.name
        summary = next(b for b in overview.branches if b.name == village.name)
        assert summary.total == sum(total for total, _ in own.values())
        assert summary.stars == {n: sum(1 for _, s in own.values() if s == n) for n in range(6)}
        expected_total += summary.total
    assert overview.total == expected_total
    assert [row.rank for row in overview.rows][:1] == [1] and len(overview.rows) == sum(len(village_year(v.db)) for v in made)
    township_points = approved_points_by_branch(store.path)
    for village in made:
        assert township_points[village.name] == approved_points_by_branch(village.db)[village.name]

    # The newer backup of the first village replaced its mutable rows and added its new ones.
    with Store.open_file(made[0].db) as village_store:
        village_entries = {e.id: e.status for e in list_entries(village_store, EntryFilter())}
        leavers = {m.id for m in members.list_members(village_store, members.MemberFilter(statuses=(MemberStatus.TRANSFERRED_OUT,)))}
    with store.session() as session:
        gathered_status = dict(session.execute(select(PointsEntry.id, PointsEntry.status).where(PointsEntry.id.in_(list(village_entries)))).all())
        assert gathered_status == village_entries
        assert {m for m in leavers} <= set(session.scalars(select(Member.id).where(Member.status == MemberStatus.TRANSFERRED_OUT)))
        village_admins = session.scalars(select(Operator).where(Operator.username.like("admin@%"))).all()
        assert len(village_admins) == 3 and not any(o.active or o.password_hash for o in village_admins)
    assert operators.ensure_admin(store).id == admin.id

    # Importing everything again changes nothing at all.
    before = content_digest(store.path)
    again = gather.gather(store, admin, sticks, passphrase_for)
    assert {f.status for f in again.files} == {"unchanged"}
    assert content_digest(store.path) == before
    assert [b.name for b in township_overview.gathered_branches(store)] == sorted(v.name for v in made)


def test_order_of_arrival_does_not_matter(villages, township, tmp_path):
    root, sticks, made = villages
    store, admin = township
    first, newest = made[0].first, made[0].newer
    assert gather.gather(store, admin, [newest]).files[0].status == "gathered"
    late = gather.gather(store, admin, [first]).files[0]
    assert late.status == "unchanged" and "没有新的内容" in late.message and not late.conflicts, (late.status, late.message, late.details)
    with Store.open_file(tmp_path / "in-order.db") as ordered:
        ordered_admin = operators.ensure_admin(ordered)
        gather.gather(ordered, ordered_admin, [first])
        gather.gather(ordered, ordered_admin, [newest])
        expected = township_overview.township_overview(ordered, 2026)
    got = township_overview.township_overview(store, 2026)
    assert [(r.member_id, r.final_total, r.stars) for r in got.rows] == [(r.member_id, r.final_total, r.stars) for r in expected.rows]


def _tampered_backup(village, tmp_path, name: str, *statements) -> Path:
    """A backup of a copy of the village file edited behind the program's back: the guarding
    triggers dropped, the edit made, the triggers put back exactly as they were."""
    tampered = tmp_path / f"{name}.db"
    shutil.copy(village.db, tampered)
    behind_the_programs_back(tampered, *statements)
    stick = tmp_path / f"{name}-stick"
    stick.mkdir()
    with Store.open_file(tampered) as tampered_store:
        return backup.backup_to(tampered_store, stick).path


def _township_rows(store) -> tuple:
    with closing(sqlite3.connect(store.path)) as raw:
        return raw.execute("SELECT count(*), sum(points) FROM points_entries").fetchone()


def test_a_rewritten_ledger_is_refused_naming_the_branch_and_the_row(villages, township, tmp_path):
    root, sticks, made = villages
    store, admin = township
    village = made[2]
    gather.gather(store, admin, [village.first])
    before = _township_rows(store)
    tampered = _tampered_backup(
        village, tmp_path, "rewritten",
        "UPDATE points_entries SET points = points + 500 WHERE id = (SELECT id FROM points_entries ORDER BY chain_seq LIMIT 1 OFFSET 3)",
    )
    result = gather.gather(store, admin, [tampered]).files[0]
    assert result.status == "failed" and result.branch_name == village.name
    assert result.message.startswith("这份备份没有汇总：") and "积分台账第 4 条" in result.message
    assert _township_rows(store) == before


def test_entries_deleted_behind_the_programs_back_are_refused(villages, township, tmp_path):
    root, sticks, made = villages
    store, admin = township
    village = made[2]
    gather.gather(store, admin, [village.first])
    before = _township_rows(store)
    tampered = _tampered_backup(
        village, tmp_path, "shortened",
        "DELETE FROM points_entries WHERE chain_seq > (SELECT max(chain_seq) - 2 FROM points_entries)"
        " AND id NOT IN (SELECT reverses_id FROM points_entries WHERE reverses_id IS NOT NULL)",
    )
    result = gather.gather(store, admin, [tampered]).files[0]
    assert result.status == "failed" and result.branch_name == village.name and result.message.startswith("这份备份没有汇总：")
    assert "被人删除了" in result.message
    assert _township_rows(store) == before


def test_a_newer_backup_with_rows_missing_is_refused_never_called_the_same(villages, township, tmp_path):
    """A clerk restored an old backup and sent a fresh backup of it: the file is sound on its own,
    but its ledger no longer reaches the head the township kept from the branch's last backup."""
    root, sticks, made = villages
    store, admin = township
    village = made[0]
    gather.gather(store, admin, [village.newer])
    before = _township_rows(store)
    older = tmp_path / "restored-old.db"
    unpack_file(village.first, None, older, lambda fraction, text: None)
    stick = tmp_path / "again"
    stick.mkdir()
    with Store.open_file(older) as restored:
        again = backup.backup_to(restored, stick).path
    result = gather.gather(store, admin, [again]).files[0]
    # the township cannot know it was a restore, but it must not say records were deleted as a fact,
    # nor name the branch again inside a line that already starts with it ("红星村党支部 红星村党支部这份…")
    newer = tmp_path / "newer.db"
    unpack_file(village.newer, None, newer, lambda fraction, text: None)
    shorter, gathered = (_chain_length(path) for path in (older, newer))
    assert (result.status, result.branch_name) == ("failed", village.name) and shorter < gathered
    assert result.message == (
        f"这份备份没有汇总：它的积分台账只有 {shorter} 条，比上次汇总的 {gathered} 条还少："
        "村里可能恢复过更早的备份，也可能删除过记录，请村里核对后用最新的数据重新备份。"
    )
    assert _township_rows(store) == before


def _chain_length(path: Path) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return connection.execute("SELECT max(chain_seq) FROM points_entries").fetchone()[0]


def test_failures_are_reported_and_the_rest_is_gathered(villages, township, tmp_path):
    root, sticks, made = villages
    store, admin = township
    empty_db = tmp_path / "empty.db"
    with Store.open_file(empty_db) as empty:
        keyed_admin(empty)
        empty_backup = backup.backup_to(empty, tmp_path).path
    truncated = tmp_path / "cut.jfbak"
    truncated.write_bytes(made[2].first.read_bytes()[:5000])
    report = gather.gather(store, admin, [made[1].first, empty_backup, truncated, made[2].first], "wrong passphrase")
    messages = {f.path.name: (f.status, f.message) for f in report.files}
    assert messages[made[1].first.name] == ("failed", "口令不对（备份文件本身是完整的），请核对后再输入一次。")
    assert messages[empty_backup.name][0] == "failed" and "没有支部的数据" in messages[empty_backup.name][1]
    assert messages["cut.jfbak"][0] == "failed" and "不完整" in messages["cut.jfbak"][1]
    assert messages[made[2].first.name][0] == "gathered"
    assert "失败 3 个" in report.summary
    with pytest.raises(ValidationError):
        gather.gather(store, admin, [tmp_path / "no-such-folder"])


def test_a_damaged_copy_of_a_gathered_backup_is_reported_damaged_not_as_a_repeat(villages, township, tmp_path):
    """Its header still names the same creation time: that alone must not make it "already gathered"."""
    root, sticks, made = villages
    store, admin = township
    original = made[2].first
    assert gather.gather(store, admin, [original]).files[0].status == "gathered"
    data = bytearray(original.read_bytes())
    middle = len(data) // 2
    for offset in range(middle, middle + 8):
        data[offset] ^= 0xFF
    flipped, cut = tmp_path / "flipped.jfbak", tmp_path / "flipped-and-cut.jfbak"
    flipped.write_bytes(bytes(data))
    cut.write_bytes(bytes(data[: len(data) * 2 // 3]))
    before = content_digest(store.path)
    report = gather.gather(store, admin, [flipped, cut, original])
    outcome = {f.path.name: (f.status, f.message) for f in report.files}
    assert outcome["flipped.jfbak"] == ("failed", "备份文件已损坏（内容与校验值对不上），无法使用，请换用其他备份。")
    assert outcome["flipped-and-cut.jfbak"][0] == "failed" and "不完整" in outcome["flipped-and-cut.jfbak"][1]
    assert outcome[original.name] == ("unchanged", "这个备份已经汇总过了，没有变化。")
    assert content_digest(store.path) == before


def test_a_village_database_is_not_a_township(villages, tmp_path):
    root, sticks, made = villages
    copy = tmp_path / "village.db"
    shutil.copy(made[2].db, copy)
    with Store.open_file(copy) as store:
        with pytest.raises(ValidationError) as caught:
            gather.gather(store, operators.ensure_admin(store), [made[0].first])
    assert "村支部自己的数据库" in caught.value.message


def test_a_member_who_moved_between_villages_is_gathered_sealed_by_each_village(villages, township, tmp_path):
    """Each village seals ID numbers with its own key, so the township can neither read them nor
    tell that two villages hold the same person: both records arrive, sealed, and nothing plain."""
    root, sticks, made = villages
    store, admin = township
    gather.gather(store, admin, [made[2].first])
    with Store.open_file(made[2].db) as village:
        moved = next(m for m in members.list_members(village, actor=keyed_admin(village)) if m.id_number)
    other = tmp_path / "other.db"
    with Store.open_file(other) as village:
        village_admin = keyed_admin(village)
        organisation.setup_branch(village, village_admin, "城南镇党委", "新村党支部", [])
        add(village, village_admin, moved.name, id_number=moved.id_number, member_class=moved.member_class)
        other_backup = backup.backup_to(village, tmp_path).path
    result = gather.gather(store, admin, [other_backup]).files[0]
    assert result.status == "gathered"
    assert any("城南镇党委" in n for n in result.notices)
    with closing(sqlite3.connect(store.path)) as raw:
        lookups = [row[0] for row in raw.execute(
            "SELECT p.id_number_lookup FROM member_personal p JOIN members m ON m.id = p.member_id "
            "WHERE m.name = ? AND p.id_number_sealed IS NOT NULL", (moved.name,))]
        assert len(lookups) == 2 and len(set(lookups)) == 2
        assert raw.execute("SELECT count(*) FROM data_key_wraps").fetchone()[0] == 0
    assert moved.id_number.encode() not in store.path.read_bytes()
