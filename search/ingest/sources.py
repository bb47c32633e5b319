"""Source files: find them in the corpus folders, read them safely, give their articles ids.

:func:`discover` walks the corpus paths for files of an accepted kind; :func:`ingest_file` reads
one (bounded, decoded) and hands its text to :mod:`formats`. A file that cannot be read gives a
:class:`Skipped` with the reason; it never stops the run.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable

from briefing.search.ingest.decode import Undecodable, decode_bytes
from briefing.search.ingest.formats import KIND_BY_SUFFIX, Origin, file_articles
from briefing.search.ingest.outlets import KNOWN_OUTLETS
from briefing.search.model import Article

# Bump when extraction changes: stored articles with another version are re-ingested.
EXTRACTOR_VERSION = 3


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class SourceFile:
    """A file found in the corpus, with what is needed to tell if it changed."""

    path: Path
    size: int
    mtime_ns: int


def display_path(path: Path | str) -> str:
    """A path as text that can be stored and printed: bytes that are not UTF-8 in a file name
    (CP949 names from zip archives) become ``\\xff`` escapes. The file itself is always
    opened through its real (surrogate-escaped) Path."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


_ID_UNSAFE = re.compile(r"[^\w.\-]", re.UNICODE)


def safe_id(raw: str) -> str:
    """An article id made of letters, digits and ``-_.`` only (anything else, controls,
    slashes, ``|``, newlines, becomes ``_``); never empty, never starting with a dot."""
    text = _ID_UNSAFE.sub("_", display_path(raw) if any("\udc80" <= c <= "\udcff" for c in raw) else raw)
    text = text.lstrip(".") or "_"
    return text[:200]


def discover(paths: Iterable[Path], extensions: Iterable[str]) -> tuple[list[SourceFile], list[Skipped]]:
    """Regular files under ``paths`` (files or folders; folders walked without recursion,
    symlinked folders followed once, loops skipped) with an accepted extension. Devices,
    FIFOs and sockets are skipped by their type, before anything opens them."""
    finder = _Finder({e.lower() for e in extensions})
    for root in paths:
        root = Path(root).expanduser()
        try:
            st = root.stat()
        except OSError as exc:
            reason = "no such file or folder" if isinstance(exc, FileNotFoundError) else (
                f"cannot read: {exc.strerror or exc}")
            finder.skip(root, reason)
            continue
        if stat.S_ISDIR(st.st_mode):
            finder.walk(root, st)
        else:
            finder.add(root, st)
    return sorted(finder.found.values(), key=lambda s: str(s.path)), finder.skipped


class _Finder:
    """The files found so far (by real path) and the paths skipped, with the reason."""

    def __init__(self, extensions: set[str]):
        self.extensions = extensions
        self.found: dict[Path, SourceFile] = {}
        self.skipped: list[Skipped] = []

    def skip(self, p: Path, reason: str) -> None:
        self.skipped.append(Skipped(display_path(p), reason))

    def add(self, p: Path, st: os.stat_result | None = None) -> None:
        try:
            st = st or p.stat()
            real = p.resolve()
        except (OSError, RuntimeError) as exc:
            self.skip(p, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
            return
        if not stat.S_ISREG(st.st_mode):
            self.skip(p, f"not a regular file ({_file_type(st.st_mode)})")
            return
        self.found[real] = SourceFile(real, st.st_size, st.st_mtime_ns)

    def walk(self, root: Path, st: os.stat_result) -> None:
        """Every folder under ``root`` once, depth first in name order; hidden entries ignored."""
        seen: set[tuple[int, int]] = {(st.st_dev, st.st_ino)}
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.skip(folder, f"cannot read the folder: {exc.strerror or exc}")
                continue
            subfolders = [p for entry in entries if (p := self._visit(entry, seen)) is not None]
            stack.extend(reversed(subfolders))

    def _visit(self, entry: os.DirEntry[str], seen: set[tuple[int, int]]) -> Path | None:
        """Add a file entry with an accepted extension; return a folder entry not walked yet."""
        if entry.name.startswith("."):
            return None
        p = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            try:
                est = entry.stat()
            except OSError as exc:
                self.skip(p, f"cannot read the folder: {exc.strerror or exc}")
                return None
            key = (est.st_dev, est.st_ino)
            if key in seen:
                self.skip(p, "folder already walked (a symlink loop or a second link to it)")
                return None
            seen.add(key)
            return p
        if p.suffix.lower() in self.extensions:
            try:
                est = entry.stat()
            except OSError as exc:
                self.skip(p, f"cannot read: {exc.strerror or exc}")
                return None
            self.add(p, est)
        return None


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a plain file"


class Unreadable(Undecodable):
    """The file could not be read (permissions, I/O): retried on the next update."""


def read_bounded(path: Path, max_bytes: int | None) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` of them whatever ``st_size`` says
    (a file that grows, /proc files); a FIFO or device is refused without blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise Undecodable(f"not a regular file ({_file_type(mode)})")
        try:
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
        except OSError as exc:
            raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise Undecodable(f"over the limit of {max_bytes / 2**20:g} MB (corpus.max_file_mb)")
    return data


def content_hash(data: bytes) -> str:
    """Hash of a file's bytes plus the extractor version."""
    return hashlib.sha256(data + f"\0v{EXTRACTOR_VERSION}".encode()).hexdigest()[:20]


def ingest_file(path: Path | str, *, today: date | None = None, max_bytes: int | None = None,
                id: str | None = None, outlets: tuple[str, ...] = KNOWN_OUTLETS) -> list[Article]:
    """Read one file and return its articles (JSON Lines files may hold many).

    Raises :class:`Undecodable` (or OSError) for a file that cannot be used; the caller turns
    that into a :class:`Skipped` warning.
    """
    path = Path(path)
    kind = KIND_BY_SUFFIX.get(path.suffix.lower(), "text")
    if max_bytes is not None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
        if size > max_bytes:
            raise Undecodable(
                f"{size / 2**20:.1f} MB is over the limit of {max_bytes / 2**20:g} MB (corpus.max_file_mb)"
            )
    data = read_bounded(path, max_bytes)
    decoded = decode_bytes(data)
    origin = Origin(path, display_path(path), display_path(path.stem), content_hash(data), id or path.stem)
    if not decoded.text.strip():
        raise Undecodable("empty file")
    return file_articles(decoded.text, kind, origin, today=today, outlets=outlets, warnings=list(decoded.notes))


def known_outlets(gazetteer_media: Iterable[str] = ()) -> tuple[str, ...]:
    """The built-in outlet list plus the gazetteer's media entries."""
    return tuple(dict.fromkeys([*KNOWN_OUTLETS, *gazetteer_media]))
