"""Password hashes (Argon2id) and the rule for a new password.

Hashes use argon2-cffi's defaults, RFC 9106's low-memory profile (t=3, m=64 MiB, p=4): about
0.1 s a hash on the development machine (tests/benchmarks/bench_login.py). The parameters sit
inside each hash, so a later program with stronger ones rehashes at the next log-in.
Passwords are NFC-normalised first (app.domain.password_strength.normalized).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.domain.errors import ValidationError
from app.domain.password_strength import normalized, weakness

_hasher = PasswordHasher()

def hash_password(password: str) -> str:
    return _hasher.hash(normalized(password))


def password_matches(password_hash: str | None, password: str) -> bool:
    """True if `password` is the one hashed; False for a wrong one or an account without one."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, normalized(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_new_password(password: str, repeated: str | None, user_inputs: tuple[str, ...]) -> None:
    """Refuse a new password that is weak or was typed differently the second time."""
    reason = weakness(password, user_inputs)
    if reason:
        raise ValidationError(reason)
    if repeated is not None and normalized(repeated) != normalized(password):
        raise ValidationError("两次输入的密码不一样，请重新输入。")
