"""The branch's data key and its wrapped copies: one per account, one for the recovery code.

The data key (32 random bytes) seals the members' personal data (db/sealed.py). It is never
stored as such: each copy in `data_key_wraps` is AES-256-GCM under a key-encryption key that
Argon2id derives from an account's password (or the recovery code) with that copy's own salt;
the parameters are stored with the copy, and those read back are capped before any work, so a
tampered file cannot make log-in take minutes or gigabytes. The associated data names the kind
and the account, so a copy cannot be moved to another account. Because the copies live in the
database, a backup carries them: restored on another laptop, the administrator's password or
the recovery code opens the branch there.

Callers (the accounts service, at set-up, log-in, password change and reset) run these inside
their own unit of work or read session; nothing here commits or audits.
"""

from __future__ import annotations

import os
import unicodedata
import uuid

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import DataKeyMissing, DataKeyWrongSecret, RecoveryCodeWrong, StoreError
from db.models import DataKeyWrap
from db.sealed import DATA_KEY_SIZE, key_id

PASSWORD = "password"
RECOVERY = "recovery"
# About 0.27 s on the 2-core test machine: paid once per log-in or unlock.
KDF_PARAMETERS = {"name": "argon2id", "iterations": 3, "memory_kib": 65536, "lanes": 4}
_CAPS = {"iterations": 10, "memory_kib": 1 << 20, "lanes": 16}
_NONCE_SIZE = 12


def exists(session: Session) -> bool:
    """Whether this branch has a data key yet (any wrapped copy of it)."""
    return session.scalar(select(DataKeyWrap.id).limit(1)) is not None


def set_up(uow, operator_id: uuid.UUID, password: str) -> bytes:
    """Make the branch's data key and wrap it for this account; refused if one exists already."""
    if exists(uow.session):
        raise StoreError("本支部的数据钥匙已经设置过了，不能再新建（否则已保存的身份证号等将无法打开）。")
    data_key = os.urandom(DATA_KEY_SIZE)
    _store_wrap(uow.session, data_key, PASSWORD, operator_id, password)
    return data_key


def grant(uow, data_key: bytes, operator_id: uuid.UUID, password: str) -> None:
    """Wrap the data key for another account, or again after a password change or reset."""
    _check_same_key(uow.session, data_key)
    _store_wrap(uow.session, data_key, PASSWORD, operator_id, password)


def revoke(uow, operator_id: uuid.UUID) -> None:
    """Remove an account's copy (the account is switched off); the others keep theirs."""
    wrap = _find(uow.session, PASSWORD, operator_id)
    if wrap is not None:
        uow.session.delete(wrap)


def unlock(session: Session, operator_id: uuid.UUID, password: str) -> bytes:
    """The data key, opened with this account's password (DataKeyWrongSecret if wrong)."""
    wrap = _find(session, PASSWORD, operator_id)
    if wrap is None:
        raise DataKeyMissing(details=f"no wrap for operator {operator_id}")
    return _open(wrap, password, DataKeyWrongSecret)


def set_recovery(uow, data_key: bytes, recovery_code: str) -> None:
    """Wrap the data key for the recovery code (replacing an earlier code)."""
    _check_same_key(uow.session, data_key)
    _store_wrap(uow.session, data_key, RECOVERY, None, normalise_recovery_code(recovery_code))


def unlock_with_recovery(session: Session, recovery_code: str) -> bytes:
    wrap = _find(session, RECOVERY, None)
    if wrap is None:
        raise DataKeyMissing("本支部没有设置恢复码，无法用恢复码打开。", details="no recovery wrap")
    return _open(wrap, normalise_recovery_code(recovery_code), RecoveryCodeWrong)


def new_recovery_code() -> str:
    """A code to print on the recovery sheet: 24 characters of an alphabet without look-alikes
    (about 120 bits), in groups of four."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    chars = [alphabet[byte % 32] for byte in os.urandom(24)]
    return "-".join("".join(chars[i:i + 4]) for i in range(0, 24, 4))


def normalise_recovery_code(code: str) -> str:
    """As typed from the sheet: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _find(session: Session, kind: str, operator_id: uuid.UUID | None) -> DataKeyWrap | None:
    condition = DataKeyWrap.operator_id.is_(None) if operator_id is None else DataKeyWrap.operator_id == operator_id
    return session.scalar(select(DataKeyWrap).where(DataKeyWrap.kind == kind, condition))


def _check_same_key(session: Session, data_key: bytes) -> None:
    if not data_key or len(data_key) != DATA_KEY_SIZE:
        raise DataKeyMissing("还没有打开本支部的数据，请先用已有的账号登录。")
    known = set(session.scalars(select(DataKeyWrap.key_id)))
    if known and key_id(data_key) not in known:
        raise StoreError("这不是本支部的数据钥匙，没有保存。", details=f"key {key_id(data_key)} not in {sorted(known)}")


def _aad(kind: str, operator_id: uuid.UUID | None) -> bytes:
    return f"dyjf data key wrap v1|{kind}|{operator_id or '-'}".encode()


def _store_wrap(session: Session, data_key: bytes, kind: str, operator_id: uuid.UUID | None, secret: str) -> None:
    kdf = dict(KDF_PARAMETERS, salt=os.urandom(16).hex())
    nonce = os.urandom(_NONCE_SIZE)
    wrapped = AESGCM(_wrapping_key(secret, kdf)).encrypt(nonce, data_key, _aad(kind, operator_id))
    wrap = _find(session, kind, operator_id)
    if wrap is None:
        wrap = DataKeyWrap(kind=kind, operator_id=operator_id)
        session.add(wrap)
    wrap.key_id, wrap.kdf, wrap.nonce, wrap.wrapped = key_id(data_key), kdf, nonce, wrapped
    session.flush()


def _open(wrap: DataKeyWrap, secret: str, wrong: type[DataKeyWrongSecret]) -> bytes:
    kdf = _checked(wrap.kdf)
    try:
        data_key = AESGCM(_wrapping_key(secret, kdf)).decrypt(bytes(wrap.nonce), bytes(wrap.wrapped), _aad(wrap.kind, wrap.operator_id))
    except InvalidTag:
        raise wrong() from None
    if key_id(data_key) != wrap.key_id:
        raise StoreError("本支部的数据钥匙记录被改动过，无法打开。", details="key id mismatch")
    return data_key


def _checked(kdf) -> dict:
    """Parameters read from the file, refused when malformed or beyond the caps."""
    try:
        bad = kdf["name"] != "argon2id" or not 16 <= len(bytes.fromhex(kdf["salt"])) <= 64
        bad = bad or any(not 1 <= int(kdf[name]) <= cap for name, cap in _CAPS.items())
    except (KeyError, TypeError, ValueError):
        bad = True
    if bad:
        raise StoreError("本支部的数据钥匙记录已损坏，无法打开。", details=f"kdf {kdf!r}")
    return kdf


def _wrapping_key(secret: str, kdf: dict) -> bytes:
    return hash_secret_raw(
        unicodedata.normalize("NFC", secret).encode("utf-8"),
        bytes.fromhex(kdf["salt"]),
        time_cost=int(kdf["iterations"]),
        memory_cost=int(kdf["memory_kib"]),
        parallelism=int(kdf["lanes"]),
        hash_len=32,
        type=Type.ID,
    )
