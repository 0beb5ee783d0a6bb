"""The papers are drawn with reportlab's C helpers (rl_accel, its `accel` extra). Without them
reportlab formats every number of every drawing and encodes every picture in Python: a
2,000-member branch's annual summaries with charts took 31.5 s instead of 17.8 s, and the
certificates 3.1 s instead of 1.9 s (county file, issue 14). Their output is the same."""

from __future__ import annotations

import types

from reportlab.lib import rl_accel


def test_reportlab_formats_numbers_and_encodes_pictures_in_c():
    for name in ("fp_str", "asciiBase85Encode", "escapePDF", "calcChecksum"):
        assert isinstance(getattr(rl_accel, name), types.BuiltinFunctionType), f"{name} is reportlab's Python fallback"
