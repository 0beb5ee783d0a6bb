"""The payload of a `*.jfbak` file, written and read in a stream (layout: the package docstring).

`write_backup` reads a SQLite file piece by piece and writes a whole version-2 file to any
binary sink: one zlib stream (pieces deflated in parallel, see _compress), chunks of CHUNK_SIZE compressed bytes
(each sealed on its own when encrypted), both SHA-256 sums computed on the way. `BackupReader`
opens a file of version 1 or 2, checks its header and its length (the trailer, or
payload_size) before anything else, then `unpack` streams the database into a sink: chunk by
chunk, tag by tag, inflated through `decompressobj` with a bounded output and stopped at the
size the manifest declares. Memory stays a few MiB whatever the size of the database.
`build_backup` and `open_backup` do the same on bytes in memory (tests, small files).

Nothing here opens a file by name; the caller gives open files. Errors are those of
app.domain.errors; their sentences live there.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Callable

from isal import isal_zlib

from app.domain.errors import BackupDamaged, BackupIncomplete
from db.backup_format.checks import SQLITE_MAGIC, DatabaseFacts
from db.backup_format.crypto import TAG_SIZE, ChunkCipher, WholeGcmReader, new_encryption, open_facts, opening_key, seal_facts
from db.backup_format.framing import (
    FLAG_ENCRYPTED,
    Manifest,
    ParsedHeader,
    new_manifest,
    pack_header,
    read_header,
    split_private,
    with_private,
)

PIECE = 1 << 20  # bytes read from the database, and the most the inflater gives at once
COMPRESSION_LEVEL = 1  # ISA-L's fastest but one: 5x zlib's level 1 here, and smaller; readers do not care
CHUNK_WORD = struct.Struct(">I")  # bit 31: the final chunk; bits 0-30: bytes in the body
FINAL_BIT = 1 << 31
TRAILER = struct.Struct(">Q32s32sI")  # payload size, payload SHA-256, database SHA-256, CRC-32
SQLITE_HEADER = 100
NO_DIGEST = bytes(32)

Progress = Callable[[float], None]

__all__ = [
    "PIECE", "COMPRESSION_LEVEL", "CHUNK_WORD", "FINAL_BIT", "TRAILER", "Written", "Trailer", "Unpacked",
    "write_backup", "BackupReader", "Inflater", "build_backup", "open_backup",
]


def _quiet(fraction: float) -> None:
    pass


# ----------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Written:
    manifest: Manifest
    size: int  # bytes of the whole file
    payload_sha256: str
    database_sha256: str


def write_backup(
    source: BinaryIO,
    database_size: int,
    sink: BinaryIO,
    facts: DatabaseFacts,
    created_at: datetime,
    program_version: str,
    passphrase: str | None = None,
    kdf: dict | None = None,
    progress: Progress | None = None,
    extra: dict | None = None,
) -> Written:
    """Write a whole version-2 backup of the SQLite file open as `source` (`database_size`
    bytes, read to its end) to `sink`; only `sink.write` is called, in order.

    `extra`: more manifest fields (added, never replacing the documented ones).
    """
    report = progress or _quiet
    manifest = {**(extra or {}), **new_manifest(facts, created_at, program_version, database_size)}
    key = None
    whole = manifest
    if passphrase is not None:
        manifest["encryption"], key = new_encryption(passphrase, kdf)
        manifest, private = split_private(manifest)
        manifest["sealed_facts"] = seal_facts(key, private)
    header = pack_header(manifest, FLAG_ENCRYPTED if key else 0)
    digest = hashlib.sha256(header).digest()
    sink.write(header + digest)
    chunks = _ChunkWriter(sink, ChunkCipher(key, digest) if key else None, manifest["chunk_size"])
    database_hash = _compress(source, database_size, chunks, report)
    chunks.finish()
    database_digest = NO_DIGEST if key else database_hash.digest()
    body = TRAILER.pack(chunks.size, chunks.hash.digest(), database_digest, 0)[:-4]
    sink.write(body + struct.pack(">I", zlib.crc32(body)))
    total = len(header) + len(digest) + chunks.size + TRAILER.size
    return Written(Manifest(whole), total, chunks.hash.hexdigest(), database_hash.hexdigest())


# One zlib stream made of pieces deflated in parallel (as pigz does): each PIECE is deflated on
# its own, raw, ending on a byte boundary (Z_SYNC_FLUSH); the zlib header, an empty final block
# and the Adler-32 of the whole database close them into the one stream any inflater reads.
# The pieces are deflated by ISA-L (isal_zlib, zlib's interface), which lets go of the GIL
# while it deflates, so the cores share the work; at most 2 × DEFLATERS pieces are in flight,
# so memory stays a few MiB.
DEFLATERS = max(1, min(4, os.cpu_count() or 1))
ZLIB_HEADER = b"\x78\x01"  # deflate, 32 KiB window, "fastest" (level 1), FCHECK valid
_END_OF_DEFLATE = zlib.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, -15).flush()  # the empty final block


def _deflate_piece(block: bytes) -> bytes:
    compressor = isal_zlib.compressobj(COMPRESSION_LEVEL, isal_zlib.DEFLATED, -15)
    return compressor.compress(block) + compressor.flush(isal_zlib.Z_SYNC_FLUSH)


def _compress(source: BinaryIO, database_size: int, chunks: "_ChunkWriter", report: Progress):
    database_hash, adler, done = hashlib.sha256(), zlib.adler32(b""), 0
    chunks.add(ZLIB_HEADER)
    in_flight: deque = deque()
    with ThreadPoolExecutor(max_workers=DEFLATERS, thread_name_prefix="deflate") as deflaters:
        while block := source.read(PIECE):
            done += len(block)
            if done > database_size:
                raise ValueError(f"the database grew past {database_size} bytes while being read")
            database_hash.update(block)
            adler = zlib.adler32(block, adler)
            in_flight.append(deflaters.submit(_deflate_piece, block))
            if len(in_flight) > 2 * DEFLATERS:
                chunks.add(in_flight.popleft().result())
            report(done / database_size)
        while in_flight:
            chunks.add(in_flight.popleft().result())
    if done != database_size:
        raise ValueError(f"read {done} of {database_size} bytes of the database")
    chunks.add(_END_OF_DEFLATE + struct.pack(">I", adler))
    return database_hash


class _ChunkWriter:
    """Cuts the zlib stream into chunks of exactly `chunk_size` bytes, the last one 1 to chunk_size."""

    def __init__(self, sink: BinaryIO, cipher: ChunkCipher | None, chunk_size: int) -> None:
        self.sink, self.cipher, self.chunk_size = sink, cipher, chunk_size
        self.buffer = bytearray()
        self.index = 0
        self.size = 0
        self.hash = hashlib.sha256()

    def add(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) > self.chunk_size:  # strictly more: the final chunk is never empty
            self._emit(bytes(self.buffer[: self.chunk_size]), final=False)
            del self.buffer[: self.chunk_size]

    def finish(self) -> None:
        self._emit(bytes(self.buffer), final=True)
        self.buffer = bytearray()

    def _emit(self, plain: bytes, final: bool) -> None:
        body = self.cipher.seal(self.index, final, plain) if self.cipher else plain
        word = CHUNK_WORD.pack(len(body) | (FINAL_BIT if final else 0))
        self.sink.write(word)
        self.sink.write(body)
        self.hash.update(word)
        self.hash.update(body)
        self.size += len(word) + len(body)
        self.index += 1


# ----------------------------------------------------------------------------- inflating


class Inflater:
    """zlib, bounded: never more than PIECE bytes at once, never past the declared size.

    The first 100 bytes must be a SQLite header whose page size times page count (when the
    header says that count is valid) is the declared size, so a stream of anything else is
    refused at its first chunk. A stream that would run past the declared size is refused at
    the first byte beyond it.
    """

    def __init__(self, expected_size: int, sink: BinaryIO) -> None:
        self.expected = expected_size
        self.written = 0
        self.hash = hashlib.sha256()
        self._sink = sink
        self._zlib = isal_zlib.decompressobj()  # ISA-L: zlib's interface, twice its speed
        self._head = b""

    def feed(self, data: bytes) -> None:
        while data:
            if self._zlib.eof:
                raise BackupDamaged(details="data after the end of the zlib stream")
            try:
                out = self._zlib.decompress(data, PIECE)
            except isal_zlib.error as exc:
                raise BackupDamaged(details=f"zlib: {exc}") from None
            data = self._zlib.unconsumed_tail
            self._emit(out)
        if self._zlib.unused_data:
            raise BackupDamaged(details="data after the end of the zlib stream")

    def _emit(self, out: bytes) -> None:
        if not out:
            return
        self.written += len(out)
        if self.written > self.expected:
            raise BackupDamaged(details=f"the database inflates past the declared {self.expected} bytes")
        if len(self._head) < SQLITE_HEADER:
            self._head += out[: SQLITE_HEADER - len(self._head)]
            if len(self._head) == SQLITE_HEADER:
                self._check_sqlite_header()
        self.hash.update(out)
        self._sink.write(out)

    def _check_sqlite_header(self) -> None:
        head = self._head
        if not head.startswith(SQLITE_MAGIC):
            raise BackupDamaged(details="payload is not a SQLite file")
        if len(head) < SQLITE_HEADER:
            return
        page_size = int.from_bytes(head[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(head[28:32], "big")
        size_is_valid = head[24:28] == head[92:96] and pages > 0
        if size_is_valid and page_size * pages != self.expected:
            raise BackupDamaged(details=f"SQLite header says {page_size} x {pages} bytes, manifest {self.expected}")

    def finish(self) -> None:
        # An inflater may have taken in all of the input and still hold output back (ISA-L decodes
        # ahead into a buffer of its own): asked with no more input, it gives the rest, a piece at a time.
        while not self._zlib.eof:
            try:
                out = self._zlib.decompress(b"", PIECE)
            except isal_zlib.error as exc:
                raise BackupDamaged(details=f"zlib: {exc}") from None
            if not out:
                break
            self._emit(out)
        if self._zlib.unused_data:
            raise BackupDamaged(details="data after the end of the zlib stream")
        if not self._zlib.eof:
            raise BackupDamaged(details="the zlib stream ends early")
        if self.written != self.expected:
            raise BackupDamaged(details=f"database size {self.written}, manifest {self.expected}")
        if len(self._head) < SQLITE_HEADER:
            self._check_sqlite_header()


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Trailer:
    payload_size: int
    payload_sha256: bytes
    database_sha256: bytes  # 32 zero bytes in an encrypted file


@dataclass(frozen=True)
class Unpacked:
    manifest: Manifest
    database_size: int
    database_sha256: str


class BackupReader:
    """One backup file, open for reading (a seekable binary file at its start).

    Opening checks the header (magic, version, flags, manifest, header digest, KDF caps) and
    the file's length — version 2 by its trailer, version 1 by payload_size — so a damaged or
    cut-off file is refused before any key is derived or byte inflated. `unpack` streams the
    database into a sink and checks everything else; on any error the caller throws away what
    the sink got.
    """

    def __init__(self, source: BinaryIO) -> None:
        self.source = source
        self.file_size = source.seek(0, io.SEEK_END)
        source.seek(0)
        self.parsed: ParsedHeader = read_header(source)
        self.manifest: Manifest = self.parsed.manifest
        self.trailer = self._read_trailer() if self.parsed.version >= 2 else None
        if self.trailer is None:
            self._check_version_1_length()

    @property
    def database_size(self) -> int:
        return self.manifest.database_size

    # --- the length of the file

    def _body_size(self) -> int:
        """Bytes in the body of every chunk but the last."""
        return self.manifest.data["chunk_size"] + (ChunkCipher.OVERHEAD if self.manifest.encrypted else 0)

    def _read_trailer(self) -> Trailer:
        start = self.file_size - TRAILER.size
        offset = self.parsed.payload_offset
        if start < offset + CHUNK_WORD.size + 1:
            raise BackupIncomplete(details=f"{self.file_size} bytes: no room for a chunk and the trailer")
        self.source.seek(start)
        raw = self.source.read(TRAILER.size)
        payload_size, payload_sha, database_sha, crc = TRAILER.unpack(raw)
        if crc != zlib.crc32(raw[:-4]):
            self._classify_broken_end()
        if offset + payload_size != start:
            raise BackupDamaged(details=f"trailer payload size {payload_size}, file has {start - offset}")
        return Trailer(payload_size, payload_sha, database_sha)

    def _classify_broken_end(self) -> None:
        """The trailer is not there: walk the chunk words (one small read a chunk) to tell a file
        cut short from one damaged."""
        position, body_size = self.parsed.payload_offset, self._body_size()
        while True:
            self.source.seek(position)
            word = self.source.read(CHUNK_WORD.size)
            if len(word) < CHUNK_WORD.size:
                raise BackupIncomplete(details=f"cut inside the chunks at {self.file_size}")
            value = CHUNK_WORD.unpack(word)[0]
            length, final = value & ~FINAL_BIT, bool(value & FINAL_BIT)
            if length == 0 or length > body_size or (not final and length != body_size):
                raise BackupDamaged(details=f"chunk word {value:#x} at {position}")
            position += CHUNK_WORD.size + length
            if final or position >= self.file_size:
                break
        if position + TRAILER.size > self.file_size:
            raise BackupIncomplete(details=f"cut at {self.file_size}, the chunks end at {position}")
        raise BackupDamaged(details="trailer checksum mismatch")

    def _check_version_1_length(self) -> None:
        expected = self.manifest.data["payload_size"]
        found = self.file_size - self.parsed.payload_offset
        if found < expected:
            raise BackupIncomplete(details=f"payload {found} of {expected} bytes")
        if found > expected:
            raise BackupDamaged(details=f"{found - expected} bytes after the payload")

    # --- the payload

    def unpack(self, passphrase: str | None, sink: BinaryIO, progress: Progress | None = None) -> Unpacked:
        """Stream the database into `sink`, checking tags, sizes and checksums on the way.

        A missing or wrong passphrase is told before any payload byte is read.
        """
        key = opening_key(self.manifest.data["encryption"], passphrase) if self.manifest.encrypted else None
        inflater = Inflater(self.database_size, sink)
        if self.trailer is not None:
            expected = self._unpack_chunks(key, inflater, progress or _quiet)
        else:
            expected = _Version1(self, key, inflater, progress or _quiet).run()
        inflater.finish()
        if expected is not None and inflater.hash.digest() != expected:
            raise BackupDamaged(details="database sha256 mismatch")
        return Unpacked(self._whole_manifest(key), inflater.written, inflater.hash.hexdigest())

    def _whole_manifest(self, key: bytes | None) -> Manifest:
        """The manifest with an encrypted file's sealed facts opened (counts, township, chain heads)."""
        sealed = self.manifest.data.get("sealed_facts")
        if key is None or not sealed:
            return self.manifest
        return Manifest(with_private(self.manifest.data, open_facts(key, sealed)))

    def _unpack_chunks(self, key: bytes | None, inflater: Inflater, report: Progress) -> bytes | None:
        """Version 2; returns the database SHA-256 the trailer expects (None when encrypted)."""
        cipher = ChunkCipher(key, self.parsed.digest) if key else None
        end = self.parsed.payload_offset + self.trailer.payload_size
        position, index, final = self.parsed.payload_offset, 0, False
        payload_hash = hashlib.sha256()
        self.source.seek(position)
        while not final:
            word, body, final = self._next_chunk(position, end)
            payload_hash.update(word)
            payload_hash.update(body)
            inflater.feed(cipher.open(index, final, body) if cipher else body)
            position += len(word) + len(body)
            index += 1
            report((position - self.parsed.payload_offset) / max(1, self.trailer.payload_size))
        if position != end:
            raise BackupDamaged(details=f"{end - position} bytes after the final chunk")
        if payload_hash.digest() != self.trailer.payload_sha256:
            raise BackupDamaged(details="payload sha256 mismatch")
        return None if cipher else self.trailer.database_sha256

    def _next_chunk(self, position: int, end: int) -> tuple[bytes, bytes, bool]:
        word = self.source.read(CHUNK_WORD.size)
        if position + CHUNK_WORD.size > end or len(word) < CHUNK_WORD.size:
            raise BackupDamaged(details=f"the chunks end at {position} without a final chunk")
        value = CHUNK_WORD.unpack(word)[0]
        length, final = value & ~FINAL_BIT, bool(value & FINAL_BIT)
        body_size = self._body_size()
        if length == 0 or length > body_size or (not final and length != body_size) or position + 4 + length > end:
            raise BackupDamaged(details=f"chunk word {value:#x} at {position}")
        body = self.source.read(length)
        if len(body) < length:
            raise BackupIncomplete(details=f"chunk at {position} cut short")
        return word, body, final


class _Version1:
    """The payload of a version-1 file: one zlib stream, plain (with payload_sha256) or one
    AES-GCM message whose tag is its last 16 bytes, read in pieces."""

    def __init__(self, reader: BackupReader, key: bytes | None, inflater: Inflater, report: Progress) -> None:
        self.reader, self.inflater, self.report = reader, inflater, report
        self.data = reader.manifest.data
        self.offset = reader.parsed.payload_offset
        self.size = self.data["payload_size"]
        self.gcm = None
        if key is not None:
            if self.size < TAG_SIZE:
                raise BackupDamaged(details=f"payload of {self.size} bytes")
            reader.source.seek(self.offset + self.size - TAG_SIZE)
            tag = reader.source.read(TAG_SIZE)
            nonce = bytes.fromhex(self.data["encryption"]["nonce"])
            self.gcm = WholeGcmReader(key, nonce, tag, reader.parsed.header)
            self.size -= TAG_SIZE

    def run(self) -> bytes | None:
        source, payload_hash, damage = self.reader.source, hashlib.sha256(), None
        source.seek(self.offset)
        done = 0
        while done < self.size:
            piece = source.read(min(PIECE, self.size - done))
            if not piece:
                raise BackupIncomplete(details=f"payload cut at {done}")
            done += len(piece)
            payload_hash.update(piece)
            damage = self._feed(self.gcm.update(piece) if self.gcm else piece, damage)
            self.report(done / max(1, self.size))
        if self.gcm is not None:
            damage = self._feed(self.gcm.finish(), damage)  # the tag is checked first: altered beats damaged
        elif payload_hash.hexdigest() != self.data["payload_sha256"]:
            raise BackupDamaged(details="payload sha256 mismatch")
        if damage is not None:
            raise damage
        return None if self.gcm else bytes.fromhex(self.data["database_sha256"])

    def _feed(self, plain: bytes, damage: BackupDamaged | None) -> BackupDamaged | None:
        """Inflate; a damage found before the GCM tag is checked is held until it has been."""
        if damage is not None:
            return damage
        try:
            self.inflater.feed(plain)
        except BackupDamaged as exc:
            if self.gcm is None:
                raise
            return exc
        return None


# ----------------------------------------------------------------------------- in memory


def build_backup(
    database: bytes,
    facts: DatabaseFacts,
    created_at: datetime,
    program_version: str,
    passphrase: str | None = None,
    kdf: dict | None = None,
) -> tuple[bytes, Manifest]:
    """The whole backup file as bytes, and its manifest (for tests and small files)."""
    sink = io.BytesIO()
    written = write_backup(io.BytesIO(database), len(database), sink, facts, created_at, program_version, passphrase, kdf)
    return sink.getvalue(), written.manifest


def open_backup(data: bytes, passphrase: str | None = None) -> tuple[Manifest, bytes]:
    """(manifest, the SQLite file's bytes) of a backup in memory, checked end to end."""
    sink = io.BytesIO()
    unpacked = BackupReader(io.BytesIO(data)).unpack(passphrase, sink)
    return unpacked.manifest, sink.getvalue()
