"""Damage to a data dir: what Whoosh raises on reading a damaged segment, a one-line reason for
a notice, and the index manifest (each index file's size, time and checksum after an update)
that tells an index damaged or replaced outside briefing."""

from __future__ import annotations

import json
import os
import pickle
import struct
import zlib
from pathlib import Path

from briefing.search.errors import BriefingError
from briefing.search.store import Store

# what Whoosh raises on reading a damaged segment (random bytes in a compressed block, a cut file)
WHOOSH_READ_ERRORS = (zlib.error, struct.error, EOFError, pickle.UnpicklingError, UnicodeDecodeError)


def failure_reason(exc: Exception) -> str:
    if not isinstance(exc, BriefingError):
        return f"{type(exc).__name__}: {exc}"
    return str(exc).removesuffix("; rebuild the index")


def crc32(path: Path) -> int:
    crc = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                crc = zlib.crc32(chunk, crc)
    except OSError:
        return -1
    return crc


# --- the index manifest: name -> [size, mtime_ns, crc32] of every index file, in the store ------

def index_files(index_dir: Path) -> dict[str, tuple[int, int]]:
    """Name -> (size, mtime_ns) of the index files (lock files aside)."""
    try:
        with os.scandir(index_dir) as it:
            return {e.name: (e.stat().st_size, e.stat().st_mtime_ns) for e in it
                    if e.is_file() and not e.name.endswith(("LOCK", ".lock"))}
    except OSError:
        return {}


def recorded_manifest(store: Store) -> dict[str, list]:
    """The manifest the last update recorded (empty if none)."""
    try:
        recorded = json.loads(store.get_meta("index_files") or "{}")
    except ValueError:
        return {}
    return recorded if isinstance(recorded, dict) else {}


def index_manifest(store: Store, index_dir: Path) -> str:
    """The manifest of the index files as they are, recorded after each update (the checksum
    of a file already recorded with the same size and time is not computed again: Whoosh
    never rewrites a segment)."""
    recorded = recorded_manifest(store)
    out = {}
    for name, (size, mtime) in index_files(index_dir).items():
        old = recorded.get(name)
        if isinstance(old, list) and len(old) == 3 and old[:2] == [size, mtime]:
            out[name] = old
        else:
            out[name] = [size, mtime, crc32(index_dir / name)]
    return json.dumps(out, sort_keys=True)


def index_changed(store: Store, index_dir: Path) -> bool:
    """The index files differ from what the last update left (damaged or replaced outside
    briefing): a file is missing, of another size, or of another checksum (a file copied
    with a new time but the same bytes is fine)."""
    recorded = recorded_manifest(store)
    if not recorded:
        return False
    files = index_files(index_dir)
    if set(recorded) - set(files):
        return True
    for name, old in recorded.items():  # other files: left by an abandoned update (Whoosh ignores them)
        size, mtime = files[name]
        if not isinstance(old, list) or len(old) != 3 or old[0] != size:
            return True
        if old[1] != mtime and old[2] != crc32(index_dir / name):
            return True
    return False
