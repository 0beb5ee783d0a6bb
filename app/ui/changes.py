"""The kinds of change a write can make, so that a page refreshes only when what it shows changed.

A write names its kinds where it is run (`UiContext.write(fn, Kind.LEDGER, ...)`); each page
declares the kinds it shows (`Page.depends_on`). `BACKUP` means the whole database was
replaced from a backup: every page refreshes, whatever it depends on.
"""

from __future__ import annotations

from enum import Flag, auto


class Kind(Flag):
    NONE = 0
    ROSTER = auto()  # members: added, edited, transferred, imported
    RULES = auto()  # rule sets and their items
    LEDGER = auto()  # point entries, meetings, reviews, reversals
    RATING = auto()  # the star rating round, its steps, the township's verification
    SETTINGS = auto()  # the branch itself: its name, groups, first-run setup
    TOWNSHIP = auto()  # the villages' data gathered into a township database
    BACKUP = auto()  # the database was replaced from a backup: everything


EVERYTHING = Kind.ROSTER | Kind.RULES | Kind.LEDGER | Kind.RATING | Kind.SETTINGS | Kind.TOWNSHIP | Kind.BACKUP


def concerns(changed: Kind, depends_on: Kind) -> bool:
    """Whether a change of `changed` makes a view that shows `depends_on` stale."""
    return bool(changed & (depends_on | Kind.BACKUP))
