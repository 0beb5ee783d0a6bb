"""The backup file (`*.jfbak`): one file per backup, readable by any program that follows this text.

Layout, version 1 (integers are unsigned big-endian)::

    offset   size  field
    0        8     magic 89 4A 46 42 41 4B 0D 0A  (b"\\x89JFBAK\\r\\n": the high byte and the CR LF
                   reveal 7-bit and text-mode transfers)
    8        2     format version = 1
    10       2     flags: bit 0 set = the payload is encrypted; all other bits are 0
    12       4     N = length of the manifest in bytes, 2 <= N <= 1 MiB
    16       N     manifest: a UTF-8 JSON object (fields below)
    16+N     32    header digest: SHA-256 of bytes [0, 16+N)
    48+N     P     payload, P = manifest["payload_size"]; the file ends exactly here

The payload is a SQLite database file — a consistent snapshot taken with SQLite's online
backup API while the program runs, switched to `journal_mode=DELETE` so that it stands alone —
compressed with zlib (RFC 1950). When the file is encrypted, those compressed bytes are sealed
with AES-256-GCM (NIST SP 800-38D): payload = ciphertext || 16-byte tag, with the 12-byte nonce
from the manifest and bytes [0, 16+N) (magic, version, flags, length and manifest) as the
associated data, so nothing in the header can be changed unnoticed.

Manifest fields (all present; `null` where stated)::

    format            "jfbak"
    format_version    1 (the same as the header)
    program           "党员积分管理";  program_version  e.g. "0.1.0"
    created_at        when the snapshot was taken, ISO 8601 with UTC offset
    schema_revision   the Alembic revision inside the database (alembic_version.version_num)
    schema_number     PRAGMA user_version of the database (count of migrations applied)
    application_id    PRAGMA application_id (0x444A4647 for this program's files)
    database_kind     "branch" | "township" | "empty"
    branch            {"id": UUID, "name": str, "township": str} or null
    counts            {table name: number of rows} for every table of the database
    audit_records     rows in audit_log;  last_change_at  newest audit_log.created_at or null
    database_size     bytes of the SQLite file
    compression       "zlib"
    payload_size      P
    payload_sha256    plain files: SHA-256 of the payload (the checksum); encrypted: null
    database_sha256   plain files: SHA-256 of the SQLite file after decompression; encrypted: null
    encryption        null, or {"cipher": "AES-256-GCM", "nonce": hex (12 bytes),
                      "kdf": {...}, "key_check": hex (16 bytes)}

An encrypted file carries no plaintext hash (it would let anyone confirm a guess of the
contents): its checksum is the GCM tag, and `key_check` tells a wrong passphrase from damage.

The manifest is never encrypted: it names the branch and counts rows but holds no personal
data, so a backup can be listed, compared and checked for damage without its passphrase.

Key derivation: passphrase → Unicode NFC → UTF-8 → KDF → 32-byte AES key. Supported KDFs::

    {"name": "argon2id", "salt": hex (16 bytes), "iterations": t, "memory_kib": m, "lanes": p}
        Argon2id v1.3 (RFC 9106), output 32 bytes, no secret, no associated data.
        Written with t=3, m=65536 (64 MiB), p=4 (RFC 9106's second recommendation).
    {"name": "scrypt", "salt": hex (16 bytes), "n": N, "r": r, "p": p}   (RFC 7914), written
        only where Argon2id is unavailable: N=2^17, r=8, p=1.

Parameters read from a file are capped before any work is done: argon2id 1 <= t <= 10,
8·p <= m <= 1048576 KiB (1 GiB), 1 <= p <= 16; scrypt 2^10 <= N <= 2^20 (a power of two),
1 <= r <= 32, 1 <= p <= 16; salts of 16–64 bytes. `key_check` is the first 16 bytes of
HMAC-SHA256(key, b"jfbak key check v1"): when it does not match, the passphrase is wrong;
when it matches and the tag does not, the file was damaged or altered.

A reader verifies in this order and stops at the first failure: magic, version, flags,
manifest length and JSON, header digest, file length against payload_size; then for a plain
file payload_sha256, for an encrypted one the key check and the tag; the zlib stream,
database_size and database_sha256; then the SQLite file itself: its magic,
`PRAGMA integrity_check`, `foreign_key_check`, application_id and alembic revision.

Nothing here writes to the place the backup is kept: decrypted bytes stay in memory or go
to a local temporary file chosen by the caller.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import struct
import unicodedata
import uuid
import zlib
from contextlib import closing
from functools import cache
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from app.domain.errors import AppError
from db.schema import APPLICATION_ID

MAGIC = b"\x89JFBAK\r\n"
FORMAT_VERSION = 1
EXTENSION = ".jfbak"
FLAG_ENCRYPTED = 0x0001
FIXED_HEADER = struct.Struct(">8sHHI")  # magic, version, flags, manifest length
DIGEST_SIZE = 32
MAX_MANIFEST = 1 << 20
PROGRAM_NAME = "党员积分管理"
SQLITE_MAGIC = b"SQLite format 3\x00"
KEY_CHECK_LABEL = b"jfbak key check v1"
NONCE_SIZE = 12
TAG_SIZE = 16

DEFAULT_ARGON2 = {"name": "argon2id", "iterations": 3, "memory_kib": 65536, "lanes": 4}
DEFAULT_SCRYPT = {"name": "scrypt", "n": 2**17, "r": 8, "p": 1}
MIN_PASSPHRASE = 6


# ----------------------------------------------------------------------------- errors


class BackupError(AppError):
    """A backup cannot be written, read or restored; the message says why in one sentence."""


class NotABackup(BackupError):
    """The file is not a backup of this program."""


class BackupDamaged(BackupError):
    """The file is a backup, but incomplete or changed since it was written."""


class PassphraseRequired(BackupError):
    """The backup is encrypted and no passphrase was given."""


class WrongPassphrase(BackupError):
    """The passphrase does not open this (intact) backup."""


class BackupTooNew(BackupError):
    """The backup was written by a newer program (file format or database schema)."""


DAMAGED = "备份文件已损坏（内容与校验值对不上），无法使用，请换用其他备份。"
TRUNCATED = "备份文件不完整（可能复制时 U 盘被拔出），无法使用，请换用其他备份。"


# ----------------------------------------------------------------------------- manifest


@dataclass(frozen=True)
class DatabaseFacts:
    """What a SQLite file of this program says about itself (read with plain sqlite3)."""

    schema_revision: str | None
    schema_number: int
    application_id: int
    kind: str  # branch | township | empty
    branch: dict | None
    counts: dict[str, int]
    audit_records: int
    last_change_at: str | None
    audit_ids: frozenset[str] = field(default=frozenset(), repr=False, compare=False)


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


def read_database_facts(connection: sqlite3.Connection, with_audit_ids: bool = False) -> DatabaseFacts:
    """Facts for the manifest, from any connection to a database of this program."""
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
    revision = None
    if "alembic_version" in tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    counts.pop("alembic_version", None)
    settings = {}
    if "store_settings" in tables:
        settings = dict(connection.execute("SELECT key, value FROM store_settings"))
    branch = None
    kind = "empty"
    if settings.get("branch_id"):
        kind = "branch"
        branch = _unit_facts(connection, settings["branch_id"])
    elif settings.get("township_id"):
        kind = "township"
    audit_records, last_change, audit_ids = 0, None, frozenset()
    if "audit_log" in tables:
        audit_records, last_change = connection.execute("SELECT count(*), max(created_at) FROM audit_log").fetchone()
        if with_audit_ids:
            audit_ids = frozenset(row[0] for row in connection.execute("SELECT id FROM audit_log"))
    return DatabaseFacts(
        schema_revision=revision,
        schema_number=connection.execute("PRAGMA user_version").fetchone()[0],
        application_id=connection.execute("PRAGMA application_id").fetchone()[0],
        kind=kind,
        branch=branch,
        counts=counts,
        audit_records=audit_records,
        last_change_at=_iso_utc(last_change),
        audit_ids=audit_ids,
    )


def _unit_facts(connection: sqlite3.Connection, branch_id: str) -> dict:
    try:
        key = uuid.UUID(branch_id)
    except ValueError:
        return {"id": branch_id, "name": "", "township": ""}
    row = connection.execute("SELECT name, parent_id FROM org_units WHERE id = ?", (key.hex,)).fetchone()
    name, parent = (row[0], row[1]) if row else ("", None)
    township = ""
    if parent:
        parent_row = connection.execute("SELECT name FROM org_units WHERE id = ?", (parent,)).fetchone()
        township = parent_row[0] if parent_row else ""
    return {"id": str(key), "name": name, "township": township}


def _iso_utc(stored: str | None) -> str | None:
    """SQLAlchemy keeps UTC datetimes naive in SQLite ('2026-11-23 05:56:39.538927')."""
    if not stored:
        return None
    try:
        return datetime.fromisoformat(stored).replace(tzinfo=None).isoformat() + "+00:00"
    except ValueError:
        return None


# ----------------------------------------------------------------------------- snapshot


def take_snapshot(source: Path, target: Path) -> DatabaseFacts:
    """A consistent copy of the live database `source` at `target` (online backup API).

    Safe while the program writes to `source` (WAL readers see one committed state). The copy
    is switched to journal_mode=DELETE so it stands alone without a -wal file.
    """
    if not Path(source).is_file():
        raise BackupError(f"找不到数据库文件“{source}”。")
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            problems = _integrity_problems(copy)
            if problems:
                raise BackupError(
                    "当前数据库已经损坏，做出的备份无法使用；请先运行“检查数据库”，或用以前的备份恢复。",
                    details="; ".join(problems[:5]),
                )
            return read_database_facts(copy)
    except sqlite3.Error as exc:
        raise BackupError("读取当前数据库时出错，备份没有完成。", details=repr(exc)) from exc


def _integrity_problems(connection: sqlite3.Connection) -> list[str]:
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:  # a truncated or damaged file raises instead of answering
        return [str(exc)]
    return [] if rows == ["ok"] else rows


# ----------------------------------------------------------------------------- keys


def normalise_passphrase(passphrase: str) -> bytes:
    """Frozen for format version 1: Unicode NFC, then UTF-8 (no trimming, no case folding)."""
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
    except BackupError:
        return False


def checked_kdf_params(params) -> dict:
    """KDF parameters as read from a file, refused when missing, malformed or beyond the caps."""
    bad = BackupDamaged(DAMAGED, details=f"kdf parameters {params!r}")
    if not isinstance(params, dict):
        raise bad
    try:
        salt = bytes.fromhex(params["salt"])
        name = params["name"]
        if not 16 <= len(salt) <= 64:
            raise bad
        if name == "argon2id":
            t, m, p = (int(params[k]) for k in ("iterations", "memory_kib", "lanes"))
            if not (1 <= t <= 10 and 1 <= p <= 16 and 8 * p <= m <= 1 << 20):
                raise BackupTooNew("这个备份的加密参数超出了本程序允许的范围，可能是更新版本的程序做的，或者文件被改动过。")
            return {"name": name, "salt": params["salt"], "iterations": t, "memory_kib": m, "lanes": p}
        if name == "scrypt":
            n, r, p = (int(params[k]) for k in ("n", "r", "p"))
            if not (1 << 10 <= n <= 1 << 20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
                raise BackupTooNew("这个备份的加密参数超出了本程序允许的范围，可能是更新版本的程序做的，或者文件被改动过。")
            return {"name": name, "salt": params["salt"], "n": n, "r": r, "p": p}
    except (KeyError, TypeError, ValueError):
        raise bad from None
    raise BackupTooNew("这个备份用了本程序不认识的加密方法，请先把本程序升级到最新版本。", details=f"kdf {params.get('name')!r}")


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
        raise BackupError("本机缺少打开这种加密备份所需的组件（Argon2）。", details=repr(exc)) from exc


def key_check(key: bytes) -> str:
    return hmac.new(key, KEY_CHECK_LABEL, hashlib.sha256).digest()[:16].hex()


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
    manifest = {
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
    flags = 0
    payload = compressed
    if passphrase is not None:
        if len(passphrase) < MIN_PASSPHRASE:
            raise BackupError(f"口令太短了，请至少用 {MIN_PASSPHRASE} 个字符。")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        kdf = dict(kdf) if kdf else default_kdf()
        kdf.setdefault("salt", os.urandom(16).hex())
        key = derive_key(passphrase, kdf)
        flags |= FLAG_ENCRYPTED
        nonce = os.urandom(NONCE_SIZE)
        manifest["encryption"] = {
            "cipher": "AES-256-GCM",
            "nonce": nonce.hex(),
            "kdf": checked_kdf_params(kdf),
            "key_check": key_check(key),
        }
        manifest["payload_size"] = len(compressed) + TAG_SIZE
        header = _pack_header(manifest, flags)
        payload = AESGCM(key).encrypt(nonce, compressed, header)
    else:
        manifest["database_sha256"] = hashlib.sha256(database).hexdigest()
        manifest["payload_size"] = len(compressed)
        manifest["payload_sha256"] = hashlib.sha256(compressed).hexdigest()
        header = _pack_header(manifest, flags)
    return header + hashlib.sha256(header).digest() + payload, Manifest(manifest)


def _pack_header(manifest: dict, flags: int) -> bytes:
    body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return FIXED_HEADER.pack(MAGIC, FORMAT_VERSION, flags, len(body)) + body


# ----------------------------------------------------------------------------- reading


def parse_header(data: bytes) -> ParsedHeader:
    """Check everything up to the payload; raise a BackupError with a plain sentence if not sound."""
    if len(data) == 0:
        raise BackupDamaged("备份文件是空的（可能复制时 U 盘被拔出），无法使用，请换用其他备份。")
    if len(data) < len(MAGIC) and MAGIC.startswith(data):
        raise BackupDamaged(TRUNCATED, details=f"{len(data)} bytes")
    if not data.startswith(MAGIC):
        if data.startswith(SQLITE_MAGIC):
            raise NotABackup("这是一个数据库文件，不是备份文件；备份文件的扩展名是 .jfbak。")
        raise NotABackup("这个文件不是本程序的备份文件。")
    if len(data) < FIXED_HEADER.size:
        raise BackupDamaged(TRUNCATED, details=f"{len(data)} bytes")
    _, version, flags, length = FIXED_HEADER.unpack_from(data)
    if version > FORMAT_VERSION:
        raise BackupTooNew("这个备份文件是更新版本的程序做的，请先把本程序升级到最新版本再打开。", details=f"format {version}")
    if version != FORMAT_VERSION or flags & ~FLAG_ENCRYPTED or not 2 <= length <= MAX_MANIFEST:
        raise BackupDamaged(DAMAGED, details=f"version {version} flags {flags} manifest length {length}")
    end = FIXED_HEADER.size + length
    if len(data) < end + DIGEST_SIZE:
        raise BackupDamaged(TRUNCATED, details=f"{len(data)} bytes, header needs {end + DIGEST_SIZE}")
    header = data[:end]
    if hashlib.sha256(header).digest() != data[end : end + DIGEST_SIZE]:
        raise BackupDamaged(DAMAGED, details="header digest mismatch")
    try:
        manifest = json.loads(header[FIXED_HEADER.size :].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupDamaged(DAMAGED, details=f"manifest: {exc}") from None
    _check_manifest(manifest, bool(flags & FLAG_ENCRYPTED))
    payload_offset = end + DIGEST_SIZE
    return ParsedHeader(Manifest(manifest), header, payload_offset)


def _check_manifest(manifest, encrypted: bool) -> None:
    bad = BackupDamaged(DAMAGED, details="manifest fields")
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
            raise BackupTooNew("这个备份用了本程序不认识的压缩方法，请先把本程序升级到最新版本。")
        if (manifest["encryption"] is not None) != encrypted:
            raise bad
        if encrypted:
            encryption = manifest["encryption"]
            if encryption["cipher"] != "AES-256-GCM":
                raise BackupTooNew("这个备份用了本程序不认识的加密方法，请先把本程序升级到最新版本。")
            if len(bytes.fromhex(encryption["nonce"])) != NONCE_SIZE or len(bytes.fromhex(encryption["key_check"])) != 16:
                raise bad
            checked_kdf_params(encryption["kdf"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise bad from None


def check_payload(data: bytes, parsed: ParsedHeader) -> bytes:
    """The payload, after checking the file length (and payload_sha256 of a plain file)."""
    expected = parsed.manifest.data["payload_size"]
    payload = data[parsed.payload_offset :]
    if len(payload) < expected:
        raise BackupDamaged(TRUNCATED, details=f"payload {len(payload)} of {expected} bytes")
    if len(payload) > expected:
        raise BackupDamaged(DAMAGED, details=f"{len(payload) - expected} bytes after the payload")
    expected_sha = parsed.manifest.payload_sha256
    if expected_sha is not None and hashlib.sha256(payload).hexdigest() != expected_sha:
        raise BackupDamaged(DAMAGED, details="payload sha256 mismatch")
    return payload


def open_backup(data: bytes, passphrase: str | None = None) -> tuple[Manifest, bytes]:
    """(manifest, the SQLite file's bytes) of a backup, checked end to end; nothing is written."""
    parsed = parse_header(data)
    payload = check_payload(data, parsed)
    manifest = parsed.manifest
    if manifest.encrypted:
        compressed = _decrypt(parsed, payload, passphrase)
    else:
        compressed = payload
    try:
        database = zlib.decompress(compressed)
    except zlib.error as exc:
        raise BackupDamaged(DAMAGED, details=f"zlib: {exc}") from None
    if len(database) != manifest.data.get("database_size"):
        raise BackupDamaged(DAMAGED, details="database size mismatch")
    expected_sha = manifest.data.get("database_sha256")
    if expected_sha is not None and hashlib.sha256(database).hexdigest() != expected_sha:
        raise BackupDamaged(DAMAGED, details="database sha256 mismatch")
    if not database.startswith(SQLITE_MAGIC):
        raise BackupDamaged(DAMAGED, details="payload is not a SQLite file")
    return manifest, database


def _decrypt(parsed: ParsedHeader, payload: bytes, passphrase: str | None) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if passphrase is None or passphrase == "":
        raise PassphraseRequired("这个备份是加密的，请输入备份时设置的口令。")
    encryption = parsed.manifest.data["encryption"]
    key = derive_key(passphrase, encryption["kdf"])
    if not hmac.compare_digest(key_check(key), encryption["key_check"]):
        raise WrongPassphrase("口令不对（备份文件本身是完整的），请核对后再输入一次。")
    try:
        return AESGCM(key).decrypt(bytes.fromhex(encryption["nonce"]), payload, parsed.header)
    except InvalidTag:
        raise BackupDamaged(
            "口令正确，但备份文件已损坏或被改动过，无法解密，请换用其他备份。", details="AES-GCM tag mismatch"
        ) from None


def read_manifest(path: Path) -> Manifest:
    """Only the manifest (reads the header, not the payload): for listings and comparisons."""
    with open(path, "rb") as handle:
        head = handle.read(FIXED_HEADER.size)
        if len(head) == FIXED_HEADER.size and head.startswith(MAGIC):
            length = FIXED_HEADER.unpack(head)[3]
            head += handle.read(min(length, MAX_MANIFEST) + DIGEST_SIZE)
    return parse_header(head).manifest


# ----------------------------------------------------------------------------- the database inside


def check_database_file(path: Path, known_revisions: list[str]) -> DatabaseFacts:
    """The SQLite file restored from a backup: sound, ours, and of a schema this program can open.

    Raises BackupDamaged, NotABackup or BackupTooNew. `known_revisions` runs oldest to newest.
    """
    try:
        with closing(sqlite3.connect(path)) as connection:
            problems = _integrity_problems(connection)
            if problems:
                raise BackupDamaged(DAMAGED, details="integrity_check: " + "; ".join(problems[:5]))
            facts = read_database_facts(connection, with_audit_ids=True)
            fk_problems = connection.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupDamaged(DAMAGED, details=f"sqlite: {exc}") from None
    if facts.application_id != APPLICATION_ID or facts.schema_revision is None:
        raise NotABackup("备份里的数据库不是本程序的数据库，不能恢复。", details=f"application_id {facts.application_id}")
    if facts.schema_revision not in known_revisions:
        raise BackupTooNew(
            "这个备份是更新版本的程序做的，请先把本程序升级到最新版本再恢复；当前数据没有改动。",
            details=f"revision {facts.schema_revision}, known {known_revisions}",
        )
    if fk_problems:
        raise BackupDamaged(DAMAGED, details=f"foreign_key_check: {fk_problems[:5]}")
    return facts


def facts_match_manifest(facts: DatabaseFacts, manifest: Manifest) -> bool:
    return facts.schema_revision == manifest.schema_revision and facts.counts == manifest.counts
