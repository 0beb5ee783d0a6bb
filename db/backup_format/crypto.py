"""Keys and the cipher of an encrypted backup (see the package docstring for the rules).

Passphrase → Unicode NFC → UTF-8 → Argon2id (or scrypt) → 32-byte key; the compressed
database sealed with AES-256-GCM chunk by chunk (version 2; version 1 files, one GCM message
over the whole payload, are still read, in pieces); a key-check value tells a wrong
passphrase from a damaged file. Parameters read from a file are capped before any
work is done. Errors are those of app.domain.errors; their sentences live there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import unicodedata
from functools import cache

from app.domain.errors import (
    Argon2Missing,
    BackupAltered,
    BackupDamaged,
    BackupLimitsExceeded,
    BackupMethodUnknown,
    PassphraseRequired,
    PassphraseTooShort,
    WrongPassphrase,
)

KEY_CHECK_LABEL = b"jfbak key check v1"
SEALED_FACTS_LABEL = b"jfbak sealed facts v2"
NONCE_SIZE = 12
TAG_SIZE = 16
CIPHER = "AES-256-GCM"
DEFAULT_ARGON2 = {"name": "argon2id", "iterations": 3, "memory_kib": 65536, "lanes": 4}
DEFAULT_SCRYPT = {"name": "scrypt", "n": 2**17, "r": 8, "p": 1}
MIN_PASSPHRASE = 6

__all__ = [
    "KEY_CHECK_LABEL", "NONCE_SIZE", "TAG_SIZE", "CIPHER", "DEFAULT_ARGON2", "DEFAULT_SCRYPT", "MIN_PASSPHRASE",
    "normalise_passphrase", "default_kdf", "checked_kdf_params", "derive_key", "key_check", "new_encryption",
    "opening_key", "seal_facts", "open_facts", "chunk_aad", "ChunkCipher", "WholeGcmReader",
]


def normalise_passphrase(passphrase: str) -> bytes:
    """Frozen for format versions 1 and 2: Unicode NFC, then UTF-8 (no trimming, no case folding)."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def default_kdf() -> dict:
    """Argon2id where this installation has it, scrypt otherwise; a fresh salt every time."""
    params = dict(DEFAULT_ARGON2) if _argon2_available() else dict(DEFAULT_SCRYPT)
    params["salt"] = os.urandom(16).hex()
    return params


@cache
def _argon2_available() -> bool:
    try:
        _argon2id(b"probe", b"\x00" * 16, 1, 8, 1)
        return True
    except Argon2Missing:
        return False


def checked_kdf_params(params) -> dict:
    """KDF parameters as read from a file, refused when missing, malformed or beyond the caps."""
    bad = BackupDamaged(details=f"kdf parameters {params!r}")
    if not isinstance(params, dict):
        raise bad
    try:
        salt = bytes.fromhex(params["salt"])
        name = params["name"]
        if not 16 <= len(salt) <= 64:
            raise bad
        if name == "argon2id":
            return _checked_argon2(params)
        if name == "scrypt":
            return _checked_scrypt(params)
    except (KeyError, TypeError, ValueError):
        raise bad from None
    raise BackupMethodUnknown("kdf", details=f"kdf {params.get('name')!r}")


def _checked_argon2(params: dict) -> dict:
    t, m, p = (int(params[k]) for k in ("iterations", "memory_kib", "lanes"))
    if not (1 <= t <= 10 and 1 <= p <= 16 and 8 * p <= m <= 1 << 20):
        raise BackupLimitsExceeded(details=f"argon2id t={t} m={m} p={p}")
    return {"name": "argon2id", "salt": params["salt"], "iterations": t, "memory_kib": m, "lanes": p}


def _checked_scrypt(params: dict) -> dict:
    n, r, p = (int(params[k]) for k in ("n", "r", "p"))
    if not (1 << 10 <= n <= 1 << 20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        raise BackupLimitsExceeded(details=f"scrypt n={n} r={r} p={p}")
    return {"name": "scrypt", "salt": params["salt"], "n": n, "r": r, "p": p}


def derive_key(passphrase: str, params: dict) -> bytes:
    params = checked_kdf_params(params)
    secret = normalise_passphrase(passphrase)
    salt = bytes.fromhex(params["salt"])
    if params["name"] == "argon2id":
        return _argon2id(secret, salt, params["iterations"], params["memory_kib"], params["lanes"])
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"]).derive(secret)


def _argon2id(secret: bytes, salt: bytes, iterations: int, memory_kib: int, lanes: int) -> bytes:
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        return Argon2id(salt=salt, length=32, iterations=iterations, lanes=lanes, memory_cost=memory_kib).derive(secret)
    except Exception:  # older cryptography or an OpenSSL without Argon2: argon2-cffi gives the same bytes
        pass
    try:
        from argon2.low_level import Type, hash_secret_raw

        return hash_secret_raw(secret, salt, iterations, memory_kib, lanes, 32, Type.ID)
    except Exception as exc:
        raise Argon2Missing(details=repr(exc)) from exc


def key_check(key: bytes) -> str:
    """The first 16 bytes of HMAC-SHA256(key, KEY_CHECK_LABEL), as hex."""
    return hmac.new(key, KEY_CHECK_LABEL, hashlib.sha256).digest()[:16].hex()


def new_encryption(passphrase: str, kdf: dict | None) -> tuple[dict, bytes]:
    """The manifest's `encryption` field for a new version-2 file, and the key.

    A passphrase shorter than MIN_PASSPHRASE characters is refused; the salt is fresh unless
    `kdf` brings one (tests), so every file has its own key.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        raise PassphraseTooShort(MIN_PASSPHRASE)
    kdf = dict(kdf) if kdf else default_kdf()
    kdf.setdefault("salt", os.urandom(16).hex())
    key = derive_key(passphrase, kdf)
    return {"cipher": CIPHER, "kdf": checked_kdf_params(kdf), "key_check": key_check(key)}, key


def opening_key(encryption: dict, passphrase: str | None) -> bytes:
    """The key of an encrypted file; tells a missing or wrong passphrase from damage (key check)."""
    if passphrase is None or passphrase == "":
        raise PassphraseRequired()
    key = derive_key(passphrase, encryption["kdf"])
    if not hmac.compare_digest(key_check(key), encryption["key_check"]):
        raise WrongPassphrase()
    return key


def seal_facts(key: bytes, facts: dict) -> str:
    """The manifest's `sealed_facts` of an encrypted file: the facts that are nobody's business
    without the passphrase (row counts, township, chain heads), JSON under AES-256-GCM, hex."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_SIZE)
    body = json.dumps(facts, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return (nonce + AESGCM(key).encrypt(nonce, body, SEALED_FACTS_LABEL)).hex()


def open_facts(key: bytes, sealed: str) -> dict:
    """`seal_facts` undone; BackupAltered when the tag fails (the key was checked before)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = bytes.fromhex(sealed)
        facts = json.loads(AESGCM(key).decrypt(raw[:NONCE_SIZE], raw[NONCE_SIZE:], SEALED_FACTS_LABEL))
    except (ValueError, TypeError, InvalidTag):
        raise BackupAltered(details="sealed facts do not open") from None
    if not isinstance(facts, dict):
        raise BackupAltered(details="sealed facts are not an object")
    return facts


def chunk_aad(header_digest: bytes, index: int, final: bool) -> bytes:
    """Associated data of chunk `index`: the header digest, the index (8 bytes), the final flag (1 byte)."""
    return header_digest + index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


class ChunkCipher:
    """AES-256-GCM over one chunk at a time (version 2): body = nonce || ciphertext || tag.

    Each chunk has a fresh random 12-byte nonce; its associated data binds it to this file's
    header, to its place in the stream and to whether it is the last chunk, so truncation,
    reordering and chunks swapped in from elsewhere all fail the tag.
    """

    OVERHEAD = NONCE_SIZE + TAG_SIZE

    def __init__(self, key: bytes, header_digest: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)
        self._digest = header_digest

    def seal(self, index: int, final: bool, plain: bytes) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        return nonce + self._aead.encrypt(nonce, plain, chunk_aad(self._digest, index, final))

    def open(self, index: int, final: bool, body: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag

        if len(body) <= self.OVERHEAD:
            raise BackupDamaged(details=f"chunk {index}: {len(body)} bytes")
        try:
            return self._aead.decrypt(body[:NONCE_SIZE], body[NONCE_SIZE:], chunk_aad(self._digest, index, final))
        except InvalidTag:
            raise BackupAltered(details=f"AES-GCM tag mismatch in chunk {index}") from None


class WholeGcmReader:
    """Version 1: one AES-GCM message over the whole payload, decrypted in pieces.

    The tag (the payload's last 16 bytes) is checked by `finish`; until then the plain bytes are
    unauthenticated, so the caller writes them only to a local staging file it throws away on
    any error.
    """

    def __init__(self, key: bytes, nonce: bytes, tag: bytes, header: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        self._decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        self._decryptor.authenticate_additional_data(header)

    def update(self, data: bytes) -> bytes:
        return self._decryptor.update(data)

    def finish(self) -> bytes:
        from cryptography.exceptions import InvalidTag

        try:
            return self._decryptor.finalize()
        except InvalidTag:
            raise BackupAltered(details="AES-GCM tag mismatch") from None
