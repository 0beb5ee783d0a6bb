"""The backup file (`*.jfbak`): one file per backup, readable by any program that follows this text.

Programs write version 2 (streamed, below) and read versions 1 and 2. Integers are unsigned
big-endian; CRC-32 is the one of zlib, PNG and gzip (`zlib.crc32`).

Layout, version 2::

    offset   size  field
    0        8     magic 89 4A 46 42 41 4B 0D 0A  (b"\\x89JFBAK\\r\\n": the high byte and the CR LF
                   reveal 7-bit and text-mode transfers)
    8        2     format version = 2
    10       2     flags: bit 0 set = the payload is encrypted; all other bits are 0
    12       4     N = length of the manifest in bytes, 2 <= N <= 1 MiB
    16       4     CRC-32 of bytes [0, 16): checked before the version is believed
    20       N     manifest: a UTF-8 JSON object (fields below)
    20+N     32    header digest H: SHA-256 of bytes [0, 20+N)
    52+N     P     chunk records, one after another; the last one carries the final flag
    52+N+P   76    trailer (below); the file ends exactly here

Every later version keeps bytes [0, 20) as they are here (magic, version, flags, N, CRC-32),
so that a reader can tell a newer file (sound CRC, higher version) from a damaged one (a
flipped bit in the version fails the CRC and is reported as damage).

A chunk record::

    4      word: bit 31 set = the final chunk; bits 0-30 = B, the length of the body
    B      body: plain file — the next B bytes of the zlib stream;
                 encrypted — nonce (12 random bytes) || AES-256-GCM ciphertext of the next
                 bytes of the zlib stream || tag (16); B = that length + 28

The zlib stream (RFC 1950; its pieces deflated in parallel at level 1 by ISA-L, see stream.py) of the SQLite file is
cut into pieces of exactly `chunk_size` bytes (manifest; 1 MiB = 1,048,576 when written,
at most 16 MiB when read); the last piece has 1 to chunk_size bytes and goes in the final
chunk. Chunks are numbered from 0. An encrypted chunk i is sealed with its own nonce and the
associated data H || i (8 bytes) || final (1 byte: 01 for the final chunk, 00 otherwise): the
manifest and header are bound through H, and truncation at a chunk boundary, reordering and
chunks swapped in from another file all fail a tag.

The trailer::

    8      P, the bytes of all chunk records
    32     payload SHA-256: of the chunk records, bytes [52+N, 52+N+P) (words and bodies)
    32     database SHA-256: of the SQLite file (plain files); 32 zero bytes when encrypted
    4      CRC-32 of the trailer's first 72 bytes

Layout, version 1 (one zlib stream; read, no longer written)::

    0        8     magic;  8  2  version = 1;  10  2  flags (as above);  12  4  N
    16       N     manifest
    16+N     32    header digest: SHA-256 of bytes [0, 16+N)
    48+N     P     payload, P = manifest["payload_size"]; the file ends exactly here

    The payload is the whole zlib stream; encrypted, it is AES-256-GCM ciphertext || 16-byte
    tag with the nonce of manifest["encryption"]["nonce"] and bytes [0, 16+N) as associated
    data. Plain files carry payload_sha256 and database_sha256 in the manifest.

The payload is a SQLite database file — a consistent snapshot taken with SQLite's online
backup API while the program runs, switched to `journal_mode=DELETE` so that it stands alone.

Manifest fields of version 2 (all present; `null` where stated)::

    format            "jfbak"
    format_version    2 (the same as the header)
    program           "党员积分管理";  program_version  e.g. "0.1.0"
    created_at        when the snapshot was taken, ISO 8601 with UTC offset
    schema_revision   the Alembic revision inside the database (alembic_version.version_num)
    schema_number     PRAGMA user_version of the database (count of migrations applied)
    application_id    PRAGMA application_id (0x444A4647 for this program's files)
    database_kind     "branch" | "township" | "empty"
    branch            {"id": UUID, "name": str, "township": str} or null
    counts            {table name: number of rows} for every table of the database
    audit_records     rows in audit_log;  last_change_at  newest audit_log.created_at or null
    chain_heads       {"points_entries": {"seq": n, "hash": hex}, "audit_log": {...}}: the heads of
                      the ledger chains (app/domain/chain.py) when the snapshot was taken; null
                      for a database older than schema 0003. Added later than version 2's first
                      files: a reader treats it as optional.
    database_size     bytes of the SQLite file, 1 <= size <= 256 GiB (the hard ceiling)
    compression       "zlib"
    chunk_size        bytes of the zlib stream in each chunk but the last
    encryption        null, or {"cipher": "AES-256-GCM", "kdf": {...}, "key_check": hex (16 bytes)}
    sealed_facts      encrypted files only (written from 2026-11-30; optional for a reader): the
                      fields counts, audit_records, last_change_at, chain_heads and branch.township
                      are left out of the readable manifest and kept here instead, as hex of
                      nonce (12) || AES-256-GCM(key, UTF-8 JSON {field: value, "branch":
                      {"township": ...}}) || tag, associated data b"jfbak sealed facts v2". The
                      readable manifest of an encrypted file thus says only what is needed to
                      choose it (program, time, schema, branch name and id, sizes).

Version 1 has no chunk_size and has, besides: payload_size (P), payload_sha256 and
database_sha256 (hex; null when encrypted) and encryption.nonce (hex, 12 bytes). Fields a
reader does not know are carried along and ignored, so later programs may add fields.

An encrypted file carries no plaintext hash (it would let anyone confirm a guess of the
contents): its checks are the GCM tags, and `key_check` tells a wrong passphrase from damage.
The manifest is never encrypted, so a backup can be listed, compared and checked for damage
without its passphrase; a plain file's manifest names the branch and its township and counts
rows (its payload is readable anyway), an encrypted file's keeps those in sealed_facts.
Members' personal data is sealed inside the database itself (db/sealed.py) in either kind.

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
when it matches and a tag does not, the file was damaged or altered.

A reader verifies in this order and stops at the first failure: magic; the CRC-32 of the
fixed header (version 2 on), version, flags, manifest length; the header digest; the
manifest's fields and limits (database_size within the ceiling, chunk_size, KDF caps); the
file's length — version 2: the trailer's CRC-32 and P against the file (when the trailer is
missing the chunk words are walked to tell a cut-off file from a damaged one), version 1:
payload_size — then, for an encrypted file, the key check. Only then is the payload read,
chunk by chunk: each word (final flag, B = chunk_size or 1..chunk_size for the last; + 28
when encrypted) and each tag in turn; the zlib stream inflated with an output bound of 1 MiB
a step, its first 100 bytes a SQLite header whose page size × page count (when valid)
equals database_size, and stopped at the first byte past database_size; nothing after the
final chunk but the trailer; then the payload and database SHA-256 (plain files) and the
inflated size; then the SQLite file itself: `PRAGMA integrity_check`, `foreign_key_check`,
application_id and alembic revision. A decompression bomb therefore costs at most a chunk
and the declared size (checked against free disk space by the caller) before it is refused.

Reading and writing stream: memory stays a few MiB whatever the database's size (no one-shot
AES-GCM, so no 2 GiB limit). Nothing here writes to the place the backup is kept: decrypted
bytes go to a local file chosen by the caller, who removes it on any error (version-1 GCM
plaintext is authenticated only by the tag at the end).

The package: `framing` (header, manifest and their limits), `stream` (the chunks, the trailer,
writing and reading a whole file in a stream), `crypto` (key derivation, key check and the
ciphers), `checks` (the SQLite file inside: snapshot, facts, integrity). Errors, with the
sentences the clerk reads, are app.domain.errors' Backup* kinds.
"""

from db.backup_format.checks import (
    APPLICATION_ID,
    SQLITE_MAGIC,
    DatabaseFacts,
    check_database_file,
    facts_match_manifest,
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
    CHUNK_SIZE,
    EXTENSION,
    FIXED_HEADER,
    FLAG_ENCRYPTED,
    FORMAT_VERSION,
    HEADER_CRC,
    MAGIC,
    MAX_DATABASE_SIZE,
    Manifest,
    ParsedHeader,
    parse_header,
    read_header,
    read_manifest,
)
from db.backup_format.stream import (
    CHUNK_WORD,
    FINAL_BIT,
    TRAILER,
    BackupReader,
    Unpacked,
    Written,
    build_backup,
    open_backup,
    write_backup,
)

__all__ = [
    "APPLICATION_ID", "SQLITE_MAGIC", "DatabaseFacts", "check_database_file", "facts_match_manifest",
    "read_database_facts", "take_snapshot",
    "MIN_PASSPHRASE", "checked_kdf_params", "default_kdf", "derive_key", "key_check", "normalise_passphrase",
    "CHUNK_SIZE", "EXTENSION", "FIXED_HEADER", "FLAG_ENCRYPTED", "FORMAT_VERSION", "HEADER_CRC", "MAGIC",
    "MAX_DATABASE_SIZE", "Manifest", "ParsedHeader", "parse_header", "read_header", "read_manifest",
    "CHUNK_WORD", "FINAL_BIT", "TRAILER", "BackupReader", "Unpacked", "Written", "build_backup", "open_backup",
    "write_backup",
]
