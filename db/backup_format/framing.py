"""The bytes of a `*.jfbak` file before the payload: fixed header, manifest, header digest
(layout: the package docstring), and the limits every reader applies.

`new_manifest` and `pack_header` start a new (version 2) file; `parse_header` checks the
header of a file of either version in the documented order and stops at the first failure;
`read_header` reads just enough of an open file to do that, and `read_manifest` does it for a
file on disk. The payload is written and read in db.backup_format.stream. Nothing here writes
a file. Errors are those of app.domain.errors; their sentences live there.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

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
from db.backup_format.crypto import CIPHER, NONCE_SIZE, checked_kdf_params

MAGIC = b"\x89JFBAK\r\n"
FORMAT_VERSION = 2  # written; versions 1 and 2 are read
EXTENSION = ".jfbak"
FLAG_ENCRYPTED = 0x0001
FIXED_HEADER = struct.Struct(">8sHHI")  # magic, version, flags, manifest length
HEADER_CRC = struct.Struct(">I")  # version 2 on: CRC-32 of the fixed header, right after it
DIGEST_SIZE = 32
MAX_MANIFEST = 1 << 20
PROGRAM_NAME = "党员积分管理"
CHUNK_SIZE = 1 << 20  # zlib bytes a chunk carries (the last one: 1 to CHUNK_SIZE)
MAX_CHUNK_SIZE = 1 << 24  # the largest chunk_size a reader accepts from a manifest
MAX_DATABASE_SIZE = 1 << 38  # 256 GiB: the hard ceiling on database_size, whatever a file declares

__all__ = [
    "MAGIC", "FORMAT_VERSION", "EXTENSION", "FLAG_ENCRYPTED", "FIXED_HEADER", "HEADER_CRC", "DIGEST_SIZE",
    "MAX_MANIFEST", "PROGRAM_NAME", "CHUNK_SIZE", "MAX_CHUNK_SIZE", "MAX_DATABASE_SIZE", "Manifest", "ParsedHeader",
    "new_manifest", "pack_header", "prefix_size", "parse_header", "read_header", "read_manifest",
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
    def format_version(self) -> int:
        return self.data["format_version"]

    @property
    def database_size(self) -> int:
        return self.data["database_size"]


@dataclass(frozen=True)
class ParsedHeader:
    manifest: Manifest
    header: bytes  # the bytes the header digest covers: [0, 16+N) in version 1, [0, 20+N) from version 2
    digest: bytes  # SHA-256 of `header`; in version 2 part of every chunk's associated data
    payload_offset: int
    version: int
    flags: int


# ----------------------------------------------------------------------------- writing


def new_manifest(facts: DatabaseFacts, created_at: datetime, program_version: str, database_size: int) -> dict:
    """Every manifest field of a version-2 file; `encryption` is filled in by the writer of an
    encrypted one. A dict: fields added later are carried along and ignored by older readers."""
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
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
        "chain_heads": facts.chain_heads,
        "database_size": database_size,
        "compression": "zlib",
        "chunk_size": CHUNK_SIZE,
        "encryption": None,
    }


# What an encrypted file's readable manifest leaves out (sealed in `sealed_facts` instead): it
# says only what is needed to choose the file — program, time, schema, branch name and id.
PRIVATE_FIELDS = ("counts", "audit_records", "last_change_at", "chain_heads")
PRIVATE_BRANCH_FIELDS = ("township",)


def split_private(manifest: dict) -> tuple[dict, dict]:
    """(the manifest an encrypted file shows, the facts it seals)."""
    shown = {key: value for key, value in manifest.items() if key not in PRIVATE_FIELDS}
    private = {key: manifest[key] for key in PRIVATE_FIELDS if key in manifest}
    branch = manifest.get("branch")
    if isinstance(branch, dict):
        shown["branch"] = {key: value for key, value in branch.items() if key not in PRIVATE_BRANCH_FIELDS}
        private["branch"] = {key: branch[key] for key in PRIVATE_BRANCH_FIELDS if key in branch}
    return shown, private


def with_private(shown: dict, private: dict) -> dict:
    """The whole manifest again, once the passphrase has opened the sealed facts."""
    whole = {**shown, **{key: value for key, value in private.items() if key != "branch"}}
    if isinstance(shown.get("branch"), dict) and isinstance(private.get("branch"), dict):
        whole["branch"] = {**shown["branch"], **private["branch"]}
    return whole


def pack_header(manifest: dict, flags: int) -> bytes:
    """Bytes [0, 20+N) of a version-2 file: fixed header, its CRC-32, the manifest."""
    body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if len(body) > MAX_MANIFEST:
        raise ValueError(f"manifest of {len(body)} bytes")
    fixed = FIXED_HEADER.pack(MAGIC, FORMAT_VERSION, flags, len(body))
    return fixed + HEADER_CRC.pack(zlib.crc32(fixed)) + body


# ----------------------------------------------------------------------------- reading


def prefix_size(data: bytes) -> int:
    """How many bytes precede the manifest (16 in version 1, 20 from version 2), judged from the
    first 16; raises a BackupError for a file that is not a sound backup header."""
    return _fixed_header(data)[3]


def parse_header(data: bytes) -> ParsedHeader:
    """Check everything up to the payload, given the file's first bytes (at least the header);
    raise a BackupError if it is not sound."""
    version, flags, length, prefix = _fixed_header(data)
    end = prefix + length
    if len(data) < end + DIGEST_SIZE:
        raise BackupIncomplete(details=f"{len(data)} bytes, header needs {end + DIGEST_SIZE}")
    header = data[:end]
    digest = hashlib.sha256(header).digest()
    if digest != data[end : end + DIGEST_SIZE]:
        raise BackupDamaged(details="header digest mismatch")
    try:
        manifest = json.loads(header[prefix:].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupDamaged(details=f"manifest: {exc}") from None
    _check_manifest(manifest, version, bool(flags & FLAG_ENCRYPTED))
    return ParsedHeader(Manifest(manifest), header, digest, end + DIGEST_SIZE, version, flags)


def _fixed_header(data: bytes) -> tuple[int, int, int, int]:
    """(version, flags, manifest length, bytes before the manifest) from the first 16 (20) bytes.

    Version 1 has no checksum of its own here (its header digest follows the manifest); from
    version 2 on the CRC-32 at [16, 20) is checked before the version is believed, so a flipped
    bit in the version reads as damage, never as "made by a newer program".
    """
    _check_magic(data)
    prefix = FIXED_HEADER.size
    if len(data) < prefix:
        raise BackupIncomplete(details=f"{len(data)} bytes")
    _, version, flags, length = FIXED_HEADER.unpack_from(data)
    if version != 1:
        if len(data) < prefix + HEADER_CRC.size:
            raise BackupIncomplete(details=f"{len(data)} bytes")
        if HEADER_CRC.unpack_from(data, prefix)[0] != zlib.crc32(data[:prefix]):
            raise BackupDamaged(details=f"fixed header checksum (version {version})")
        if version > FORMAT_VERSION:
            raise BackupFormatTooNew(details=f"format {version}")
        prefix += HEADER_CRC.size
    if version == 0 or flags & ~FLAG_ENCRYPTED or not 2 <= length <= MAX_MANIFEST:
        raise BackupDamaged(details=f"version {version} flags {flags} manifest length {length}")
    return version, flags, length, prefix


def _check_magic(data: bytes) -> None:
    if len(data) == 0:
        raise BackupEmpty()
    if len(data) < len(MAGIC) and MAGIC.startswith(data):
        raise BackupIncomplete(details=f"{len(data)} bytes")
    if not data.startswith(MAGIC):
        raise DatabaseNotBackup() if data.startswith(SQLITE_MAGIC) else NotABackup()


def _check_manifest(manifest, version: int, encrypted: bool) -> None:
    bad = BackupDamaged(details="manifest fields")
    if not isinstance(manifest, dict) or manifest.get("format") != "jfbak":
        raise bad
    try:
        _check_common(manifest, version, encrypted, bad)
        if version == 1:
            _check_version_1(manifest, encrypted, bad)
        else:
            _check_chunk_size(manifest["chunk_size"], bad)
        if encrypted:
            _check_encryption(manifest["encryption"], version, bad)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise bad from None


def _check_common(manifest: dict, version: int, encrypted: bool, bad: BackupDamaged) -> None:
    if manifest["format_version"] != version or datetime.fromisoformat(manifest["created_at"]).tzinfo is None:
        raise bad
    size = manifest["database_size"]
    if type(size) is not int or not 0 < size <= MAX_DATABASE_SIZE:
        raise BackupDamaged(details=f"database_size {size!r}, ceiling {MAX_DATABASE_SIZE}")
    if manifest["compression"] != "zlib":
        raise BackupMethodUnknown("compression", details=f"compression {manifest['compression']!r}")
    if (manifest["encryption"] is not None) != encrypted:
        raise bad


def _check_version_1(manifest: dict, encrypted: bool, bad: BackupDamaged) -> None:
    if type(manifest["payload_size"]) is not int or manifest["payload_size"] < 0:
        raise bad
    if encrypted != (manifest["payload_sha256"] is None) or encrypted != (manifest["database_sha256"] is None):
        raise bad
    if not encrypted and (len(bytes.fromhex(manifest["payload_sha256"])) != 32 or len(bytes.fromhex(manifest["database_sha256"])) != 32):
        raise bad


def _check_chunk_size(chunk_size, bad: BackupDamaged) -> None:
    if type(chunk_size) is not int or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise bad


def _check_encryption(encryption: dict, version: int, bad: BackupDamaged) -> None:
    if encryption["cipher"] != CIPHER:
        raise BackupMethodUnknown("cipher", details=f"cipher {encryption['cipher']!r}")
    if len(bytes.fromhex(encryption["key_check"])) != 16:
        raise bad
    if version == 1 and len(bytes.fromhex(encryption["nonce"])) != NONCE_SIZE:
        raise bad
    checked_kdf_params(encryption["kdf"])


def read_header(source: BinaryIO) -> ParsedHeader:
    """parse_header on an open file positioned at its start: reads the header, not the payload."""
    head = source.read(FIXED_HEADER.size + HEADER_CRC.size)
    if len(head) >= FIXED_HEADER.size and head.startswith(MAGIC):
        needed = prefix_size(head) + FIXED_HEADER.unpack_from(head)[3] + DIGEST_SIZE
        head += source.read(needed - len(head))
    return parse_header(head)


def read_manifest(path: Path) -> Manifest:
    """Only the manifest (reads the header, not the payload): for listings and comparisons."""
    with open(path, "rb") as handle:
        return read_header(handle).manifest
