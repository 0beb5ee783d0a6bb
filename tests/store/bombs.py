"""Hostile backup files built by the documented layout: zlib bombs and their framing (not a test module)."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from datetime import datetime, timezone

from db import backup_format as fmt
from db.backup_format import framing

FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 1024, "lanes": 1}
CREATED = datetime(2026, 11, 23, 8, 30, tzinfo=timezone.utc)


def sqlite_head(size: int, page_size: int = 4096) -> bytes:
    """100 bytes that look like the header of a SQLite file of `size` bytes."""
    head = bytearray(100)
    head[:16] = b"SQLite format 3\x00"
    head[16:18] = page_size.to_bytes(2, "big")
    head[24:28] = head[92:96] = (7).to_bytes(4, "big")
    head[28:32] = (size // page_size).to_bytes(4, "big")
    return bytes(head)


def zero_bomb(head: bytes, gibibytes: int) -> bytes:
    """A zlib stream of `head` and then `gibibytes` GiB of zeros, made in well under a second:
    after a full flush, every MiB of zeros compresses to the same bytes, which are repeated."""
    compressor = zlib.compressobj(9)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again
    return start + block * (gibibytes * 1024) + compressor.flush()


def frame(stream: bytes, database_size: int, passphrase: str | None = None, version: int = 2) -> bytes:
    """A whole file around any zlib stream, built by the documented layout (the hostile author
    knows the passphrase of the file they made)."""
    from db.backup_format import crypto
    from db.backup_format.checks import DatabaseFacts

    facts = DatabaseFacts("0002", 2, fmt.APPLICATION_ID, "branch", {"id": "x", "name": "炸弹村", "township": ""}, {}, 0, None)
    manifest = framing.new_manifest(facts, CREATED, "9.9.9", database_size)
    cipher = None
    if passphrase:
        manifest["encryption"], key = crypto.new_encryption(passphrase, FAST_KDF)
    if version == 1:
        return frame_version_1(manifest, stream)
    header = framing.pack_header(manifest, 1 if passphrase else 0)
    digest = hashlib.sha256(header).digest()
    if passphrase:
        cipher = crypto.ChunkCipher(key, digest)
    size = manifest["chunk_size"]
    pieces = [stream[i : i + size] for i in range(0, len(stream), size)]
    records = b""
    for index, piece in enumerate(pieces):
        final = index == len(pieces) - 1
        body = cipher.seal(index, final, piece) if cipher else piece
        records += struct.pack(">I", len(body) | (fmt.FINAL_BIT if final else 0)) + body
    body = struct.pack(">Q32s32s", len(records), hashlib.sha256(records).digest(), bytes(32))
    return header + digest + records + body + struct.pack(">I", zlib.crc32(body))


def frame_version_1(manifest: dict, stream: bytes) -> bytes:
    manifest = {k: v for k, v in manifest.items() if k != "chunk_size"}
    manifest.update(format_version=1, payload_size=len(stream), payload_sha256=hashlib.sha256(stream).hexdigest(),
                    database_sha256="00" * 32)
    body = json.dumps(manifest).encode()
    header = struct.pack(">8sHHI", fmt.MAGIC, 1, 0, len(body)) + body
    return header + hashlib.sha256(header).digest() + stream
