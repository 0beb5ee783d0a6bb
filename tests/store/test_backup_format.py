"""The *.jfbak file format: read by hand as documented, and every way a file can go wrong."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
import zlib
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.domain import errors
from db import backup_format as fmt
from db.backup_format import framing
from db.schema import known_revisions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 1024, "lanes": 1}
CREATED = datetime(2026, 11, 23, 8, 30, tzinfo=timezone.utc)


@pytest.fixture
def snapshot(tmp_path, store, branch):
    """A small database of this program, snapshotted the way a backup does it."""
    target = tmp_path / "snapshot.db"
    facts = fmt.take_snapshot(store.path, target)
    return target.read_bytes(), facts


@pytest.fixture
def kdf_runs(monkeypatch):
    """Every key derivation started, at the libraries' entry points (Argon2id and scrypt of
    cryptography, Argon2id of argon2-cffi); each still runs for real."""
    from argon2 import low_level
    from cryptography.hazmat.primitives.kdf import argon2 as crypto_argon2, scrypt as crypto_scrypt

    runs: list[str] = []

    def counted(name, real):
        def run(*args, **kwargs):
            runs.append(name)
            return real(*args, **kwargs)

        return run

    monkeypatch.setattr(crypto_argon2, "Argon2id", counted("Argon2id", crypto_argon2.Argon2id))
    monkeypatch.setattr(crypto_scrypt, "Scrypt", counted("Scrypt", crypto_scrypt.Scrypt))
    monkeypatch.setattr(low_level, "hash_secret_raw", counted("hash_secret_raw", low_level.hash_secret_raw))
    return runs


def build(snapshot, passphrase=None, kdf=FAST_KDF):
    data, facts = snapshot
    return fmt.build_backup(data, facts, CREATED, "0.1.0", passphrase=passphrase, kdf=kdf if passphrase else None)[0]


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 2 KiB, so a small database makes a file of several chunks."""
    monkeypatch.setattr(framing, "CHUNK_SIZE", 2048)


def fixed_header(version: int, flags: int, length: int) -> bytes:
    fixed = struct.pack(">8sHHI", b"\x89JFBAK\r\n", version, flags, length)
    return fixed + struct.pack(">I", zlib.crc32(fixed))


def reseal_manifest(blob: bytes, change) -> bytes:
    """Edit the manifest and recompute the CRC and the header digest (as a careless or hostile
    tool would); the chunks and the trailer stay as they were."""
    parsed = fmt.parse_header(blob)
    manifest = dict(parsed.manifest.data)
    change(manifest)
    body = json.dumps(manifest, ensure_ascii=False).encode()
    header = fixed_header(parsed.version, parsed.flags, len(body)) + body
    return header + hashlib.sha256(header).digest() + blob[parsed.payload_offset:]


def read_by_hand(blob: bytes):
    """The documented layout, with nothing but struct, json, hashlib and zlib:
    (fixed header fields, manifest, header digest, [(final, body)], trailer fields)."""
    magic, version, flags, length = struct.unpack(">8sHHI", blob[:16])
    assert struct.unpack(">I", blob[16:20])[0] == zlib.crc32(blob[:16])
    manifest = json.loads(blob[20 : 20 + length].decode("utf-8"))
    digest = blob[20 + length : 52 + length]
    assert hashlib.sha256(blob[: 20 + length]).digest() == digest
    payload_size, payload_sha, database_sha, crc = struct.unpack(">Q32s32sI", blob[-76:])
    assert crc == zlib.crc32(blob[-76:-4])
    position, end, chunks = 52 + length, len(blob) - 76, []
    assert end - position == payload_size and hashlib.sha256(blob[position:end]).digest() == payload_sha
    while position < end:
        (word,) = struct.unpack(">I", blob[position : position + 4])
        final, size = bool(word >> 31), word & 0x7FFFFFFF
        chunks.append((final, blob[position + 4 : position + 4 + size]))
        position += 4 + size
    assert position == end and [final for final, _ in chunks] == [False] * (len(chunks) - 1) + [True]
    return (magic, version, flags), manifest, digest, chunks, database_sha


def chunk_spans(blob: bytes) -> list[tuple[int, int]]:
    """(start, end) of every chunk record in the file."""
    parsed = fmt.parse_header(blob)
    position, end, spans = parsed.payload_offset, len(blob) - fmt.TRAILER.size, []
    while position < end:
        size = struct.unpack(">I", blob[position : position + 4])[0] & 0x7FFFFFFF
        spans.append((position, position + 4 + size))
        position += 4 + size
    return spans


def test_a_plain_file_reads_by_hand_as_the_docstring_describes(snapshot):
    blob = build(snapshot)
    (magic, version, flags), manifest, _, chunks, database_sha = read_by_hand(blob)
    assert magic == b"\x89JFBAK\r\n" and version == 2 and flags == 0
    database = zlib.decompress(b"".join(body for _, body in chunks))
    assert hashlib.sha256(database).digest() == database_sha and database == snapshot[0]
    assert manifest["database_size"] == len(database) and manifest["chunk_size"] == 1 << 20
    assert manifest["branch"]["name"] == "红星村党支部" and manifest["branch"]["township"] == "城关镇党委"
    assert manifest["schema_revision"] == known_revisions()[-1] and manifest["format_version"] == 2
    assert manifest["counts"]["org_units"] == 4 and manifest["created_at"] == CREATED.isoformat()
    assert manifest["encryption"] is None and manifest["program"] == "党员积分管理"


def test_an_encrypted_file_opens_by_hand_with_the_documented_kdf_and_aad(snapshot, small_chunks):
    from argon2.low_level import Type, hash_secret_raw
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    blob = build(snapshot, passphrase="村里的口令2026")
    (_, _, flags), manifest, digest, chunks, database_sha = read_by_hand(blob)
    assert flags == 1 and database_sha == bytes(32) and len(chunks) >= 3
    kdf = manifest["encryption"]["kdf"]
    # An independent Argon2id implementation derives the same key.
    key = hash_secret_raw("村里的口令2026".encode(), bytes.fromhex(kdf["salt"]), kdf["iterations"], kdf["memory_kib"], kdf["lanes"], 32, Type.ID)
    pieces = []
    for index, (final, body) in enumerate(chunks):
        aad = digest + index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")
        pieces.append(AESGCM(key).decrypt(body[:12], body[12:], aad))
    assert [len(piece) for piece in pieces[:-1]] == [2048] * (len(pieces) - 1) and 1 <= len(pieces[-1]) <= 2048
    assert zlib.decompress(b"".join(pieces)) == snapshot[0]
    assert "红星村" not in blob[fmt.parse_header(blob).payload_offset :].decode("latin-1")


def test_a_file_of_the_first_version_still_opens():
    """Written by the program before the streamed layout (tests/fixtures/README.md)."""
    expected = "5315b259289627bbf939482e6d578796e00ee49f89d82236b2dad1d297838e4a"
    for name, passphrase in (("backup-v1-plain.jfbak", None), ("backup-v1-encrypted.jfbak", "村里的口令2026")):
        blob = (FIXTURES / name).read_bytes()
        assert struct.unpack(">H", blob[8:10])[0] == 1
        manifest, database = fmt.open_backup(blob, passphrase)
        assert hashlib.sha256(database).hexdigest() == expected and manifest.branch_name == "红星村党支部"
        assert manifest.format_version == 1 and fmt.read_manifest(FIXTURES / name).counts == manifest.counts
    encrypted = (FIXTURES / "backup-v1-encrypted.jfbak").read_bytes()
    with pytest.raises(errors.WrongPassphrase):
        fmt.open_backup(encrypted, "别的口令别的口令")
    damaged = bytearray(encrypted)
    damaged[-100] ^= 0x10
    with pytest.raises(errors.BackupAltered):
        fmt.open_backup(bytes(damaged), "村里的口令2026")
    plain = (FIXTURES / "backup-v1-plain.jfbak").read_bytes()
    for position in (10, 11, 20, 100, len(plain) - 5000, len(plain) - 1):
        damaged = bytearray(plain)
        damaged[position] ^= 0x02
        with pytest.raises(errors.BackupDamaged):
            fmt.open_backup(bytes(damaged))
    for length in (5, 16, 300, len(plain) - 1):
        with pytest.raises(errors.BackupIncomplete):
            fmt.open_backup(plain[:length])


def test_passphrases_are_normalised_nfc(snapshot):
    composed, decomposed = "Caf\u00e9口令123", "Cafe\u0301口令123"
    blob = build(snapshot, passphrase=composed)
    assert fmt.open_backup(blob, decomposed)[1] == snapshot[0]


def test_wrong_passphrase_is_told_apart_from_damage(snapshot):
    blob = build(snapshot, passphrase="correct horse")
    with pytest.raises(errors.WrongPassphrase) as wrong:
        fmt.open_backup(blob, "correct h0rse")
    assert wrong.value.message == "口令不对（备份文件本身是完整的），请核对后再输入一次。"
    with pytest.raises(errors.PassphraseRequired):
        fmt.open_backup(blob, None)
    damaged = bytearray(blob)
    damaged[-fmt.TRAILER.size - 40] ^= 0x01  # in the last chunk's ciphertext
    with pytest.raises(errors.BackupDamaged) as caught:
        fmt.open_backup(bytes(damaged), "correct horse")
    assert caught.value.message.startswith("口令正确，但备份文件已损坏")


def test_the_default_kdf_is_argon2id_with_rfc_9106_parameters_and_a_fresh_salt(snapshot):
    """Its cost is set by these parameters; the seconds it takes on this machine are printed by
    tests/benchmarks/bench_kdf.py rather than asserted (a busy machine is not a fault)."""
    params = fmt.default_kdf()
    assert params == {"name": "argon2id", "iterations": 3, "memory_kib": 65536, "lanes": 4, "salt": params["salt"]}
    assert len(bytes.fromhex(params["salt"])) == 16 and fmt.default_kdf()["salt"] != params["salt"]
    assert fmt.checked_kdf_params(params) == params  # within the caps every file is read with
    assert len(fmt.derive_key("口令口令口令", params)) == 32


def test_scrypt_files_are_read_too(snapshot):
    blob = build(snapshot, passphrase="scrypt-pass", kdf={"name": "scrypt", "n": 2**10, "r": 8, "p": 1})
    assert fmt.open_backup(blob, "scrypt-pass")[1] == snapshot[0]


@pytest.mark.parametrize(
    "kdf",
    [
        {"name": "argon2id", "iterations": 3, "memory_kib": 1 << 24, "lanes": 4},  # 16 GiB
        {"name": "argon2id", "iterations": 1000, "memory_kib": 65536, "lanes": 4},
        {"name": "scrypt", "n": 2**30, "r": 8, "p": 1},
        {"name": "bcrypt-ish", "rounds": 12},
    ],
)
def test_kdf_parameters_beyond_the_caps_are_refused_before_any_work(snapshot, kdf, kdf_runs):
    blob = build(snapshot, passphrase="whatever1")
    assert kdf_runs, "writing the file derived its key, so a derivation would be seen"
    kdf_runs.clear()
    evil = reseal_manifest(blob, lambda m: m["encryption"].update(kdf={**kdf, "salt": "00" * 16}))
    with pytest.raises(errors.BackupTooNew) as caught:
        fmt.open_backup(evil, "whatever1")
    assert kdf_runs == []
    assert "版本" in caught.value.message


def test_a_changed_manifest_is_caught_by_the_tag_even_with_a_fresh_digest(snapshot):
    blob = build(snapshot, passphrase="tamper-proof")
    evil = reseal_manifest(blob, lambda m: m["branch"].update(name="别的村"))
    with pytest.raises(errors.BackupDamaged):
        fmt.open_backup(evil, "tamper-proof")


def test_every_single_byte_flip_in_a_plain_file_is_caught(snapshot):
    blob = build(snapshot)
    positions = list(range(0, 200)) + list(range(len(blob) - 300, len(blob), 7))
    for position in positions:
        damaged = bytearray(blob)
        damaged[position] ^= 0x20
        with pytest.raises(errors.BackupError):
            fmt.open_backup(bytes(damaged))


def test_newer_format_and_strange_files(snapshot, tmp_path):
    blob = build(snapshot)
    length = struct.unpack(">I", blob[12:16])[0]
    newer = fixed_header(3, 0, length) + blob[20:]  # a sound header of a version this program does not know
    with pytest.raises(errors.BackupTooNew) as caught:
        fmt.open_backup(newer)
    assert caught.value.message == "这个备份文件是更新版本的程序做的，请先把本程序升级到最新版本再打开。"
    with pytest.raises(errors.NotABackup) as caught:
        fmt.open_backup(snapshot[0])
    assert "数据库文件，不是备份文件" in caught.value.message
    with pytest.raises(errors.NotABackup):
        fmt.open_backup(b"PK\x03\x04 a zip file")
    with pytest.raises(errors.BackupDamaged) as caught:
        fmt.open_backup(b"")
    assert "空的" in caught.value.message
    with pytest.raises(errors.BackupDamaged) as caught:
        fmt.open_backup(blob + b"\x00")
    (tmp_path / "x.jfbak").write_bytes(blob)
    assert fmt.read_manifest(tmp_path / "x.jfbak").branch_name == "红星村党支部"


def test_a_flipped_bit_in_the_version_or_flags_is_damage_not_a_newer_program(snapshot):
    """Every single-bit flip in bytes 8-11 (version, flags) of a version-2 and a version-1 file."""
    damaged_message = "备份文件已损坏（内容与校验值对不上），无法使用，请换用其他备份。"
    for blob in (build(snapshot), (FIXTURES / "backup-v1-plain.jfbak").read_bytes()):
        for position in range(8, 12):
            for bit in range(8):
                damaged = bytearray(blob)
                damaged[position] ^= 1 << bit
                with pytest.raises(errors.BackupDamaged) as caught:
                    fmt.open_backup(bytes(damaged))
                assert caught.value.message == damaged_message, (position, bit)
                with pytest.raises(errors.BackupDamaged):
                    fmt.parse_header(bytes(damaged))  # the header alone tells it


def test_a_database_of_a_newer_schema_is_refused(tmp_path, snapshot):
    path = tmp_path / "newer.db"
    path.write_bytes(snapshot[0])
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.close()
    with pytest.raises(errors.BackupTooNew) as caught:
        fmt.check_database_file(path, known_revisions())
    assert caught.value.message == "这个备份是更新版本的程序做的，请先把本程序升级到最新版本再恢复；当前数据没有改动。"


def test_a_database_damaged_inside_is_refused(tmp_path, snapshot):
    path = tmp_path / "torn.db"
    data = bytearray(snapshot[0])
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\xff" * 4096
    path.write_bytes(bytes(data))
    with pytest.raises(errors.BackupError):
        fmt.check_database_file(path, known_revisions())


def test_snapshot_of_a_live_wal_database_includes_uncheckpointed_rows(tmp_path, store, branch):
    from app.domain.enums import MemberClass
    from app.services.roster import members
    from app.services.accounts import operators

    members.add_member(store, operators.ensure_admin(store), members.MemberInput(name="王秀英", member_class=MemberClass.RETIRED))
    assert Path(f"{store.path}-wal").stat().st_size > 0
    facts = fmt.take_snapshot(store.path, tmp_path / "snap.db")
    assert facts.counts["members"] == 1
    with closing(sqlite3.connect(tmp_path / "snap.db")) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not Path(f"{tmp_path / 'snap.db'}-wal").exists()


def test_the_facts_read_the_last_change_from_the_time_index_end(store, branch):
    """A backup's facts (also read on closing the window, to skip an automatic backup of an
    unchanged file) take the newest audit record's time from its index's end: beside count(*)
    in one SELECT, max() read every record, 1.2 s on a county's file."""
    with closing(sqlite3.connect(store.path)) as raw:
        newest, records = raw.execute("SELECT created_at, (SELECT count(*) FROM audit_log) FROM audit_log ORDER BY created_at DESC LIMIT 1").fetchone()
        sent = []
        raw.set_trace_callback(sent.append)
        facts = fmt.read_database_facts(raw)
        raw.set_trace_callback(None)
        assert facts.audit_records == records > 0
        assert facts.last_change_at == datetime.fromisoformat(newest).replace(tzinfo=timezone.utc).isoformat()
        [reading] = [statement for statement in sent if "created_at" in statement]
        plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {reading}")]
    assert plan == ["SEARCH audit_log USING COVERING INDEX ix_audit_log_created_at"], plan
