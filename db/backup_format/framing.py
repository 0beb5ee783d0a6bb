"""The bytes of a `*.jfbak` file: header, manifest, digest and payload (layout: the package docstring).

`build_backup` makes a whole file from a database's bytes; `parse_header`, `check_payload`
and `open_backup` read one back, checking in the documented order and stopping at the first
failure; `read_manifest` reads only the header of a file on disk. Nothing here writes a file.
Errors are those of app.domain.errors; their sentences live there.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.domain.errors import (
    BackupDamaged,
    BackupEmpty,
    BackupFormatTooNew,
    BackupIncomplete,
    BackupMethodUnknown,
    DatabaseNotBackup,
    NotABackup,
)
from db.backup_format.checks import SQLITE_MAGIC, DatabaseFacts
from db.backup_format.crypto import CIPHER, NONCE_SIZE, TAG_SIZE, checked_kdf_params, seal, unseal

MAGIC = b"\x89JFBAK\r\n"
FORMAT_VERSION = 1
EXTENSION = ".jfbak"
FLAG_ENCRYPTED = 0x0001
FIXED_HEADER = struct.Struct(">8sHHI")  # magic, version, flags, manifest length
DIGEST_SIZE = 32
MAX_MANIFEST = 1 << 20
PROGRAM_NAME = "党员积分管理"

__all__ = [
    "MAGIC", "FORMAT_VERSION", "EXTENSION", "FLAG_ENCRYPTED", "FIXED_HEADER", "DIGEST_SIZE", "MAX_MANIFEST",
    "PROGRAM_NAME", "Manifest", "ParsedHeader", "build_backup", "parse_header", "check_payload", "open_backup",
    "read_manifest",
]


@dataclass(frozen=True)
class Manifest:
    data: dict

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.data["created_at"])

    @property
    def encrypted(self) -> bool:
        return self.data.get("encryption") is not None

    @property
    def branch(self) -> dict | None:
        return self.data.get("branch")

    @property
    def branch_name(self) -> str:
        branch = self.branch
        return branch["name"] if branch else ""

    @property
    def schema_revision(self) -> str | None:
        return self.data.get("schema_revision")

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.data.get("counts") or {})

    @property
    def payload_sha256(self) -> str | None:
        return self.data.get("payload_sha256")


@dataclass(frozen=True)
class ParsedHeader:
    manifest: Manifest
    header: bytes  # bytes [0, 16+N): the associated data of the cipher
    payload_offset: int


# ----------------------------------------------------------------------------- writing


def build_backup(
    database: bytes,
    facts: DatabaseFacts,
    created_at: datetime,
    program_version: str,
    passphrase: str | None = None,
    kdf: dict | None = None,
) -> tuple[bytes, Manifest]:
    """The whole backup file as bytes, and its manifest."""
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    compressed = zlib.compress(database, 6)
    manifest = _new_manifest(database, facts, created_at, program_version)
    if passphrase is not None:
        manifest["encryption"], encrypt = seal(passphrase, kdf)
        manifest["payload_size"] = len(compressed) + TAG_SIZE
        header = _pack_header(manifest, FLAG_ENCRYPTED)
        payload = encrypt(compressed, header)
    else:
        manifest["database_sha256"] = hashlib.sha256(database).hexdigest()
        manifest["payload_size"] = len(compressed)
        manifest["payload_sha256"] = hashlib.sha256(compressed).hexdigest()
        header = _pack_header(manifest, 0)
        payload = compressed
    return header + hashlib.sha256(header).digest() + payload, Manifest(manifest)


def _new_manifest(database: bytes, facts: DatabaseFacts, created_at: datetime, program_version: str) -> dict:
    """Every manifest field; the payload's size, checksums and encryption are filled in after."""
    return {
        "format": "jfbak",
        "format_version": FORMAT_VERSION,
        "program": PROGRAM_NAME,
        "program_version": program_version,
        "created_at": created_at.isoformat(),
        "schema_revision": facts.schema_revision,
        "schema_number": facts.schema_number,
        "application_id": facts.application_id,
        "database_kind": facts.kind,
        "branch": facts.branch,
        "counts": facts.counts,
        "audit_records": facts.audit_records,
        "last_change_at": facts.last_change_at,
        "database_size": len(database),
        "database_sha256": None,
        "compression": "zlib",
        "payload_size": None,
        "payload_sha256": None,
        "encryption": None,
    }


def _pack_header(manifest: dict, flags: int) -> bytes:
    body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return FIXED_HEADER.pack(MAGIC, FORMAT_VERSION, flags, len(body)) + body


# ----------------------------------------------------------------------------- reading


def parse_header(data: bytes) -> ParsedHeader:
    """Check everything up to the payload; raise a BackupError if it is not sound."""
    version, flags, length = _fixed_header(data)
    end = FIXED_HEADER.size + length
    if len(data) < end + DIGEST_SIZE:
        raise BackupIncomplete(details=f"{len(data)} bytes, header needs {end + DIGEST_SIZE}")
    header = data[:end]
    if hashlib.sha256(header).digest() != data[end : end + DIGEST_SIZE]:
        raise BackupDamaged(details="header digest mismatch")
    try:
        manifest = json.loads(header[FIXED_HEADER.size :].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupDamaged(details=f"manifest: {exc}") from None
    _check_manifest(manifest, bool(flags & FLAG_ENCRYPTED))
    return ParsedHeader(Manifest(manifest), header, end + DIGEST_SIZE)


def _fixed_header(data: bytes) -> tuple[int, int, int]:
    """(version, flags, manifest length) from the first 16 bytes: magic, then sane values."""
    if len(data) == 0:
        raise BackupEmpty()
    if len(data) < len(MAGIC) and MAGIC.startswith(data):
        raise BackupIncomplete(details=f"{len(data)} bytes")
    if not data.startswith(MAGIC):
        raise DatabaseNotBackup() if data.startswith(SQLITE_MAGIC) else NotABackup()
    if len(data) < FIXED_HEADER.size:
        raise BackupIncomplete(details=f"{len(data)} bytes")
    _, version, flags, length = FIXED_HEADER.unpack_from(data)
    if version > FORMAT_VERSION:
        raise BackupFormatTooNew(details=f"format {version}")
    if version != FORMAT_VERSION or flags & ~FLAG_ENCRYPTED or not 2 <= length <= MAX_MANIFEST:
        raise BackupDamaged(details=f"version {version} flags {flags} manifest length {length}")
    return version, flags, length


def _check_manifest(manifest, encrypted: bool) -> None:
    bad = BackupDamaged(details="manifest fields")
    if not isinstance(manifest, dict) or manifest.get("format") != "jfbak":
        raise bad
    try:
        if datetime.fromisoformat(manifest["created_at"]).tzinfo is None:
            raise bad
        if not isinstance(manifest["payload_size"], int) or manifest["payload_size"] < 0:
            raise bad
        if encrypted != (manifest["payload_sha256"] is None):
            raise bad
        if not encrypted and len(bytes.fromhex(manifest["payload_sha256"])) != 32:
            raise bad
        if manifest["compression"] != "zlib":
            raise BackupMethodUnknown("compression", details=f"compression {manifest['compression']!r}")
        if (manifest["encryption"] is not None) != encrypted:
            raise bad
        if encrypted:
            _check_encryption(manifest["encryption"], bad)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise bad from None


def _check_encryption(encryption: dict, bad: BackupDamaged) -> None:
    if encryption["cipher"] != CIPHER:
        raise BackupMethodUnknown("cipher", details=f"cipher {encryption['cipher']!r}")
    if len(bytes.fromhex(encryption["nonce"])) != NONCE_SIZE or len(bytes.fromhex(encryption["key_check"])) != 16:
        raise bad
    checked_kdf_params(encryption["kdf"])


def check_payload(data: bytes, parsed: ParsedHeader) -> bytes:
    """The payload, after checking the file length (and payload_sha256 of a plain file)."""
    expected = parsed.manifest.data["payload_size"]
    payload = data[parsed.payload_offset :]
    if len(payload) < expected:
        raise BackupIncomplete(details=f"payload {len(payload)} of {expected} bytes")
    if len(payload) > expected:
        raise BackupDamaged(details=f"{len(payload) - expected} bytes after the payload")
    expected_sha = parsed.manifest.payload_sha256
    if expected_sha is not None and hashlib.sha256(payload).hexdigest() != expected_sha:
        raise BackupDamaged(details="payload sha256 mismatch")
    return payload


def open_backup(data: bytes, passphrase: str | None = None) -> tuple[Manifest, bytes]:
    """(manifest, the SQLite file's bytes) of a backup, checked end to end; nothing is written."""
    parsed = parse_header(data)
    payload = check_payload(data, parsed)
    manifest = parsed.manifest
    if manifest.encrypted:
        compressed = unseal(manifest.data["encryption"], payload, parsed.header, passphrase)
    else:
        compressed = payload
    try:
        database = zlib.decompress(compressed)
    except zlib.error as exc:
        raise BackupDamaged(details=f"zlib: {exc}") from None
    if len(database) != manifest.data.get("database_size"):
        raise BackupDamaged(details="database size mismatch")
    expected_sha = manifest.data.get("database_sha256")
    if expected_sha is not None and hashlib.sha256(database).hexdigest() != expected_sha:
        raise BackupDamaged(details="database sha256 mismatch")
    if not database.startswith(SQLITE_MAGIC):
        raise BackupDamaged(details="payload is not a SQLite file")
    return manifest, database


def read_manifest(path: Path) -> Manifest:
    """Only the manifest (reads the header, not the payload): for listings and comparisons."""
    with open(path, "rb") as handle:
        head = handle.read(FIXED_HEADER.size)
        if len(head) == FIXED_HEADER.size and head.startswith(MAGIC):
            length = FIXED_HEADER.unpack(head)[3]
            head += handle.read(min(length, MAX_MANIFEST) + DIGEST_SIZE)
    return parse_header(head).manifest
