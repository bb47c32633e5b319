"""Vectorised evaluation of parsed queries over a Whoosh index (BM25F, as Whoosh scores it).

Whoosh matches and scores one posting at a time in Python; on broad queries over thousands of
articles that is most of a search's time. Here every term's posting list is read block by
block into numpy arrays (ids, weights) and the query tree is evaluated with array operations:
``And`` intersects and adds scores, ``Or`` unites and adds, ``AndNot`` removes, a date range
reads the ``published_ord`` column. The scores are Whoosh's BM25F (same idf, average field
length and one-byte field lengths), so results and ranking are those Whoosh would give; a test
compares both. Query types not handled here (e.g. positional phrases in titles) fall back to
Whoosh's own matcher for that subtree.

All arrays are per segment ("leaf reader"); deleted documents are dropped at the leaves.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from math import log

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

from briefing.search.index.whoosh_private import (
    bm25_field_b,
    column_list,
    column_values,
    field_length_column,
    posting_blocks,
)

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


@dataclass
class Matches:
    """Sorted unique document numbers of one segment with their scores."""

    ids: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> "Matches":
        return cls(_EMPTY_IDS, _EMPTY_SCORES)

    def __len__(self) -> int:
        return len(self.ids)


def _and(a: Matches, b: Matches) -> Matches:
    common, ia, ib = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
    return Matches(common, a.scores[ia] + b.scores[ib])


def _or(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p)]
    if not parts:
        return Matches.empty()
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p.ids for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    unique, inverse = np.unique(ids, return_inverse=True)
    return Matches(unique, np.bincount(inverse, weights=scores, minlength=len(unique)))


def _at_least(parts: list[Matches], minmatch: int) -> Matches:
    """Documents in at least ``minmatch`` of ``parts``, with the sum of their scores."""
    parts = [p for p in parts if len(p)]
    if len(parts) < minmatch:
        return Matches.empty()
    ids = np.concatenate([p.ids for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    unique, inverse, counts = np.unique(ids, return_inverse=True, return_counts=True)
    summed = np.bincount(inverse, weights=scores, minlength=len(unique))
    keep = counts >= minmatch
    return Matches(unique[keep], summed[keep])


def _and_maybe(a: Matches, b: Matches) -> Matches:
    """``a``'s documents; those also in ``b`` add ``b``'s score."""
    if not len(a) or not len(b):
        return a
    _common, ia, ib = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
    scores = a.scores.copy()
    scores[ia] += b.scores[ib]
    return Matches(a.ids, scores)


def _and_not(a: Matches, b: Matches) -> Matches:
    if not len(b) or not len(a):
        return a
    keep = ~np.isin(a.ids, b.ids, assume_unique=True)
    return Matches(a.ids[keep], a.scores[keep])


# byte -> field length, as Whoosh decodes its one-byte lengths
def _length_table() -> np.ndarray:
    from whoosh.util.numeric import byte_to_length

    return np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


_LENGTHS = _length_table()


class LeafData:
    """Per-segment arrays read once per searcher: field lengths, live documents, dates."""

    def __init__(self, reader):
        self.reader = reader
        self.doc_count_all = reader.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}
        self._live: np.ndarray | None = None
        self._ord: np.ndarray | None = None

    def live(self) -> np.ndarray | None:
        """Boolean mask of live documents, or None when nothing is deleted."""
        if not self.reader.has_deletions():
            return None
        if self._live is None:
            mask = np.ones(self.doc_count_all, dtype=bool)
            dead = [n for n in range(self.doc_count_all) if self.reader.is_deleted(n)]
            mask[dead] = False
            self._live = mask
        return self._live

    def lengths(self, fieldname: str) -> np.ndarray:
        """Every document's length of ``fieldname`` (Whoosh's lossy one-byte value)."""
        got = self._lengths.get(fieldname)
        if got is None:
            col = field_length_column(self.reader, fieldname)
            if col is None:
                got = np.ones(self.doc_count_all, dtype=np.float64)
            else:
                got = _LENGTHS[column_values(col, self.doc_count_all).astype(np.intp)]
            self._lengths[fieldname] = got
        return got

    def column(self, name: str) -> list:
        """Every document's value of a column (deleted documents included)."""
        return column_list(self.reader.column_reader(name), self.doc_count_all)

    def published_ord(self) -> np.ndarray:
        """Every document's publication date as an ordinal (0 = unknown)."""
        if self._ord is None:
            if self.doc_count_all and self.reader.has_column("published_ord"):
                col = self.reader.column_reader("published_ord")
                self._ord = column_values(col, self.doc_count_all).astype(np.int64)
            else:
                self._ord = np.zeros(self.doc_count_all, dtype=np.int64)
        return self._ord


def _read_postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """All (ids, weights) of a term's postings, block by block when the codec allows it."""
    blocks = posting_blocks(matcher)
    if blocks is not None:
        id_parts, weight_parts = [], []
        for deltas, weights in blocks:
            id_parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
            weight_parts.append(np.asarray(weights, dtype=np.float64))
        if not id_parts:
            return _EMPTY_IDS, _EMPTY_SCORES
        return np.concatenate(id_parts), np.concatenate(weight_parts)
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


class TermCache:
    """The most recently used terms' matches, up to ``budget`` bytes of arrays: a query typed a
    key at a time repeats the terms of the one before (and a relaxed query repeats its own)."""

    def __init__(self, budget: int = 32 << 20):
        self.budget = budget
        self.used = 0
        self._items: OrderedDict[tuple, Matches] = OrderedDict()

    def get(self, key: tuple) -> Matches | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: tuple, matches: Matches) -> None:
        size = matches.ids.nbytes + matches.scores.nbytes
        if size > self.budget // 4:
            return  # a term in most documents: reading it again beats pushing the rest out
        self._items[key] = matches
        self.used += size
        while self.used > self.budget:
            _key, old = self._items.popitem(last=False)
            self.used -= old.ids.nbytes + old.scores.nbytes


class Evaluator:
    """Evaluates Whoosh query trees on one searcher with numpy (see module doc)."""

    def __init__(self, searcher, weighting: BM25F | None = None):
        self.searcher = searcher
        self.weighting = weighting or BM25F()
        self.leaves = [(LeafData(r), base) for r, base in searcher.reader().leaf_readers()]
        self.doc_count_all = searcher.doc_count_all()
        self._idf: dict[tuple[str, str], float] = {}
        self._tables: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        self._by_id: dict[str, int] | None = None
        self._ranks: np.ndarray | None = None
        self._terms = TermCache()

    # --- statistics (as whoosh.scoring.BM25FScorer computes them) ---

    def _idf_of(self, fieldname: str, text: str) -> float:
        key = (fieldname, text)
        got = self._idf.get(key)
        if got is None:
            n = self.searcher.doc_frequency(fieldname, text)
            got = self._idf[key] = log(self.doc_count_all / (n + 1)) + 1
        return got

    def _bm25(self, leaf: LeafData, fieldname: str, text: str, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
        w = self.weighting
        B = bm25_field_b(w, fieldname)
        K1 = w.K1
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        fl = leaf.lengths(fieldname)[ids]
        idf = self._idf_of(fieldname, text)
        return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))

    # --- leaves ---

    def _live(self, leaf: LeafData, m: Matches) -> Matches:
        mask = leaf.live()
        if mask is None or not len(m):
            return m
        keep = mask[m.ids]
        return Matches(m.ids[keep], m.scores[keep])

    def _term(self, leaf: LeafData, q: wq.Term) -> Matches:
        fieldname = q.fieldname
        field = self.searcher.schema[fieldname]
        text = q.text if isinstance(q.text, str) else field.from_bytes(q.text)
        btext = field.to_bytes(text)
        key = (id(leaf), fieldname, btext)
        found = self._terms.get(key)
        if found is None:
            if (fieldname, btext) not in leaf.reader:
                return Matches.empty()
            ids, weights = _read_postings(leaf.reader.postings(fieldname, btext))
            scores = self._bm25(leaf, fieldname, text, ids, weights) if field.scorable else weights
            found = self._live(leaf, Matches(ids, scores))
            self._terms.put(key, found)
        return _scaled(found, q.boost)

    def _date_range(self, leaf: LeafData, q: wq.DateRange) -> Matches:
        ords = leaf.published_ord()
        lo = _ordinal(q.startdate) if q.startdate else 1
        hi = _ordinal(q.enddate) if q.enddate else date.max.toordinal()
        ids = np.nonzero((ords >= lo) & (ords <= hi) & (ords > 0))[0].astype(np.int64)
        return self._live(leaf, Matches(ids, np.full(len(ids), float(q.boost))))

    def _every(self, leaf: LeafData) -> Matches:
        ids = np.arange(leaf.doc_count_all, dtype=np.int64)
        return self._live(leaf, Matches(ids, np.ones(len(ids))))

    def _fallback(self, leaf: LeafData, q: wq.Query) -> Matches:
        """Whoosh's own matcher for query types not evaluated here."""
        from whoosh.searching import Searcher

        sub = Searcher(leaf.reader, weighting=self.weighting, parent=self.searcher)
        m = q.matcher(sub, sub.context())
        ids, scores = [], []
        while m.is_active():
            ids.append(m.id())
            scores.append(m.score())
            m.next()
        order = np.argsort(np.asarray(ids, dtype=np.int64), kind="stable")
        return self._live(leaf, Matches(np.asarray(ids, dtype=np.int64)[order], np.asarray(scores, dtype=np.float64)[order]))

    # --- tree ---

    def _eval(self, leaf: LeafData, q: wq.Query) -> Matches:
        if isinstance(q, wq.Term):
            return self._term(leaf, q)
        if isinstance(q, wq.And):
            parts = sorted((self._eval(leaf, s) for s in q.subqueries), key=len)
            out = parts[0]
            for p in parts[1:]:
                if not len(out):
                    break
                out = _and(out, p)
            return _scaled(out, q.boost)
        if isinstance(q, wq.Or) and not q.minmatch and q.scale is None:
            return _scaled(_or([self._eval(leaf, s) for s in q.subqueries]), q.boost)
        if isinstance(q, wq.Or) and q.scale is None:  # minimum-should-match
            return _scaled(_at_least([self._eval(leaf, s) for s in q.subqueries], q.minmatch), q.boost)
        if isinstance(q, wq.AndMaybe):
            return _scaled(_and_maybe(self._eval(leaf, q.a), self._eval(leaf, q.b)), q.boost)
        if isinstance(q, wq.AndNot):
            return _scaled(_and_not(self._eval(leaf, q.a), self._eval(leaf, q.b)), q.boost)
        if isinstance(q, wq.DateRange) and q.fieldname == "published":
            return self._date_range(leaf, q)
        if isinstance(q, wq.Every) and q.fieldname in (None, "*"):
            return self._every(leaf)
        if q is wq.NullQuery:
            return Matches.empty()
        return self._fallback(leaf, q)

    def matches(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """Global document numbers and scores of every match of ``q``."""
        ids, scores = [], []
        for leaf, base in self.leaves:
            m = self._eval(leaf, q)
            ids.append(m.ids + base)
            scores.append(m.scores)
        if not ids:
            return _EMPTY_IDS, _EMPTY_SCORES
        return np.concatenate(ids), np.concatenate(scores)

    def published_ords(self, docnums: np.ndarray) -> np.ndarray:
        """Publication ordinals of global document numbers (0 = unknown)."""
        out = np.zeros(len(docnums), dtype=np.int64)
        for leaf, base in self.leaves:
            inside = (docnums >= base) & (docnums < base + leaf.doc_count_all)
            out[inside] = leaf.published_ord()[docnums[inside] - base]
        return out

    def _field_postings(self, fieldname: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Every posting of ``fieldname`` as (terms, term index per posting, global docnum per
        posting), live documents only; read once per searcher (entity fields are small)."""
        got = self._tables.get(fieldname)
        if got is None:
            field = self.searcher.schema[fieldname]
            terms: list[str] = []
            index: dict[bytes, int] = {}
            term_parts, doc_parts = [], []
            for leaf, base in self.leaves:
                reader = leaf.reader
                for bterm in reader.lexicon(fieldname):
                    n = index.get(bterm)
                    if n is None:
                        n = index[bterm] = len(terms)
                        terms.append(field.from_bytes(bterm))
                    ids, _w = _read_postings(reader.postings(fieldname, bterm))
                    mask = leaf.live()
                    if mask is not None:
                        ids = ids[mask[ids]]
                    term_parts.append(np.full(len(ids), n, dtype=np.int64))
                    doc_parts.append(ids + base)
            if term_parts:
                got = (terms, np.concatenate(term_parts), np.concatenate(doc_parts))
            else:
                got = (terms, _EMPTY_IDS, _EMPTY_IDS)
            self._tables[fieldname] = got
        return got

    def term_counts(self, fieldname: str, docnums: np.ndarray | None = None) -> list[tuple[str, int]]:
        """(term, number of documents) of ``fieldname`` over ``docnums`` (None: all live ones)."""
        terms, term_idx, docs = self._field_postings(fieldname)
        if docnums is not None:
            term_idx = term_idx[np.isin(docs, docnums)]
        counts = np.bincount(term_idx, minlength=len(terms))
        return [(terms[i], int(counts[i])) for i in np.nonzero(counts)[0]]

    def column(self, name: str) -> dict[int, object]:
        """Global document number -> value of a column, for every live document."""
        out: dict[int, object] = {}
        for leaf, base in self.leaves:
            if not leaf.doc_count_all:  # an empty segment has no columns
                continue
            live = leaf.live()
            for n, value in enumerate(leaf.column(name)):
                if live is None or live[n]:
                    out[base + n] = value
        return out

    def docnums_by_id(self) -> dict[str, int]:
        """Article id -> global document number of every live document (cached)."""
        if self._by_id is None:
            self._by_id = {str(article_id): n for n, article_id in self.column("id").items()}
        return self._by_id

    def _id_ranks(self) -> np.ndarray:
        """Per global document number, the rank of its article id in id order."""
        if self._ranks is None:
            ranks = np.zeros(self.doc_count_all, dtype=np.int64)
            for rank, (_id, docnum) in enumerate(sorted(self.docnums_by_id().items())):
                ranks[docnum] = rank
            self._ranks = ranks
        return self._ranks

    def warm(self) -> None:
        """Read what searches read on first use: per segment the field lengths of every scored
        field, the live documents and the dates; the id order."""
        scored = [name for name, field in self.searcher.schema.items() if field.scorable]
        for leaf, _base in self.leaves:
            if leaf.doc_count_all:
                for name in scored:
                    leaf.lengths(name)
                leaf.live()
                leaf.published_ord()
        self._id_ranks()

    def top(self, q: wq.Query, limit: int | None, by_date: bool) -> tuple[list[tuple[int, float]], int]:
        """The best ``limit`` (docnum, score) pairs, by score (ties: id) or newest first (see
        below), and the number of matches. Ties go by id, not docnum, so the order does not
        depend on how documents were spread over segments."""
        ids, scores = self.matches(q)
        total = len(ids)
        if by_date:  # as engine.sort_by_date: dated newest first (ties: id descending), then unknown by id
            ords = self.published_ords(ids)
            rank = self._id_ranks()[ids]
            order = np.lexsort((np.where(ords > 0, -rank, rank), -ords))
        else:
            order = np.lexsort((self._id_ranks()[ids], -scores))
        if limit is not None:
            order = order[:limit]
        return [(int(ids[i]), float(scores[i])) for i in order], total


def _scaled(m: Matches, boost: float) -> Matches:
    return m if boost == 1.0 else Matches(m.ids, m.scores * boost)


def _ordinal(value) -> int:
    if isinstance(value, datetime):
        return value.date().toordinal()
    if isinstance(value, date):
        return value.toordinal()
    return int(value)
