"""The backup's zlib stream is deflated in parallel pieces (db/backup_format/stream.py, _compress):
whatever the size, it must be one ordinary zlib stream that any inflater reads to its end."""

from __future__ import annotations

import hashlib
import io
import os
import zlib

import pytest

from db.backup_format import stream


class _Collected(list):
    add = list.append


@pytest.mark.parametrize("size", [0, 1, stream.PIECE - 1, stream.PIECE, stream.PIECE + 1, 5 * stream.PIECE + 7])
def test_pieces_deflated_apart_make_one_zlib_stream(size):
    line = "党员 points 2026-03-01 ".encode()
    pattern = line * (size // len(line) + 1)
    data = bytes(a ^ b for a, b in zip(pattern[:size], os.urandom(size))) if size % 2 else pattern[:size]
    collected = _Collected()
    digest = stream._compress(io.BytesIO(data), size, collected, lambda fraction: None)
    compressed = b"".join(collected)
    inflater = zlib.decompressobj()
    assert inflater.decompress(compressed) == data
    assert inflater.eof and inflater.unused_data == b""
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_database_that_grows_while_read_is_refused():
    with pytest.raises(ValueError, match="grew"):
        stream._compress(io.BytesIO(b"x" * (stream.PIECE + 1)), stream.PIECE, _Collected(), lambda fraction: None)
