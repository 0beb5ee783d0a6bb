"""The backup's zlib stream is deflated in parallel pieces (db/backup_format/stream.py, _compress):
whatever the size, it must be one ordinary zlib stream that any inflater reads to its end."""

from __future__ import annotations

import hashlib
import io
import os
import random
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


@pytest.mark.parametrize("beyond", [1, 10_000, 40_000])
def test_the_inflater_gives_all_it_holds_when_the_input_ends(beyond):
    """Fed the whole stream at once, with more than one piece of output still to come after its
    last input byte is taken in: whatever the inflater decoded ahead and held back comes out at
    finish(), and the database is complete."""
    from db.backup_format.stream import PIECE, Inflater
    from store.bombs import sqlite_head

    size = 3 * PIECE + beyond
    data = sqlite_head(size, page_size=1024)[:24] + bytes(4) + sqlite_head(size, page_size=1024)[28:]  # size not claimed valid
    data += random.Random(beyond).randbytes(size - len(data)).translate(bytes(b % 16 for b in range(256)))  # compresses about 2:1
    sink = io.BytesIO()
    inflater = Inflater(size, sink)
    inflater.feed(zlib.compress(data, 1))
    inflater.finish()
    assert sink.getvalue() == data
