"""The files of a data dir (the article store, the index folder, the corpus list's side copy)
and the update lock: one update at a time per data dir."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import Iterator

from briefing.search.errors import IndexBusy
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
