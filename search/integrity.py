"""Damage found on reading: what Whoosh raises on a damaged segment, the checksum of a file,
and a one-line reason for a notice."""

from __future__ import annotations

import pickle
import struct
import zlib
from pathlib import Path

from briefing.search.errors import BriefingError

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
