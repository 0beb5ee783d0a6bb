"""Sealed columns: members' personal data (ID number, phone, birth date) as the file keeps it.

A sealed value is `version byte ‖ 12-byte random nonce ‖ AES-256-GCM ciphertext and tag` under
a field key derived from the branch's 32-byte data key (app/services/accounts/keyring.py holds
the data key wrapped for each account and the recovery code). The field's name is the associated
data, so a phone cannot be passed off as an ID number. The ID number also gets a keyed look-up
hash (HMAC-SHA256 under a second derived key): the same number always gives the same hash, so
the file can hold it unique and a search by the full number is one index look-up, while without
the data key the hash says nothing (an ID number has too few possible values for a plain hash).

Why columns and not the whole file (tests/benchmarks/bench_personal_sealing.py and
bench_members_search.py, 2-core test machine, 70,000 members): sealing costs 2.6–8 µs and
opening 1.7–5.7 µs a value (idle vs. loaded machine), a full ID number is found through the
hash's unique index in 0.13 ms, and the roster page opens nothing (it shows no personal data);
opening all 210,000 values for a full export takes about 1 s (4–11x reading plain columns).
A whole-file cipher costs little per open (20 MB in 11–38 ms) but leaves a decrypted working
copy on the disk while the program runs; SQLCipher is not in Python's sqlite3 module and would
need a native build for Windows; and neither would hide anything from a township's PostgreSQL
server. Pure functions; no session, no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import date

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.domain.errors import PersonalDataDamaged, PersonalDataLocked

SEAL_VERSION = 1
NONCE_SIZE = 12
DATA_KEY_SIZE = 32
_FIELD_KEY_LABEL = b"dyjf personal field key v1"
_LOOKUP_KEY_LABEL = b"dyjf personal lookup key v1"
_KEY_ID_LABEL = b"dyjf data key id v1"


def _derived(data_key: bytes | None, label: bytes) -> bytes:
    if not data_key:
        raise PersonalDataLocked()
    if len(data_key) != DATA_KEY_SIZE:
        raise ValueError("a data key is 32 bytes")
    return hmac.new(data_key, label, hashlib.sha256).digest()


class Sealer:
    """Seals and opens personal fields under one branch's data key (keeps the derived keys)."""

    def __init__(self, data_key: bytes | None) -> None:
        self._cipher = AESGCM(_derived(data_key, _FIELD_KEY_LABEL))
        self._lookup_key = _derived(data_key, _LOOKUP_KEY_LABEL)

    def seal(self, field: str, text: str | None) -> bytes | None:
        """None or "" stays None (nothing to hide, and a missing value must stay missing)."""
        if not text:
            return None
        nonce = os.urandom(NONCE_SIZE)
        return bytes([SEAL_VERSION]) + nonce + self._cipher.encrypt(nonce, text.encode("utf-8"), field.encode())

    def open(self, field: str, sealed: bytes | None) -> str:
        if not sealed:
            return ""
        sealed = bytes(sealed)
        if sealed[0] != SEAL_VERSION or len(sealed) < 1 + NONCE_SIZE + 16:
            raise PersonalDataDamaged(details=f"{field}: version {sealed[0]}, {len(sealed)} bytes")
        try:
            plain = self._cipher.decrypt(sealed[1:1 + NONCE_SIZE], sealed[1 + NONCE_SIZE:], field.encode())
        except InvalidTag:
            raise PersonalDataDamaged(details=f"{field}: authentication failed (other key or altered)") from None
        return plain.decode("utf-8")

    def seal_date(self, field: str, value: date | None) -> bytes | None:
        return self.seal(field, value.isoformat() if value else None)

    def open_date(self, field: str, sealed: bytes | None) -> date | None:
        text = self.open(field, sealed)
        return date.fromisoformat(text) if text else None

    def lookup(self, id_number: str | None) -> str | None:
        """The keyed look-up hash of an (already normalised) ID number, hex; None for none."""
        if not id_number:
            return None
        return hmac.new(self._lookup_key, id_number.upper().encode("ascii"), hashlib.sha256).hexdigest()


def key_id(data_key: bytes) -> str:
    """A short fingerprint of a data key (tells which key sealed a file; reveals nothing of it)."""
    return _derived(data_key, _KEY_ID_LABEL)[:8].hex()
