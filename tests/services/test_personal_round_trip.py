"""An encrypted backup restored on another laptop: the data key travels wrapped inside it, so the
administrator's password, or the recovery code, opens the members' personal data there; the
backup's readable header names the branch and nothing more."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.domain.errors import DataKeyWrongSecret
from app.services import organisation
from app.services.accounts import keyring
from app.services.backup import archive, restore
from app.services.context import read_session, unit_of_work
from app.services.roster import members
from conftest import TEST_PASSWORD, add
from db.backup_format.framing import read_header
from db.store import Store

ZHANG_ID = "11010519491231002X"
PASSPHRASE = "红星村 备份 口令 2026 冬"
FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 64, "lanes": 1}


@pytest.fixture
def made(store, admin, tmp_path):
    """A village with a member's personal data, a recovery code, and an encrypted backup on a stick."""
    organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", ["第一党小组"])
    add(store, admin, "张三", id_number=ZHANG_ID, phone="13800138000", join_date=date(1975, 7, 1))
    code = keyring.new_recovery_code()
    with unit_of_work(store, admin) as uow:
        keyring.set_recovery(uow, admin.data_key, code)
    stick = tmp_path / "stick"
    stick.mkdir()
    return archive.backup_to(store, stick, PASSPHRASE, kdf=FAST_KDF), code, admin


def _restored(made, tmp_path, name):
    backup, _code, _admin = made
    target = tmp_path / name / "branch.db"
    target.parent.mkdir()
    restore.restore(backup.path, target, PASSPHRASE)
    return target


def _zhang(store, actor):
    return next(row for row in members.list_members(store, actor=actor) if row.name == "张三")


def test_the_administrators_password_opens_the_personal_data_on_another_laptop(made, tmp_path):
    _backup, _code, admin = made
    with Store.open_file(_restored(made, tmp_path, "new-laptop")) as there:
        with read_session(there) as session:
            data_key = keyring.unlock(session, admin.id, TEST_PASSWORD)
            with pytest.raises(DataKeyWrongSecret):
                keyring.unlock(session, admin.id, "not the password 1")
        zhang = _zhang(there, admin.__class__(admin.id, admin.username, admin.display_name, admin.roles, data_key))
        assert (zhang.id_number, zhang.phone, zhang.birth_date) == (ZHANG_ID, "13800138000", date(1949, 12, 31))
        assert _zhang(there, None).id_number == ""  # the restored file alone tells nothing


def test_the_recovery_code_opens_it_there_too(made, tmp_path):
    _backup, code, admin = made
    with Store.open_file(_restored(made, tmp_path, "repaired-laptop")) as there:
        with read_session(there) as session:
            data_key = keyring.unlock_with_recovery(session, code)
        assert data_key == admin.data_key
        opened = admin.__class__(admin.id, admin.username, admin.display_name, admin.roles, data_key)
        assert _zhang(there, opened).phone == "13800138000"


def test_the_readable_header_of_an_encrypted_backup_says_only_what_chooses_the_file(made):
    backup, _code, _admin = made
    with open(backup.path, "rb") as raw:
        shown = read_header(raw).manifest.data
    assert shown["branch"]["name"] == "红星村党支部" and "township" not in shown["branch"]
    for private in ("counts", "audit_records", "last_change_at", "chain_heads"):
        assert private not in shown, private
    text = json.dumps(shown, ensure_ascii=False)
    assert "城关镇" not in text and "members" not in text
    assert backup.manifest.counts["members"] == 1  # the writer's own copy is whole
    verified = archive.verify_backup(backup.path, PASSPHRASE)
    assert verified.manifest.counts["members"] == 1 and verified.manifest.branch["township"] == "城关镇党委"
