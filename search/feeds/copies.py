"""Duplicate wire copies: the same agency story republished by several outlets.

Each article body becomes a set of character 5-gram shingles (punctuation and spaces dropped,
so re-spacing and quote styles do not matter), summarised as a 64-permutation MinHash
(datasketch; shingles hashed with CRC-32, stable across processes and faster than SHA-1) and its
shingle count. Locality-sensitive hashing finds candidate pairs; a pair is a copy when its
estimated Jaccard similarity reaches :data:`THRESHOLD`, or when the shorter body (long enough)
is almost wholly found in the other (an outlet running a cut of the copy). Copies are grouped transitively; a group cites
its earliest article (then the smallest id) and lists the others with their publishers.

Signatures are cached per article in ``<data dir>/copies.sqlite`` (keyed by the source's
content hash), so only new or changed articles are shingled again.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from briefing.search.model import Article

if TYPE_CHECKING:
    from briefing.search.engine import Engine

CACHE_FILE = "copies.sqlite"
SIGNATURE_VERSION = 3  # bump when shingling, hashing or NUM_PERM change (cached signatures are redone)
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

    def containment(self, other: Signature) -> float:
        """Estimated share of the smaller body's shingles found in the larger one."""
        j = self.jaccard(other)
        return j * (self.size + other.size) / (1 + j) / max(min(self.size, other.size), 1)

    def is_copy(self, other: Signature, threshold: float = THRESHOLD) -> bool:
        """The same text: similar as a whole, or a long enough cut of the other one."""
        if self.jaccard(other) >= threshold:
            return True
        return min(self.size, other.size) >= MIN_CONTAINED and self.containment(other) >= CONTAINMENT


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
    from datasketch import MinHashLSH

    items = [(i, sig) for i, sig in sorted(signatures.items()) if sig is not None]
    if len(items) < 2:
        return WireCopies()
    # candidates from a lower LSH threshold (few misses near the bar, cuts of a copy), each checked
    lsh = MinHashLSH(threshold=max(threshold - 0.2, 0.1), num_perm=NUM_PERM)
    parent = {i: i for i, _ in items}

    def root(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, sig in items:
        for j in lsh.query(sig.minhash):
            # a candidate already in i's group needs no check: the groups come out the same, and a
            # story copied thousands of times costs one check per other group, not per copy
            if root(j) != root(i) and sig.is_copy(signatures[j], threshold):
                parent[root(i)] = root(j)
        lsh.insert(i, sig.minhash)
    members: dict[str, list[str]] = {}
    for i, _ in items:
        members.setdefault(root(i), []).append(i)
    groups = []
    for ids in members.values():
        if len(ids) < 2:
            continue
        ids.sort(key=lambda i: (published.get(i) is None, published.get(i) or date.min, i))
        groups.append(CopyGroup(tuple(ids), tuple(publishers.get(i) for i in ids)))
    return WireCopies(groups)


# --- the corpus's groups -------------------------------------------------------------------------


def wire_copies(engine: Engine) -> WireCopies:
    """The copy groups of the engine's corpus (the engine keeps them until its next update)."""
    sources = engine.store.sources()
    wanted = {i: s.hash for s in sources.values() if not s.hash.startswith("skipped:") for i in s.ids}
    # a read-only data dir computes them without the cache file
    cache = ":memory:" if engine.read_only else str(Path(engine.data_dir) / CACHE_FILE)
    signatures = _signatures(cache, wanted, engine.store.article)
    rows = engine.list_articles()
    return group_copies(signatures, {r.id: r.published for r in rows}, {r.id: r.publisher for r in rows})


def _open_cache(path: str) -> sqlite3.Connection:
    """The signature cache, or an empty one in memory where the file cannot be opened or
    written (a read-only or full data dir)."""
    for where in (path, ":memory:"):
        db = sqlite3.connect(where, timeout=30)
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] != SIGNATURE_VERSION:  # another shingling: redo
                db.execute("DROP TABLE IF EXISTS signatures")
                db.execute(f"PRAGMA user_version={SIGNATURE_VERSION}")
            db.execute("CREATE TABLE IF NOT EXISTS signatures (id TEXT PRIMARY KEY, source_hash TEXT NOT NULL, "
                       "hashvalues BLOB, size INTEGER)")
            return db
        except sqlite3.Error:
            db.close()
    raise AssertionError("an in-memory database always opens")


def _signatures(path: str, wanted: dict[str, str], load_article: Callable[[str], Article | None]) -> dict[str, Any]:
    """Signature of every wanted article, from the cache file where its source is unchanged
    (a cache that cannot be opened or written is only a cost: the signatures are computed)."""
    from datasketch import MinHash

    db = _open_cache(path)
    try:
        cached = {r[0]: r[1:] for r in db.execute("SELECT id, source_hash, hashvalues, size FROM signatures")}
        out: dict[str, Any] = {}
        fresh = []
        template = _template()
        for aid, source_hash in wanted.items():
            hit = cached.get(aid)
            if hit and hit[0] == source_hash:
                out[aid] = None
                if hit[1]:
                    values = np.frombuffer(hit[1], dtype=template.hashvalues.dtype)
                    out[aid] = Signature(MinHash(num_perm=NUM_PERM, seed=1, permutations=template.permutations,
                                                 scheme=template.scheme, hashvalues=values), hit[2])
                continue
            article = load_article(aid)
            sig = signature(article.body) if article is not None else None
            out[aid] = sig
            fresh.append((aid, source_hash, sig.minhash.hashvalues.tobytes() if sig else None, sig.size if sig else 0))
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO signatures VALUES (?,?,?,?)", fresh)
                gone = [(i,) for i in cached if i not in wanted]
                db.executemany("DELETE FROM signatures WHERE id=?", gone)
        except sqlite3.Error:
            pass  # e.g. a full disk: the signatures are computed again next time
        return out
    finally:
        db.close()
