"""The branch's data key wrapped per account and for the recovery code (app/services/accounts/keyring.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.errors import DataKeyMissing, DataKeyWrongSecret, RecoveryCodeWrong, StoreError
from app.services.accounts import keyring, operators
from app.domain.enums import Role
from app.services.context import read_session, unit_of_work
from db.models import DataKeyWrap


@pytest.fixture
def bare_admin(store):
    return operators.ensure_admin(store)


def _set_up(store, actor, password="红星村 2026 春"):
    with unit_of_work(store, actor) as uow:
        return keyring.set_up(uow, actor.id, password)


def test_set_up_makes_one_key_that_the_password_opens_and_nothing_else(store, bare_admin):
    with read_session(store) as session:
        assert not keyring.exists(session)
    data_key = _set_up(store, bare_admin)
    assert len(data_key) == 32
    with read_session(store) as session:
        assert keyring.exists(session)
        assert keyring.unlock(session, bare_admin.id, "红星村 2026 春") == data_key
        with pytest.raises(DataKeyWrongSecret) as wrong:
            keyring.unlock(session, bare_admin.id, "红星村 2026 秋")
        assert "密码不对" in wrong.value.message
        wrap = session.scalar(select(DataKeyWrap))
        assert data_key not in bytes(wrap.wrapped) and wrap.kdf["name"] == "argon2id"
    with pytest.raises(StoreError):
        _set_up(store, bare_admin)


def test_grant_gives_another_account_its_own_copy_and_a_new_password_replaces_the_old(store, bare_admin):
    data_key = _set_up(store, bare_admin)
    clerk = operators.add_operator(store, bare_admin, "clerk1", "李会计", Role.CLERK)
    with unit_of_work(store, bare_admin) as uow:
        keyring.grant(uow, data_key, clerk.id, "first pass 11")
    with unit_of_work(store, bare_admin) as uow:
        keyring.grant(uow, data_key, clerk.id, "second pass 22")
    with read_session(store) as session:
        assert keyring.unlock(session, clerk.id, "second pass 22") == data_key
        with pytest.raises(DataKeyWrongSecret):
            keyring.unlock(session, clerk.id, "first pass 11")
        assert session.query(DataKeyWrap).count() == 2


def test_another_key_cannot_be_granted_and_an_account_without_a_copy_is_told(store, bare_admin):
    _set_up(store, bare_admin)
    clerk = operators.add_operator(store, bare_admin, "clerk1", "李会计", Role.CLERK)
    with pytest.raises(StoreError), unit_of_work(store, bare_admin) as uow:
        keyring.grant(uow, b"\x01" * 32, clerk.id, "whatever 123")
    with read_session(store) as session, pytest.raises(DataKeyMissing):
        keyring.unlock(session, clerk.id, "whatever 123")


def test_recovery_code_opens_the_key_typed_loosely_and_a_wrong_one_is_named(store, bare_admin):
    data_key = _set_up(store, bare_admin)
    code = keyring.new_recovery_code()
    assert len(code) == 29 and code.count("-") == 5
    with read_session(store) as session, pytest.raises(DataKeyMissing):
        keyring.unlock_with_recovery(session, code)
    with unit_of_work(store, bare_admin) as uow:
        keyring.set_recovery(uow, data_key, code)
    with read_session(store) as session:
        assert keyring.unlock_with_recovery(session, code.lower().replace("-", " ")) == data_key
        with pytest.raises(RecoveryCodeWrong):
            keyring.unlock_with_recovery(session, keyring.new_recovery_code())


def test_a_copy_moved_to_another_account_does_not_open(store, bare_admin):
    data_key = _set_up(store, bare_admin, "same pass 999")
    clerk = operators.add_operator(store, bare_admin, "clerk1", "李会计", Role.CLERK)
    with unit_of_work(store, bare_admin) as uow:
        keyring.grant(uow, data_key, clerk.id, "other pass 888")
        admin_wrap = uow.session.scalar(select(DataKeyWrap).where(DataKeyWrap.operator_id == bare_admin.id))
        clerk_wrap = uow.session.scalar(select(DataKeyWrap).where(DataKeyWrap.operator_id == clerk.id))
        clerk_wrap.kdf, clerk_wrap.nonce, clerk_wrap.wrapped = dict(admin_wrap.kdf), admin_wrap.nonce, admin_wrap.wrapped
    with read_session(store) as session, pytest.raises(DataKeyWrongSecret):
        keyring.unlock(session, clerk.id, "same pass 999")


def test_parameters_beyond_the_caps_are_refused_before_any_work(store, bare_admin):
    _set_up(store, bare_admin)
    with unit_of_work(store, bare_admin) as uow:
        wrap = uow.session.scalar(select(DataKeyWrap))
        wrap.kdf = dict(wrap.kdf, memory_kib=1 << 30)
    with read_session(store) as session, pytest.raises(StoreError) as refused:
        keyring.unlock(session, bare_admin.id, "红星村 2026 春")
    assert "损坏" in refused.value.message


def test_the_real_parameters_are_stored_with_the_copy(store, bare_admin, monkeypatch):
    monkeypatch.setattr(keyring, "KDF_PARAMETERS", {"name": "argon2id", "iterations": 2, "memory_kib": 1024, "lanes": 2})
    _set_up(store, bare_admin)
    monkeypatch.setattr(keyring, "KDF_PARAMETERS", {"name": "argon2id", "iterations": 1, "memory_kib": 64, "lanes": 1})
    with read_session(store) as session:
        wrap = session.scalar(select(DataKeyWrap))
        assert (wrap.kdf["iterations"], wrap.kdf["memory_kib"], wrap.kdf["lanes"]) == (2, 1024, 2)
        assert len(keyring.unlock(session, bare_admin.id, "红星村 2026 春")) == 32
