"""The files of a data dir (the article store, the index folder, the corpus list's side copy),
the update lock (one update at a time per data dir), a damaged store moved aside, and a
failed write told in one line."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Iterator

from briefing.search.errors import BriefingError, IndexBusy
from briefing.search.store import StoreReadOnly

STORE_FILE = "store.sqlite"
INDEX_DIR = "index"
LOCK_FILE = "update.lock"
CORPUS_FILE = "corpus.json"  # the corpus list, also kept in the store (survives a lost store)
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


@contextlib.contextmanager
def exclusive_lock(path: Path, wait: bool) -> Iterator[None]:
    """An OS file lock (released by the kernel if the holder dies, even by kill -9)."""
    import fcntl

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+")
    except OSError as exc:
        raise StoreReadOnly(f"the data dir {path.parent} cannot be written ({exc.strerror or exc}): "
                            "the index cannot be updated; search, list, show and export use it as it is") from None
    with fh:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fh, flags)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                raise IndexBusy(
                    f"the index in {path.parent} is being updated by {holder}; "
                    "try again when it finishes (or use --wait)"
                ) from None
            raise
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def move_aside(path: Path) -> Path:
    """Move a damaged store (with its -wal and -shm files) aside, kept for inspection; returns
    its new path (OSError if it cannot be moved)."""
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{path}{suffix}")
        if src.exists():
            os.replace(src, f"{aside}{suffix}")
    return aside


def write_failure(exc: BaseException, data_dir: Path, pending_bytes: int = 0) -> BaseException:
    """A one-line error for a write into ``data_dir`` that failed (full disk, no permission,
    a store locked too long), or ``exc`` itself; ``pending_bytes``: the sources being indexed."""
    full = isinstance(exc, sqlite3.OperationalError) and "full" in str(exc)
    if isinstance(exc, sqlite3.OperationalError) and not full:
        if "locked" in str(exc) or "busy" in str(exc):
            return IndexBusy(f"the article store in {data_dir} stayed locked by another process; "
                             "try again when it finishes")
        if "readonly" in str(exc) or "read-only" in str(exc):
            return StoreReadOnly(f"the article store in {data_dir} cannot be written ({exc}); "
                                 "the previous index is unchanged")
        return BriefingError(f"cannot write the article store in {data_dir} ({exc}); "
                             "the previous index is unchanged")
    if not full and not (isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS):
        return exc
    free = shutil.disk_usage(data_dir).free if data_dir.exists() else 0
    code = getattr(exc, "errno", None)
    what = "no space left on the device" if full or code in (errno.ENOSPC, errno.EDQUOT) else (
        getattr(exc, "strerror", None) or str(exc))
    where = getattr(exc, "filename", None) or data_dir
    need = f"; {pending_bytes / 2**20:.1f} MB of sources to index (the index and store take " \
           "about 2-4 times that)" if pending_bytes else ""
    return BriefingError(f"cannot write {where}: {what} ({free / 2**20:.1f} MB free in {data_dir}{need}); "
                         "the update was abandoned and the previous index is unchanged")
