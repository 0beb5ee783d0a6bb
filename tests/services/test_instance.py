"""A second window on the same database is noticed, and a closed (or crashed) one never blocks."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from app.services.instance import claim_window, lock_path

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_claim_is_refused_until_the_first_is_released(tmp_path):
    database = tmp_path / "jifen.db"
    first, who = claim_window(database)
    assert first is not None and who == ""
    second, who = claim_window(database)
    assert second is None and who.startswith("本机另一个窗口（进程 ")
    first.release()
    third, who = claim_window(database)
    assert third is not None and who == ""
    third.release()


def test_a_window_that_ended_without_releasing_does_not_block(tmp_path):
    database = tmp_path / "jifen.db"
    script = textwrap.dedent(f"""
        from pathlib import Path
        from app.services.instance import claim_window
        claim, _ = claim_window(Path({str(database)!r}))
        assert claim is not None
        raise SystemExit(3)  # ends without release(), as a crash would
    """)
    assert subprocess.run([sys.executable, "-c", script], cwd=ROOT).returncode == 3
    assert lock_path(database).exists()
    claim, who = claim_window(database)
    assert claim is not None and who == ""
    claim.release()


def test_a_server_database_has_nothing_to_hold():
    claim, who = claim_window(None)
    assert claim is not None and who == ""
