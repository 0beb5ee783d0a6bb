"""Hostile and damaged *.jfbak files: cut at every length, bits flipped everywhere, chunks swapped,
decompression bombs, random mutations. Each is refused with a backup error, quickly and in a
few megabytes; nothing else (no other exception, no success with other bytes).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import struct
import time
import tracemalloc
import zlib
from datetime import datetime, timezone

import pytest

from app.domain import errors
from db import backup_format as fmt
from db.backup_format import framing
from store.bombs import frame, sqlite_head, zero_bomb

FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 1024, "lanes": 1}
CREATED = datetime(2026, 11, 23, 8, 30, tzinfo=timezone.utc)
PASSPHRASE = "村里的口令2026"
DAMAGED = "备份文件已损坏（内容与校验值对不上），无法使用，请换用其他备份。"
INCOMPLETE = "备份文件不完整（可能复制时 U 盘被拔出），无法使用，请换用其他备份。"
ALTERED = "口令正确，但备份文件已损坏或被改动过，无法解密，请换用其他备份。"


@pytest.fixture
def snapshot(tmp_path, store, branch):
    target = tmp_path / "snapshot.db"
    facts = fmt.take_snapshot(store.path, target)
    return target.read_bytes(), facts


@pytest.fixture
def files(snapshot, monkeypatch):
    """A plain and an encrypted file of the same database, in chunks of 2 KiB (several chunks)."""
    monkeypatch.setattr(framing, "CHUNK_SIZE", 2048)
    data, facts = snapshot
    plain = fmt.build_backup(data, facts, CREATED, "0.1.0")[0]
    encrypted = fmt.build_backup(data, facts, CREATED, "0.1.0", passphrase=PASSPHRASE, kdf=FAST_KDF)[0]
    assert len(chunk_spans(plain)) >= 4 and len(chunk_spans(encrypted)) >= 4
    return {"plain": plain, "encrypted": encrypted, "database": data}


def chunk_spans(blob: bytes) -> list[tuple[int, int]]:
    parsed = fmt.parse_header(blob)
    position, end, spans = parsed.payload_offset, len(blob) - fmt.TRAILER.size, []
    while position < end:
        size = struct.unpack(">I", blob[position : position + 4])[0] & 0x7FFFFFFF
        spans.append((position, position + 4 + size))
        position += 4 + size
    return spans


def refused(blob: bytes, passphrase: str | None = None) -> errors.BackupError:
    with pytest.raises(errors.BackupError) as caught:
        fmt.open_backup(blob, passphrase)
    return caught.value


def with_trailer(blob: bytes, records: bytes) -> bytes:
    """The header of `blob` followed by `records` and a trailer that fits them (a careful forger)."""
    parsed = fmt.parse_header(blob)
    body = struct.pack(">Q32s32s", len(records), hashlib.sha256(records).digest(), blob[-44:-12])
    return blob[: parsed.payload_offset] + records + body + struct.pack(">I", zlib.crc32(body))


# ----------------------------------------------------------------------------- cut short


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
def test_a_file_cut_at_any_length_is_incomplete(files, kind):
    blob = files[kind]
    step = 1 if kind == "plain" else 5
    for length in [0, *range(1, len(blob), step)]:
        error = refused(blob[:length], PASSPHRASE)
        assert isinstance(error, errors.BackupIncomplete), (length, error.details)
        assert error.message == (INCOMPLETE if length else "备份文件是空的（可能复制时 U 盘被拔出），无法使用，请换用其他备份。")


def test_cut_at_a_chunk_boundary_with_a_forged_trailer(files):
    """A forger who drops the last chunks and writes a fitting trailer: the missing final flag
    (plain), or the tags (encrypted), still tell."""
    for kind in ("plain", "encrypted"):
        blob = files[kind]
        spans = chunk_spans(blob)
        kept = blob[spans[0][0] : spans[-2][1]]
        assert "without a final chunk" in refused(with_trailer(blob, kept), PASSPHRASE).details
        # ...and marks the new last chunk final: the tag of an encrypted file was made for "not final".
        start = spans[-2][0]
        word = struct.unpack(">I", blob[start : start + 4])[0] | fmt.FINAL_BIT
        marked = blob[spans[0][0] : start] + struct.pack(">I", word) + blob[start + 4 : spans[-2][1]]
        error = refused(with_trailer(blob, marked), PASSPHRASE)
        assert error.message == (ALTERED if kind == "encrypted" else DAMAGED), kind


# ----------------------------------------------------------------------------- flipped bits


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
def test_a_flipped_bit_in_the_header_or_manifest_is_damage(files, kind):
    blob = files[kind]
    payload_offset = fmt.parse_header(blob).payload_offset
    rng = random.Random(12)
    for position in range(8):  # the magic is what makes it a backup at all
        damaged = bytearray(blob)
        damaged[position] ^= 1 << rng.randrange(8)
        assert isinstance(refused(bytes(damaged)), errors.NotABackup)
    for position in range(8, payload_offset):
        damaged = bytearray(blob)
        damaged[position] ^= 1 << rng.randrange(8)
        error = refused(bytes(damaged), PASSPHRASE)
        assert error.message == DAMAGED, (position, error.details)


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
def test_a_flipped_bit_in_a_chunk_or_the_trailer_is_damage(files, kind):
    blob = files[kind]
    spans = chunk_spans(blob)
    rng = random.Random(14)
    words = [start + i for start, _ in spans for i in range(4)]
    bodies = [position for start, end in spans for position in range(start + 4, end, 23)]
    trailer = range(len(blob) - fmt.TRAILER.size, len(blob))
    for position in [*words, *bodies, *trailer]:
        damaged = bytearray(blob)
        damaged[position] ^= 1 << rng.randrange(8)
        error = refused(bytes(damaged), PASSPHRASE)
        in_body = any(start + 4 <= position < end for start, end in spans)
        if kind == "encrypted" and in_body:
            assert error.message == ALTERED, position
        elif kind == "encrypted" and position < spans[-1][1]:  # a word: its final flag is in the tag too
            assert error.message in (DAMAGED, ALTERED), (position, error.details)
        else:
            assert error.message in (DAMAGED, INCOMPLETE), (position, error.details)


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
def test_a_swapped_pair_of_chunks_is_refused(files, kind):
    blob = files[kind]
    spans = chunk_spans(blob)
    records = [blob[start:end] for start, end in spans]
    for first, second in ((0, 1), (1, 2), (0, len(records) - 2)):
        swapped = list(records)
        swapped[first], swapped[second] = swapped[second], swapped[first]
        forged = with_trailer(blob, b"".join(swapped))  # even with a trailer that fits
        error = refused(forged, PASSPHRASE)
        assert error.message == (ALTERED if kind == "encrypted" else DAMAGED), (first, second, error.details)


def test_a_chunk_from_another_file_with_the_same_passphrase_is_refused(files, snapshot):
    data, facts = snapshot
    other = fmt.build_backup(data, facts, CREATED, "0.1.0", passphrase=PASSPHRASE, kdf=FAST_KDF)[0]
    blob = files["encrypted"]
    spans, other_spans = chunk_spans(blob), chunk_spans(other)
    records = [blob[start:end] for start, end in spans]
    records[1] = other[other_spans[1][0] : other_spans[1][1]]
    assert refused(with_trailer(blob, b"".join(records)), PASSPHRASE).message == ALTERED


# ----------------------------------------------------------------------------- bombs


class Counting(io.RawIOBase):
    """A sink that keeps nothing, only counts."""

    def __init__(self) -> None:
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.count += len(data)
        return len(data)


def unpack_measured(blob: bytes, passphrase: str | None = None) -> tuple[errors.BackupError, float, int, int]:
    """(the error, seconds, peak bytes allocated while reading, bytes given to the sink)."""
    sink = Counting()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(errors.BackupError) as caught:
            fmt.BackupReader(io.BytesIO(blob)).unpack(passphrase, sink)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return caught.value, seconds, peak, sink.count


@pytest.mark.parametrize("version, passphrase", [(2, None), (2, PASSPHRASE), (1, None)])
def test_a_bomb_that_inflates_past_its_declared_size_is_refused_in_a_second_and_a_few_mb(version, passphrase):
    declared = 1 << 20
    blob = frame(zero_bomb(sqlite_head(declared), 4), declared, passphrase, version)  # 4 GiB of zeros
    assert len(blob) < 8 << 20
    error, seconds, peak, written = unpack_measured(blob, passphrase)
    assert "inflates past" in error.details and error.message == DAMAGED
    assert written == declared and peak < 8 << 20, (seconds, peak)


def test_a_bomb_that_declares_a_huge_size_is_refused_before_reading_the_payload():
    for declared in (fmt.MAX_DATABASE_SIZE + 1, 1 << 50, 0, -1):
        blob = frame(zero_bomb(sqlite_head(1 << 20), 1), declared)
        with pytest.raises(errors.BackupDamaged):
            fmt.parse_header(blob)  # the header alone is refused


def test_a_stream_that_is_not_the_declared_database_stops_at_its_first_piece():
    declared = 10 << 30  # within the ceiling: a caller would have checked its free disk space
    not_sqlite = zero_bomb(b"PK\x03\x04" + bytes(96), 1)
    wrong_size = zero_bomb(sqlite_head(1 << 30), 1)  # a SQLite header of 1 GiB, declared 10 GiB
    for stream, words in ((not_sqlite, "not a SQLite file"), (wrong_size, "SQLite header says")):
        error, seconds, peak, written = unpack_measured(frame(stream, declared))
        assert words in error.details and written == 0 and peak < 8 << 20


def test_a_chunk_word_claiming_gigabytes_is_refused_without_reading(files):
    blob = files["plain"]
    start = chunk_spans(blob)[0][0]
    for word in (0x7FFFFFFF, 0xFFFFFFFF, 0, 2049):
        records = struct.pack(">I", word) + blob[start + 4 : -fmt.TRAILER.size]
        error = refused(with_trailer(blob, records))
        assert "chunk word" in error.details and error.message == DAMAGED


def test_a_manifest_declaring_huge_chunks_or_a_strange_size_is_refused(files):
    blob = files["plain"]
    parsed = fmt.parse_header(blob)
    for change in ({"chunk_size": 1 << 30}, {"chunk_size": 0}, {"chunk_size": "2048"}, {"database_size": 2.5e9},
                   {"database_size": True}, {"chunk_size": None}):
        manifest = {**parsed.manifest.data, **change}
        body = json.dumps(manifest).encode()
        fixed = struct.pack(">8sHHI", fmt.MAGIC, 2, 0, len(body))
        header = fixed + struct.pack(">I", zlib.crc32(fixed)) + body
        with pytest.raises(errors.BackupDamaged):
            fmt.parse_header(header + hashlib.sha256(header).digest() + blob[parsed.payload_offset :])


# ----------------------------------------------------------------------------- fuzz


def mutate(blob: bytes, rng: random.Random) -> bytes:
    data = bytearray(blob)
    kind = rng.randrange(5)
    if kind == 0:
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == 1:
        start = rng.randrange(len(data))
        del data[start : start + rng.randint(1, 300)]
    elif kind == 2:
        start = rng.randrange(len(data))
        data[start:start] = rng.randbytes(rng.randint(1, 300))
    elif kind == 3:
        start = rng.randrange(len(data) - 8)
        data[start : start + 8] = rng.choice([b"\xff" * 8, b"\x00" * 8, b"\x7f\xff\xff\xff\x00\x00\x00\x01"])
    else:
        del data[rng.randrange(1, len(data)) :]
    return bytes(data)


@pytest.mark.parametrize("kind", ["plain", "encrypted"])
def test_random_mutations_are_all_refused_as_backup_errors(files, kind):
    rng = random.Random(2026 if kind == "plain" else 2027)
    blob = files[kind]
    for case in range(400):
        mutated = mutate(blob, rng)
        if mutated == blob:
            continue
        try:
            fmt.open_backup(mutated, PASSPHRASE)
        except errors.BackupError:
            continue
        raise AssertionError(f"case {case}: a mutated file opened")
