"""Members' and resident cadres' personal data at rest: nothing readable in the file, its WAL, a safety copy or a plain
backup; an older file's plain values sealed once the first key exists; search by a full ID
number; masked audit rows."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from app.domain.enums import MemberClass
from app.domain.errors import PersonalDataLocked
from app.domain.periods import Month
from app.services import demo
from app.services.backup import archive, restore
from app.services.context import unit_of_work
from app.services.practice import cadres
from app.services.roster import members, personal, queries, sealing
from app.services.roster.members import MemberInput
from conftest import TODAY, add, keyed_admin
from db.backup_format.stream import open_backup
from db.models import AuditRecord, Member
from db.store import Store

FIXTURE_0004 = Path(__file__).resolve().parents[1] / "fixtures" / "schema-0004.db"
ZHANG_ID = "11010519491231002X"


def _secrets(rows, cadre_phones=()) -> list[bytes]:
    """Every ID number and phone, as the bytes a grep would look for (ASCII; UTF-16 too)."""
    texts = [text for row in rows for text in (row.id_number, row.phone) if text] + list(cadre_phones)
    return [form for text in texts for form in (text.encode(), text.encode("utf-16-le"))]


def _cadre_phones(store, admin) -> list[str]:
    """The demo's resident cadres' phones in full (each reveal is audited, masked)."""
    phones = [cadres.reveal_phone(store, admin, row.id) for row in cadres.list_cadres(store, admin)]
    assert len(phones) == 2 and all(len(phone) == 11 for phone in phones)
    return phones


def _found_in(data: bytes, secrets: list[bytes]) -> list[bytes]:
    return [secret for secret in secrets if secret in data]


def _companions(path: Path) -> list[Path]:
    return [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]


def test_the_demo_branch_leaves_no_id_number_or_phone_in_the_file_its_wal_or_a_plain_backup(tmp_path):
    """Members' ID numbers and phones and the resident cadres' phones."""
    with Store.open_file(tmp_path / "branch.db") as store:
        admin = keyed_admin(store)
        demo.create_demo_branch(store, admin, today=TODAY)
        rows = members.list_members(store, members.MemberFilter(statuses=()), admin)
        assert len(rows) == 36 and all(row.id_number and row.phone for row in rows)
        secrets = _secrets(rows, _cadre_phones(store, admin))
        for path in _companions(store.path):  # while open: the WAL holds the latest pages
            assert _found_in(path.read_bytes(), secrets) == [], path.name
        (tmp_path / "stick").mkdir()
        made = archive.backup_to(store, tmp_path / "stick")  # plain: no passphrase
        _manifest, database = open_backup(made.path.read_bytes())
        assert database.startswith(b"SQLite format 3") and _found_in(database, secrets) == []
        assert _found_in(made.path.read_bytes(), secrets) == []
        with store.session() as session:
            for record in session.query(AuditRecord):
                assert _found_in(f"{record.summary}{record.details}".encode(), secrets) == []
    for path in _companions(tmp_path / "branch.db"):
        assert _found_in(path.read_bytes(), secrets) == [], path.name


def test_a_full_id_number_still_finds_its_member_and_stays_unique(store, admin, branch):
    zhang = add(store, admin, "张三", id_number=ZHANG_ID, phone="13800138000", join_date=date(1975, 7, 1))
    add(store, admin, "李四")
    page = queries.roster_page(store, queries.RosterQuery(text="110105 19491231 002x"), Month(2026, 11), actor=admin)
    assert [row.id for row in page.rows] == [zhang]
    assert queries.roster_page(store, queries.RosterQuery(text=ZHANG_ID), Month(2026, 11)).rows == ()  # no key, no look-up
    assert [m.id for m in queries.find_members(store, ZHANG_ID, actor=admin)] == [zhang]
    with pytest.raises(Exception, match="已登记给“张三”"):
        add(store, admin, "张叁", id_number=ZHANG_ID)


def test_without_the_key_personal_data_is_neither_written_nor_shown(store, admin, branch):
    zhang = add(store, admin, "张三", id_number=ZHANG_ID, phone="13800138000", join_date=date(1975, 7, 1))
    locked = admin.__class__(admin.id, admin.username, admin.display_name, admin.roles)
    with pytest.raises(PersonalDataLocked):
        members.add_member(store, locked, MemberInput(name="王五", member_class=MemberClass.NO_POST, phone="13900139000"), today=TODAY)
    row = members.get_member(store, zhang)
    assert (row.id_number, row.phone, row.birth_date, row.personal_open) == ("", "", None, False)
    with pytest.raises(PersonalDataLocked):
        queries.member_input_for(store, zhang, locked)
    assert members.get_member(store, zhang, admin).birth_date == date(1949, 12, 31)


def test_an_edit_is_audited_with_masked_values_and_a_reveal_is_audited(store, admin, branch):
    zhang = add(store, admin, "张三", id_number=ZHANG_ID, phone="13800138000", join_date=date(1975, 7, 1))
    data = queries.member_input_for(store, zhang, admin)
    data.phone = "13900139000"
    members.update_member(store, admin, zhang, data, today=TODAY)
    assert personal.reveal(store, admin, zhang).id_number == ZHANG_ID
    with store.session() as session:
        update = session.query(AuditRecord).filter_by(action="update").one()
        assert update.details["changed"] == {"phone": ["138****8000", "139****9000"]}
        assert session.query(AuditRecord).filter_by(action="reveal").count() == 1
        sealed = session.get(Member, zhang).personal
        assert b"13900139000" not in sealed.phone_sealed and len(sealed.id_number_lookup) == 64


def _plain_values(path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as raw:
        return raw.execute("SELECT id_number, phone FROM members").fetchall()


def test_an_older_file_is_sealed_once_the_first_key_exists_and_no_plain_copy_is_left(tmp_path):
    path = tmp_path / "village.db"
    shutil.copyfile(FIXTURE_0004, path)
    before = _plain_values(path)
    secrets = [text.encode() for pair in before for text in pair if text]
    assert len(before) == 36 and secrets
    with Store.open_file(path) as store:
        assert any(p.name.startswith("village.before-upgrade-0004") for p in tmp_path.iterdir())
        admin = keyed_admin(store)
        with store.session() as session:
            assert sealing.waiting(session) == 36
        assert sealing.seal_and_forget(store, admin) == 36
        with store.session() as session:
            assert sealing.waiting(session) == 0
        opened = {(row.id_number, row.phone) for row in members.list_members(store, members.MemberFilter(statuses=()), admin)}
        assert opened == set(before)
        assert sealing.seal_and_forget(store, admin) == 0
        assert sealing.plain_personal_in_audit(store, [number for number, _phone in before]) == 0
    left = [p for p in tmp_path.iterdir() if p.is_file()]
    assert not any("before-upgrade-0004" in p.name for p in left)
    for leftover in left:
        assert _found_in(leftover.read_bytes(), secrets) == [], leftover.name


def test_sealing_runs_in_the_callers_transaction_and_says_how_many(tmp_path):
    path = tmp_path / "village.db"
    shutil.copyfile(FIXTURE_0004, path)
    with Store.open_file(path) as store:
        admin = keyed_admin(store)
        with pytest.raises(RuntimeError), unit_of_work(store, admin) as uow:
            assert sealing.seal_existing(uow, admin.data_key) == 36
            raise RuntimeError("the caller's later step failed")
        with store.session() as session:
            assert sealing.waiting(session) == 36


def test_the_safety_copy_a_restore_keeps_holds_no_id_number_or_phone(tmp_path):
    with Store.open_file(tmp_path / "branch.db") as store:
        admin = keyed_admin(store)
        demo.create_demo_branch(store, admin, today=TODAY)
        secrets = _secrets(members.list_members(store, members.MemberFilter(statuses=()), admin), _cadre_phones(store, admin))
        (tmp_path / "stick").mkdir()
        made = archive.backup_to(store, tmp_path / "stick")
        add(store, admin, "后来登记的党员")  # the live file is newer than the backup
    result = restore.restore(made.path, tmp_path / "branch.db", allow_replacing_newer=True, actor=admin)
    assert result.safety_copy is not None and result.safety_copy.exists()
    for path in [result.safety_copy, *_companions(tmp_path / "branch.db")]:
        assert _found_in(path.read_bytes(), secrets) == [], path.name


def test_the_first_administrator_of_an_older_file_seals_its_personal_data(tmp_path):
    from app.services.accounts import setup

    path = tmp_path / "village.db"
    shutil.copyfile(FIXTURE_0004, path)
    before = _plain_values(path)
    secrets = [text.encode() for pair in before for text in pair if text]
    with Store.open_file(path) as store:
        first = setup.create_first_admin(store, "wangshuji", "王书记", "王书记 冬天 三只猫 2026")
        opened = {(row.id_number, row.phone) for row in members.list_members(store, members.MemberFilter(statuses=()), first.actor)}
        assert opened == set(before)
        with store.session() as session:
            assert sealing.waiting(session) == 0
    for leftover in (p for p in tmp_path.iterdir() if p.is_file()):
        assert _found_in(leftover.read_bytes(), secrets) == [], leftover.name


def test_a_full_export_needs_the_right_and_is_audited_a_masked_one_is_not(store, admin, branch, tmp_path):
    import dataclasses

    from openpyxl import load_workbook

    from app.domain.enums import Role
    from app.domain.errors import PermissionDenied
    from app.services.roster import excel_export

    add(store, admin, "张三", id_number=ZHANG_ID, phone="13800138000", join_date=date(1975, 7, 1))
    viewer = dataclasses.replace(admin, roles=frozenset({Role.VIEWER}))
    with pytest.raises(PermissionDenied):
        excel_export.export_members(store, tmp_path / "full.xlsx", full_personal_data=True, actor=viewer)
    excel_export.export_members(store, tmp_path / "masked.xlsx", actor=viewer)
    row = [cell.value for cell in load_workbook(tmp_path / "masked.xlsx").active[5]]
    assert "110105********002X" in row and "138****8000" in row and ZHANG_ID not in row
    with store.session() as session:
        assert session.query(AuditRecord).filter_by(action="export_personal").count() == 0
    excel_export.export_members(store, tmp_path / "full.xlsx", full_personal_data=True, actor=admin)
    assert ZHANG_ID in [cell.value for cell in load_workbook(tmp_path / "full.xlsx").active[5]]
    with store.session() as session:
        (audited,) = session.query(AuditRecord).filter_by(action="export_personal").all()
        assert audited.operator_id == admin.id and "full.xlsx" in str(audited.details)
