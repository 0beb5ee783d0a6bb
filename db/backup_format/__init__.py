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

The package: `framing` (the bytes above: header, manifest, payload), `crypto` (key
derivation, key check and cipher), `checks` (the SQLite file inside: snapshot, facts,
integrity). Errors, with the sentences the clerk reads, are app.domain.errors' Backup* kinds.
"""

from db.backup_format.checks import (
    APPLICATION_ID,
    SQLITE_MAGIC,
    DatabaseFacts,
    check_database_file,
    facts_match_manifest,
    integrity_problems,
    read_database_facts,
    take_snapshot,
)
from db.backup_format.crypto import (
    MIN_PASSPHRASE,
    checked_kdf_params,
    default_kdf,
    derive_key,
    key_check,
    normalise_passphrase,
)
from db.backup_format.framing import (
    EXTENSION,
    FIXED_HEADER,
    FLAG_ENCRYPTED,
    FORMAT_VERSION,
    MAGIC,
    Manifest,
    ParsedHeader,
    build_backup,
    check_payload,
    open_backup,
    parse_header,
    read_manifest,
)

__all__ = [
    "APPLICATION_ID", "SQLITE_MAGIC", "DatabaseFacts", "check_database_file", "facts_match_manifest",
    "integrity_problems", "read_database_facts", "take_snapshot",
    "MIN_PASSPHRASE", "checked_kdf_params", "default_kdf", "derive_key", "key_check", "normalise_passphrase",
    "EXTENSION", "FIXED_HEADER", "FLAG_ENCRYPTED", "FORMAT_VERSION", "MAGIC", "Manifest", "ParsedHeader",
    "build_backup", "check_payload", "open_backup", "parse_header", "read_manifest",
]
