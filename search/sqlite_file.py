"""Connections to the article store's SQLite file: the settings every connection uses, and
SQLite's errors told apart (a damaged file, a file that can only be read)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from briefing.search.errors import BriefingError

BUSY_TIMEOUT_S = 60.0  # every connection waits this long for another writer (never "database is locked" at once)


class StoreDamaged(BriefingError):
    """The store file is not a usable SQLite database (truncated, overwritten, malformed)."""


class StoreReadOnly(BriefingError):
    """The store can only be read (a read-only data dir or mount, another user's files)."""


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection with the settings every connection to the store uses: a busy timeout,
    autocommit (transactions are explicit), and WAL journaling unless ``read_only``.
    A read-only connection opens the file with ``mode=ro`` (or ``immutable=1`` where the
    folder cannot even hold SQLite's shared-memory file)."""
    if read_only:
        uri = Path(path).resolve().as_uri()
        try:
            db = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False, isolation_level=None,
                                 timeout=BUSY_TIMEOUT_S)
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            return sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False,
                                   isolation_level=None)
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


_DAMAGE_WORDS = ("malformed", "not a database", "file is encrypted", "disk image", "corrupt")


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """The error says the file is damaged (not busy, not read-only)."""
    return isinstance(exc, sqlite3.DatabaseError) and any(w in str(exc).lower() for w in _DAMAGE_WORDS)
