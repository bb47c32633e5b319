"""Duplicate wire copies: the same agency story republished by several outlets.

Each article body becomes a set of character 5-gram shingles (punctuation and spaces dropped,
so re-spacing and quote styles do not matter), summarised as a 64-permutation MinHash
(datasketch; shingles hashed with CRC-32, stable across processes and faster than SHA-1) and its
shingle count. Locality-sensitive hashing finds candidate pairs (a fixed bar near 0.4
Jaccard); a pair is a copy when its estimated Jaccard similarity reaches :data:`THRESHOLD`, or
when the shorter body (long enough) is almost wholly found in the other (an outlet running a cut
of the copy). Copies are grouped transitively; a group cites its earliest article (then the
smallest id) and lists the others with their publishers.

Signatures and the groups are kept in ``<data dir>/copies.sqlite`` (each
article keyed by its source's content hash) and brought up to date incrementally
(search/feeds/copy_index.py): only new or changed articles are shingled and checked again.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from briefing.search.feeds.copy_index import CopyIndex, copy_mask

if TYPE_CHECKING:
    from briefing.search.engine import Engine

CACHE_FILE = "copies.sqlite"
NUM_PERM = 64
SHINGLE = 5
THRESHOLD = 0.6  # wire copies with a different lead, sign-off or a trimmed paragraph stay above this
MIN_CHARS = 150  # shorter bodies (briefs, teasers) are never called copies
CONTAINMENT = 0.85  # ... nor is a body found within another, unless this much of it is ...
MIN_CONTAINED = 200  # ... and it has at least this many shingles (an outlet running a cut of the copy)
_NONWORD = re.compile(r"[\W_]+", re.UNICODE)


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Character k-grams of ``text`` with spaces and punctuation removed."""
    compact = _NONWORD.sub("", text).lower()
    return {compact[i:i + k].encode("utf-8") for i in range(max(len(compact) - k + 1, 0))}


_TEMPLATE: Any = None  # a datasketch MinHash


def _template() -> Any:
    """One MinHash whose permutations every signature shares (generating them is the slow part)."""
    from datasketch import MinHash

    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32)
    return _TEMPLATE


@dataclass(frozen=True)
class Signature:
    """A body's MinHash and its number of distinct shingles."""

    minhash: Any
    size: int

    def jaccard(self, other: Signature) -> float:
        return float(self.minhash.jaccard(other.minhash))

    def is_copy(self, other: Signature, threshold: float = THRESHOLD) -> bool:
        """The same text: similar as a whole, or a long enough cut of the other one."""
        return bool(copy_test(threshold)(self.minhash.hashvalues, self.size, other.minhash.hashvalues[None, :],
                                         np.array([other.size], dtype=np.float64))[0])


def copy_test(threshold: float = THRESHOLD) -> Callable[..., np.ndarray]:
    """:func:`copy_mask` with this module's bars: (values, size, others, sizes) → which are copies."""
    return partial(copy_mask, threshold=threshold, min_contained=MIN_CONTAINED, containment=CONTAINMENT)


def hash_dtype() -> np.dtype:
    """The type of a signature's hash values (datasketch's, for its default scheme)."""
    return _template().hashvalues.dtype


def signature(text: str) -> Signature | None:
    """The signature of ``text`` (None if it is too short to judge)."""
    from datasketch import MinHash

    if len(_NONWORD.sub("", text)) < MIN_CHARS:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=1, permutations=_template().permutations,
                scheme=_template().scheme, hashfunc=zlib.crc32)
    grams = shingles(text)
    m.update_batch(list(grams))
    return Signature(m, len(grams))


@dataclass(frozen=True)
class CopyGroup:
    """Articles carrying the same story: ``ids[0]`` is the copy to cite."""

    ids: tuple[str, ...]
    publishers: tuple[str | None, ...]

    def others(self, article_id: str) -> list[tuple[str, str | None]]:
        """(id, publisher) of every copy but ``article_id``."""
        return [(i, p) for i, p in zip(self.ids, self.publishers) if i != article_id]


class WireCopies:
    """The copy groups of a corpus."""

    def __init__(self, groups: Iterable[CopyGroup] = ()):
        self.groups = list(groups)
        self._by_id = {i: g for g in self.groups for i in g.ids}

    def group(self, article_id: str) -> CopyGroup | None:
        return self._by_id.get(article_id)

    def others(self, article_id: str) -> list[tuple[str, str | None]]:
        """(id, publisher) of the other copies of an article ([] if it has none)."""
        g = self._by_id.get(article_id)
        return g.others(article_id) if g else []

    def collapse(self, ids: Sequence[str]) -> list[tuple[str, list[str]]]:
        """``ids`` with each group shown once, at its first (best-ranked) member: (shown id,
        ids of its other copies in ``ids``), in the order of ``ids``."""
        shown: dict[int, str] = {}  # by id(group): hashing a group hashes all its ids
        hidden: dict[str, list[str]] = {}
        out: list[str] = []
        for i in ids:
            g = self._by_id.get(i)
            if g is None:
                out.append(i)
            elif id(g) in shown:
                hidden[shown[id(g)]].append(i)
            else:
                shown[id(g)] = i
                hidden[i] = []
                out.append(i)
        return [(i, hidden.get(i, [])) for i in out]

    def cite(self, ids: Sequence[str]) -> list[str]:
        """``ids`` with at most one copy of each story (the first one given)."""
        return [i for i, _ in self.collapse(ids)]


def group_copies(signatures: dict[str, Any], published: dict[str, date | None],
                 publishers: dict[str, str | None], threshold: float = THRESHOLD) -> WireCopies:
    """Group articles whose signatures say they carry the same text (:meth:`Signature.is_copy`)."""
    index = CopyIndex(sqlite3.connect(":memory:"), copy_test(threshold), hash_dtype)
    try:
        groups = index.sync({i: "" for i in signatures}, lambda i: _values(signatures[i]))
    finally:
        index.db.close()
    return ordered_groups(groups, published, publishers)


def ordered_groups(groups: list[list[str]], published: dict[str, date | None],
                   publishers: dict[str, str | None]) -> WireCopies:
    """Each group with its earliest article first (then the smallest id), groups in that order."""
    out = []
    for ids in groups:
        ids = sorted(ids, key=lambda i: (published.get(i) is None, published.get(i) or date.min, i))
        out.append(CopyGroup(tuple(ids), tuple(publishers.get(i) for i in ids)))
    out.sort(key=lambda g: g.ids)
    return WireCopies(out)


def _values(sig: Signature | None) -> tuple[np.ndarray, int] | None:
    return None if sig is None else (sig.minhash.hashvalues, sig.size)


# --- the corpus's groups -------------------------------------------------------------------------


def wire_copies(engine: Engine) -> WireCopies:
    """The copy groups of the engine's corpus (the engine keeps them until its next update), from
    ``<data dir>/copies.sqlite`` brought up to date (only new and changed articles are signed)."""
    sources = engine.store.sources()
    wanted = {i: s.hash for s in sources.values() if not s.hash.startswith("skipped:") for i in s.ids}

    def sign(article_id: str) -> tuple[np.ndarray, int] | None:
        article = engine.store.article(article_id)
        return _values(signature(article.body)) if article is not None else None

    groups = None
    if not engine.read_only:
        try:
            db = sqlite3.connect(str(Path(engine.data_dir) / CACHE_FILE), timeout=600)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                groups = CopyIndex(db, copy_test(), hash_dtype).sync(wanted, sign)
            finally:
                db.close()
        except sqlite3.Error:
            groups = None  # e.g. a full disk: computed in memory this time
    if groups is None:  # a read-only data dir, or a cache that cannot be written
        index = CopyIndex(sqlite3.connect(":memory:"), copy_test(), hash_dtype)
        try:
            groups = index.sync(wanted, sign)
        finally:
            index.db.close()
    rows = engine.list_articles()
    return ordered_groups(groups, {r.id: r.published for r in rows}, {r.id: r.publisher for r in rows})
