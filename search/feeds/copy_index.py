"""The index behind wire copies, kept in SQLite and brought up to date incrementally.

It holds each article's MinHash signature and the copy groups found so far. An update signs only
new and changed articles; removing an article can only split its own group, so the rest of that
group is checked again, and other groups stay as stored. Checking means locality-sensitive
hashing over every stored signature (16 bands of 4 values: the candidate bar datasketch's
MinHashLSH picks for a 0.4 Jaccard threshold over 64 permutations), done with numpy arrays
(25 MB at 100k articles, not the hundreds of MB of a dict-based LSH index), then the candidates
of each article checked at once. The groups come out the same as grouping the whole corpus at
once, and an unchanged corpus costs one read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np

BANDS, ROWS = 16, 4
SCHEMA_VERSION = 4  # bump when shingling, hashing or the tables change (all is redone)
EARLIER_SIGNATURES = 3  # the version that kept only the signatures: they are reused, not redone
_TABLES = (
    "CREATE TABLE IF NOT EXISTS signatures (no INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, "
    "source_hash TEXT NOT NULL, hashvalues BLOB, size INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS members (no INTEGER PRIMARY KEY, root INTEGER NOT NULL)",
)


def copy_mask(values: np.ndarray, size: int, others: np.ndarray, sizes: np.ndarray, threshold: float,
              min_contained: int, containment: float) -> np.ndarray:
    """Which of ``others`` (rows of hash values, with their shingle counts) carry the same text as
    ``values``: an estimated Jaccard similarity of at least ``threshold``, or, for a shorter body of at
    least ``min_contained`` shingles, at least ``containment`` of it found in the other one."""
    jaccard = np.count_nonzero(others == values, axis=1) / values.shape[0]
    smaller = np.maximum(np.minimum(sizes, size), 1)
    contained = jaccard * (sizes + size) / (1 + jaccard) / smaller
    return (jaccard >= threshold) | ((np.minimum(sizes, size) >= min_contained) & (contained >= containment))


class Bands:
    """LSH over signature rows: the rows sharing all ROWS values of at least one band."""

    def __init__(self, matrix: np.ndarray):
        n = len(matrix)
        bands = np.ascontiguousarray(matrix.reshape(n, BANDS, ROWS).transpose(1, 0, 2))
        width = ROWS * matrix.dtype.itemsize
        self.labels = []  # per band: each row's bucket number
        self.order = []  # per band: rows by bucket
        self.starts = []  # per band: where each bucket starts in ``order``
        for band in bands:
            _, label = np.unique(band.view(f"V{width}").ravel(), return_inverse=True)
            label = label.ravel()
            self.labels.append(label)
            self.order.append(np.argsort(label, kind="stable"))
            self.starts.append(np.concatenate(([0], np.cumsum(np.bincount(label)))))

    def candidates(self, row: int) -> np.ndarray:
        """Rows sharing a band with ``row`` (itself excluded), ascending."""
        parts = []
        for label, order, starts in zip(self.labels, self.order, self.starts):
            bucket = label[row]
            if starts[bucket + 1] - starts[bucket] > 1:
                parts.append(order[starts[bucket]:starts[bucket + 1]])
        if not parts:
            return np.zeros(0, dtype=np.intp)
        found = np.unique(np.concatenate(parts))
        return found[found != row]


class CopyIndex:
    """Signatures and copy groups in one SQLite database (a file, or ``:memory:``)."""

    def __init__(self, db: sqlite3.Connection, is_copies: Callable[..., np.ndarray],
                 hash_dtype: Callable[[], np.dtype]):
        """``is_copies(values, size, others, sizes)``: :func:`copy_mask` with the thresholds set;
        ``hash_dtype()``: the signatures' hash values' type (asked only when signatures are read:
        an unchanged corpus need not load the library that makes them)."""
        self.db = db
        self.is_copies = is_copies
        self.hash_dtype = hash_dtype
        db.isolation_level = None  # transactions are begun and ended here
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            db.execute("BEGIN IMMEDIATE")
            for table in ("signatures_earlier", "members"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            if version == EARLIER_SIGNATURES:  # (id, source_hash, hashvalues, size): signed the same way
                db.execute("ALTER TABLE signatures RENAME TO signatures_earlier")
            db.execute("DROP TABLE IF EXISTS signatures")
            for statement in _TABLES:
                db.execute(statement)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("COMMIT")

    def sync(self, wanted: dict[str, str], sign: Callable[[str], tuple[np.ndarray, int] | None]) -> list[list[str]]:
        """Bring the index to ``wanted`` (article id → its source's hash), signing new and changed
        articles with ``sign`` (None: too short to judge); the copy groups' ids."""
        if self._changes(wanted) != ([], []):
            self.db.execute("BEGIN IMMEDIATE")  # one writer at a time; readers go on (WAL)
            try:
                gone, new = self._changes(wanted)  # again: another process may have done it meanwhile
                self._update(gone, new, sign)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        members: dict[int, list[str]] = {}
        for article_id, root in self.db.execute("SELECT s.id, m.root FROM members m JOIN signatures s USING (no)"):
            members.setdefault(root, []).append(article_id)
        return list(members.values())

    def _changes(self, wanted: dict[str, str]) -> tuple[list[str], list[tuple[str, str]]]:
        """(ids to drop: gone or changed, (id, source hash) to sign: new or changed)."""
        stored = dict(self.db.execute("SELECT id, source_hash FROM signatures"))
        gone = [i for i, h in stored.items() if wanted.get(i) != h]
        new = sorted((i, h) for i, h in wanted.items() if stored.get(i) != h)
        return gone, new

    def _update(self, gone: list[str], new: list[tuple[str, str]], sign: Callable[[str], tuple[np.ndarray, int] | None]) -> None:
        db = self.db
        parent: dict[int, int] = dict(db.execute("SELECT no, root FROM members"))
        todo: set[int] = set()
        split: set[int] = set()  # groups that lose a member
        for article_id in gone:
            (no,) = db.execute("SELECT no FROM signatures WHERE id=?", (article_id,)).fetchone()
            db.execute("DELETE FROM signatures WHERE no=?", (no,))
            if no in parent:
                split.add(parent.pop(no))
        for no in [n for n, root in parent.items() if root in split]:  # the rest of those groups: again
            del parent[no]
            todo.add(no)
        earlier = db.execute("SELECT 1 FROM sqlite_master WHERE name='signatures_earlier'").fetchone()
        for article_id, source_hash in new:
            kept = earlier and db.execute("SELECT hashvalues, size FROM signatures_earlier WHERE id=? AND "
                                          "source_hash=?", (article_id, source_hash)).fetchone()
            if kept:
                values, size = (None if kept[0] is None else np.frombuffer(kept[0], dtype=self.hash_dtype())), kept[1]
            else:
                signed = sign(article_id)
                values, size = signed if signed is not None else (None, 0)
            cursor = db.execute("INSERT INTO signatures (id, source_hash, hashvalues, size) VALUES (?,?,?,?)",
                                (article_id, source_hash, None if values is None else values.tobytes(), size))
            if values is not None:
                todo.add(int(cursor.lastrowid or 0))
        if earlier:
            db.execute("DROP TABLE signatures_earlier")
        self._group(todo, parent)

    def _group(self, todo: set[int], parent: dict[int, int]) -> None:
        """Join each of ``todo`` with its copies among its band candidates, then store the groups."""
        db = self.db
        if todo:
            rows = db.execute("SELECT no, hashvalues, size FROM signatures WHERE hashvalues IS NOT NULL "
                              "ORDER BY no").fetchall()
            nos = [r[0] for r in rows]
            matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=self.hash_dtype()).reshape(len(rows), -1)
            sizes = np.array([r[2] for r in rows], dtype=np.float64)
            del rows
            bands = Bands(matrix)
            row_of = {no: n for n, no in enumerate(nos)}
            pending = np.zeros(len(nos), dtype=bool)  # in todo and not yet checked
            pending[[row_of[no] for no in todo]] = True
            for row in sorted(row_of[no] for no in todo):
                pending[row] = False
                found = bands.candidates(row)
                found = found[~pending[found]]  # a pair of two in todo is checked once, by the first
                same = self.is_copies(matrix[row], sizes[row], matrix[found], sizes[found])
                for other in found[same].tolist():
                    self._join(parent, nos[row], nos[other])
        components: dict[int, list[int]] = {}
        for no in list(parent):
            components.setdefault(self._root(parent, no), []).append(no)
        db.execute("DELETE FROM members")
        db.executemany("INSERT INTO members VALUES (?,?)",
                       [(no, min(nos)) for nos in components.values() if len(nos) > 1 for no in nos])

    @staticmethod
    def _root(parent: dict[int, int], i: int) -> int:
        while parent.get(i, i) != i:
            parent[i] = parent.get(parent[i], parent[i])
            i = parent[i]
        return i

    def _join(self, parent: dict[int, int], a: int, b: int) -> None:
        ra, rb = self._root(parent, a), self._root(parent, b)
        if ra != rb:
            parent.setdefault(a, a)
            parent.setdefault(b, b)
            parent[ra] = rb
