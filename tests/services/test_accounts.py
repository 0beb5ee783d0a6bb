"""Accounts, log-in, slow-down, recovery and the security settings, below the window."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.domain.enums import Role
from app.domain.errors import ConflictError, LoginRefused, PermissionDenied, RecoveryCodeWrong, ValidationError
from app.services.accounts import keyring, login, operators, security_settings, setup
from app.services.context import read_session
from db.models import AuditRecord, Operator

ADMIN_PASSWORD = "qiaomen huangniu 37"
CLERK_PASSWORD = "tiexin lanterns 92"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def first(store):
    return setup.create_first_admin(store, "wangshuji", "王书记", ADMIN_PASSWORD, ADMIN_PASSWORD)


@pytest.fixture
def clerk(store, first):
    return operators.add_operator(store, first.actor, "xiaoli", "小李", [Role.CLERK], CLERK_PASSWORD, CLERK_PASSWORD)


def audit_actions(store) -> list[str]:
    with read_session(store) as session:
        return list(session.scalars(select(AuditRecord.action).order_by(AuditRecord.created_at, AuditRecord.chain_seq)))


def test_first_set_up_claims_the_passwordless_built_in_administrator(store):
    built_in = operators.ensure_admin(store)
    assert setup.needs_first_account(store)
    made = setup.create_first_admin(store, "wangshuji", "王书记", ADMIN_PASSWORD)
    assert made.actor.id == built_in.id and made.actor.username == "wangshuji"
    assert len(made.actor.data_key) == 32 and len(keyring.normalise_recovery_code(made.recovery_code)) == 24
    assert not setup.needs_first_account(store)
    with pytest.raises(ConflictError):
        setup.create_first_admin(store, "other", "别人", ADMIN_PASSWORD)
    with read_session(store) as session:
        stored = session.get(Operator, built_in.id)
        assert stored.password_hash.startswith("$argon2id$") and ADMIN_PASSWORD not in stored.password_hash
    assert audit_actions(store) == ["setup"]


def test_a_weak_first_password_is_refused_with_its_reason(store):
    with pytest.raises(ValidationError, match="至少要 8 个字符"):
        setup.create_first_admin(store, "admin", "管理员", "abc")
    with pytest.raises(ValidationError, match="两次输入的密码不一样"):
        setup.create_first_admin(store, "admin", "管理员", ADMIN_PASSWORD, ADMIN_PASSWORD + "x")
    assert setup.needs_first_account(store)


def test_log_in_gives_the_actor_with_the_branch_data_key(store, first, clerk):
    logged = login.log_in(store, "xiaoli", CLERK_PASSWORD)
    assert logged.actor.id == clerk.id and logged.actor.roles == frozenset({Role.CLERK})
    assert logged.actor.data_key == first.actor.data_key
    assert "data_key" not in repr(logged.actor) and CLERK_PASSWORD not in repr(logged)
    assert audit_actions(store)[-1] == "login"


def test_wrong_passwords_slow_down_and_are_audited(store, first, clerk):
    for failures in (1, 2):
        with pytest.raises(LoginRefused, match=f"连续输错 {failures} 次") as refused:
            login.log_in(store, "xiaoli", "not the password", now=NOW)
        assert refused.value.wait_seconds == 0
    with pytest.raises(LoginRefused, match="15 秒后再试"):
        login.log_in(store, "xiaoli", "not the password", now=NOW)
    # While waiting, even the right password is not checked.
    with pytest.raises(LoginRefused, match="请 15 秒后再试"):
        login.log_in(store, "xiaoli", CLERK_PASSWORD, now=NOW)
    with pytest.raises(LoginRefused, match="30 秒后再试"):
        login.log_in(store, "xiaoli", "still wrong", now=NOW + timedelta(seconds=16))
    assert login.log_in(store, "xiaoli", CLERK_PASSWORD, now=NOW + timedelta(seconds=47)).actor.id == clerk.id
    assert audit_actions(store)[-5:] == ["login_failed"] * 4 + ["login"]
    with read_session(store) as session:
        assert session.get(Operator, clerk.id).failed_logins == 0


def test_wrong_passwords_on_a_file_opened_read_only_are_counted_too(store, first, clerk):
    """Reading verbs open the file read-only; their wrong passwords were neither counted nor
    audited, so a script could guess without end. A right one still leaves the file as it was."""
    from db.store import Store

    with Store(store.url, read_only=True) as reading:
        assert login.log_in(reading, "xiaoli", CLERK_PASSWORD, now=NOW, record=False).actor.id == clerk.id
        before = audit_actions(store)
        for failures in (1, 2):
            with pytest.raises(LoginRefused, match=f"连续输错 {failures} 次"):
                login.log_in(reading, "xiaoli", "not the password", now=NOW, record=False)
        with pytest.raises(LoginRefused, match="15 秒后再试"):
            login.log_in(reading, "xiaoli", "not the password", now=NOW, record=False)
        with pytest.raises(LoginRefused, match="请 15 秒后再试"):
            login.log_in(reading, "xiaoli", CLERK_PASSWORD, now=NOW, record=False)
    assert audit_actions(store)[len(before):] == ["login_failed"] * 3


def test_the_wait_doubles_up_to_a_quarter_of_an_hour():
    assert [login.wait_after(n).total_seconds() for n in range(1, 8)] == [0, 0, 15, 30, 60, 120, 240]
    assert login.wait_after(40) == timedelta(minutes=15)


def test_unknown_switched_off_and_passwordless_accounts_cannot_log_in(store, first, clerk):
    with pytest.raises(LoginRefused, match="没有名为“nobody”的账号"):
        login.log_in(store, "nobody", CLERK_PASSWORD)
    operators.add_operator(store, first.actor, "nopass", "没密码", Role.CLERK)
    with pytest.raises(LoginRefused, match="还没有设置密码"):
        login.log_in(store, "nopass", "")
    operators.set_active(store, first.actor, clerk.id, False)
    with pytest.raises(LoginRefused, match="停用"):
        login.log_in(store, "xiaoli", CLERK_PASSWORD)


def test_only_an_administrator_manages_accounts(store, first, clerk):
    with pytest.raises(PermissionDenied, match="没有管理账号的权限"):
        operators.add_operator(store, clerk, "x2", "某人", Role.CLERK, CLERK_PASSWORD)
    with pytest.raises(PermissionDenied):
        operators.set_roles(store, clerk, clerk.id, [Role.ADMIN])
    with pytest.raises(PermissionDenied):
        operators.reset_password(store, clerk, first.actor.id, CLERK_PASSWORD)
    with pytest.raises(PermissionDenied):
        security_settings.set_security_settings(store, clerk, 5, False)


def test_roles_change_and_the_last_administrator_stays(store, first, clerk):
    operators.set_roles(store, first.actor, clerk.id, [Role.CLERK, Role.REVIEWER])
    assert login.log_in(store, "xiaoli", CLERK_PASSWORD).actor.roles == {Role.CLERK, Role.REVIEWER}
    with pytest.raises(ConflictError, match="唯一的管理员"):
        operators.set_roles(store, first.actor, first.actor.id, [Role.REVIEWER])
    with pytest.raises(ConflictError, match="不能停用自己"):
        operators.set_active(store, first.actor, first.actor.id, False)
    with read_session(store) as session:
        record = session.scalars(select(AuditRecord).where(AuditRecord.action == "roles")).one()
        assert record.operator_id == first.actor.id and record.details == {"before": ["clerk"], "after": ["clerk", "reviewer"]}


def test_an_administrator_resets_a_forgotten_password(store, first, clerk):
    operators.reset_password(store, first.actor, clerk.id, "temporary paper 4410")
    with pytest.raises(LoginRefused):
        login.log_in(store, "xiaoli", CLERK_PASSWORD)
    logged = login.log_in(store, "xiaoli", "temporary paper 4410")
    assert logged.must_change_password and logged.actor.data_key == first.actor.data_key
    operators.change_own_password(store, logged.actor, "temporary paper 4410", "my own words 7788", "my own words 7788")
    again = login.log_in(store, "xiaoli", "my own words 7788")
    assert not again.must_change_password and again.actor.data_key == first.actor.data_key


def test_a_new_password_needs_the_old_one_and_strength(store, first, clerk):
    with pytest.raises(ValidationError, match="原密码不对"):
        operators.change_own_password(store, clerk, "guess guess guess", "my own words 7788")
    with pytest.raises(ValidationError, match="登录名、姓名"):
        operators.change_own_password(store, clerk, CLERK_PASSWORD, "xiaoli19900101")


def test_the_recovery_code_opens_the_administrator_account(store, first):
    with pytest.raises(LoginRefused, match="恢复码不对"):
        login.recover_with_code(store, "wangshuji", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", "fresh start river 51")
    code = first.recovery_code.lower().replace("-", " ")
    logged = login.recover_with_code(store, "wangshuji", code, "fresh start river 51", "fresh start river 51")
    assert logged.actor.data_key == first.actor.data_key
    assert login.log_in(store, "wangshuji", "fresh start river 51").actor.id == first.actor.id
    assert "recover_failed" in audit_actions(store) and "recover" in audit_actions(store)


def test_a_used_recovery_code_is_void_and_a_new_one_replaces_it(store, first):
    logged = login.recover_with_code(store, "wangshuji", first.recovery_code, "fresh start river 51")
    assert logged.new_recovery_code and logged.new_recovery_code != first.recovery_code
    with pytest.raises(LoginRefused, match="恢复码不对"):
        login.recover_with_code(store, "wangshuji", first.recovery_code, "another start river 62")
    with read_session(store) as session:
        assert keyring.unlock_with_recovery(session, logged.new_recovery_code) == first.actor.data_key
    assert login.log_in(store, "wangshuji", "fresh start river 51").actor.data_key == first.actor.data_key


def test_the_recovery_code_is_for_administrators_only(store, first, clerk):
    with pytest.raises(LoginRefused, match="只能用来找回管理员账号"):
        login.recover_with_code(store, "xiaoli", first.recovery_code, "fresh start river 51")


def test_a_new_recovery_code_replaces_the_old(store, first):
    fresh = setup.new_recovery_code(store, first.actor)
    assert fresh != first.recovery_code
    with read_session(store) as session:
        with pytest.raises(RecoveryCodeWrong):
            keyring.unlock_with_recovery(session, first.recovery_code)
        assert keyring.unlock_with_recovery(session, fresh) == first.actor.data_key


def test_unlocking_the_window_counts_failures_like_a_log_in(store, first):
    login.confirm_password(store, first.actor, ADMIN_PASSWORD)
    with pytest.raises(LoginRefused):
        login.confirm_password(store, first.actor, "wrong words here")
    assert audit_actions(store)[-1] == "unlock_failed"


def test_four_eyes_is_on_once_there_are_two_accounts_and_can_be_chosen(store, first):
    assert security_settings.security_settings(store).four_eyes is False
    operators.add_operator(store, first.actor, "xiaoli", "小李", Role.CLERK, CLERK_PASSWORD)
    now = security_settings.security_settings(store)
    assert now.four_eyes is True and now.four_eyes_choice is None and now.idle_lock_minutes == 10
    security_settings.set_security_settings(store, first.actor, 5, False)
    assert security_settings.security_settings(store) == security_settings.SecuritySettings(5, False, False)
    with pytest.raises(ValidationError, match="1 到 120 分钟"):
        security_settings.set_security_settings(store, first.actor, 0, None)
    security_settings.set_security_settings(store, first.actor, 10, None)
    assert security_settings.security_settings(store).four_eyes is True
    assert audit_actions(store).count("settings") == 2
