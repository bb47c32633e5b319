"""The article index: a Whoosh index with Korean analysis, BM25F ranking and snippets.

All Whoosh use stays in ``search/``. The index directory holds Whoosh's files plus
``briefing-index.json`` (the schema VERSION; what the index was built with is recorded in the
article store). Opening an index of
another version, or one Whoosh cannot read, raises :class:`IndexCorrupt` so the caller can
rebuild with :meth:`ArticleIndex.create`. Writes are atomic: Whoosh publishes a new table of
contents only on commit (temp file + rename), so a killed update leaves the old index usable.

Queries are evaluated by :mod:`briefing.search.index.evaluate` (numpy over Whoosh's postings, Whoosh's
BM25F scores). The body field keeps no positions (postings that read fast); phrases in bodies
match the adjacent-term pairs of ``body_pairs``. Snippets come from :mod:`briefing.search.index.snippet`.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.scoring import BM25F

from briefing.search.errors import BriefingError, IndexBusy
from briefing.search.index.evaluate import Evaluator
from briefing.search.index.query import ENTITY_FIELDS, EntityResolver, parse_query
from briefing.search.index.schema import INDEX_NAME, INDEX_VERSION, META_FILE, VERSION, IndexDoc, build_schema
from briefing.search.index.segments import SegmentBuilder, WrittenDoc
from briefing.search.index.snippet import make_snippet
from briefing.search.index.writer import PretokenizedDoc, write_documents
from briefing.search.model import Hit, Progress
from briefing.search.language.analysis import TextAnalyser

# names other modules import from here
__all__ = ["ArticleIndex", "IndexCorrupt", "IndexVersionMismatch", "IndexDoc", "IndexResult",
           "PretokenizedDoc", "WrittenDoc", "SegmentBuilder", "INDEX_VERSION", "META_FILE", "Progress"]

FORGIVE_BELOW = 5  # fewer articles with every query word: search those with most of them


class IndexCorrupt(BriefingError):
    """The index cannot be used (unreadable, or built by another version): rebuild it."""


class IndexVersionMismatch(IndexCorrupt):
    """The index was built with another schema/analyser version."""


@dataclass
class IndexResult:
    hits: list[Hit]
    total: int
    elapsed_ms: float
    terms: list[str]
    matched: str = "all"  # "all": every query word matched; "most": the forgiving query (see search)


def _to_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _locked(method):
    """Serialise use of the shared Whoosh searcher (the app searches from worker threads)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class ArticleIndex:
    """Open (or create) the article index in ``directory``.

    Raises :class:`IndexCorrupt` (or its subclass :class:`IndexVersionMismatch`) when the
    existing index cannot be used; :meth:`create` then starts afresh. ``analyser`` (made from
    the gazetteer) analyses the documents added and the queries, so both are analysed alike.
    """

    def __init__(self, directory: Path | str, resolve_entity: EntityResolver | None = None, *,
                 analyser: TextAnalyser):
        self.directory = Path(directory)
        self.resolve_entity = resolve_entity
        self.analyser = analyser
        self._searcher = None
        self._eval: Evaluator | None = None
        self._lock = threading.RLock()
        self._lexicon_cache: tuple[object, dict[str, dict[str, str]]] | None = None
        if not ArticleIndex.exists(self.directory):
            self._ix = ArticleIndex._create_ix(self.directory)
        else:
            self._ix = self._open_ix()
        self.meta = self._read_meta()

    # --- lifecycle ---

    @staticmethod
    def exists(directory: Path | str) -> bool:
        """True if ``directory`` holds an index (possibly an unusable one)."""
        d = Path(directory)
        return (d / META_FILE).exists() or (d.is_dir() and any(d.glob(f"_{INDEX_NAME}_*.toc")))

    @classmethod
    def create(cls, directory: Path | str, resolve_entity: EntityResolver | None = None, *,
               analyser: TextAnalyser) -> "ArticleIndex":
        """Create an empty index, replacing whatever index was in ``directory``."""
        cls._create_ix(Path(directory))
        return cls(directory, resolve_entity, analyser=analyser)

    @staticmethod
    def _create_ix(directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        storage_lock = _FileLock(directory)
        with storage_lock:
            for p in directory.iterdir():
                if p.is_file() and not p.name.endswith("WRITELOCK") and (
                    p.name == META_FILE  # Whoosh's files: _MAIN_<gen>.toc, MAIN_<segment>.*
                    or p.name.startswith((f"_{INDEX_NAME}_", f"{INDEX_NAME}_"))
                ):
                    p.unlink()
            ix = windex.create_in(str(directory), build_schema(), indexname=INDEX_NAME)
            _write_meta(directory, {"version": VERSION})
        return ix

    def _read_meta(self) -> dict:
        try:
            return json.loads((self.directory / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"index metadata in {self.directory} is unreadable ({exc}); rebuild the index") from None

    def _open_ix(self):
        meta = self._read_meta()
        if meta.get("version") != VERSION:
            raise IndexVersionMismatch(
                f"index in {self.directory} has version {meta.get('version')}, this program needs "
                f"{VERSION}; rebuild the index"
            )
        try:
            # Without mmap: Whoosh copies every mmapped sub-file of a compound segment into a
            # BytesIO (the postings alone: ~150 MB at 10k articles); plain reads copy nothing.
            # The schema is given, not unpickled from the index: what the fields are is this code's
            # (its VERSION is checked above), so moving a tokenizer class never forces a rebuild.
            ix = FileStorage(str(self.directory), supports_mmap=False).open_index(indexname=INDEX_NAME,
                                                                                  schema=build_schema())
            with ix.reader() as r:
                r.doc_count()
        except Exception as exc:  # whoosh raises many kinds (EmptyIndexError, struct...)
            raise IndexCorrupt(f"index in {self.directory} is unreadable ({type(exc).__name__}: {exc}); rebuild the index") from None
        return ix

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._eval = None
        self._ix.close()

    # --- reading ---

    def _s(self):
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=BM25F())
        elif not self._searcher.up_to_date():
            self._searcher = self._searcher.refresh()
        return self._searcher

    def _evaluator(self) -> Evaluator:
        """The query evaluator of the current searcher (it caches per-segment arrays)."""
        s = self._s()
        if self._eval is None or self._eval.searcher is not s:
            self._eval = Evaluator(s, s.weighting)
        return self._eval

    @_locked
    def warm(self) -> None:
        """Read what the first searches of this searcher would (see Evaluator.warm)."""
        self._evaluator().warm()

    @_locked
    def doc_count(self) -> int:
        return self._s().doc_count()

    @_locked
    def doc_ids(self) -> list[str]:
        return sorted(self._evaluator().docnums_by_id())

    @_locked
    def stored_hashes(self) -> dict[str, str]:
        """id -> content_hash of every indexed article (from columns: no stored bodies read)."""
        ev = self._evaluator()
        hashes = ev.column("content_hash")
        return {article_id: str(hashes.get(n, "")) for article_id, n in ev.docnums_by_id().items()}

    def _lexicon(self, fname: str) -> dict[str, str]:
        """Lowercased term -> term of an entity field (for case-insensitive field values)."""
        s = self._s()
        if self._lexicon_cache is None or self._lexicon_cache[0] is not s:
            self._lexicon_cache = (s, {})
        cache = self._lexicon_cache[1]
        if fname not in cache:
            field_obj = s.schema[fname]
            cache[fname] = {
                field_obj.from_bytes(b).lower(): field_obj.from_bytes(b) for b in s.reader().lexicon(fname)
            }
        return cache[fname]

    def _resolver(self, override: EntityResolver | None) -> EntityResolver:
        """Entity-name resolution for field queries: ``override``, else the index's own."""
        if override is None:
            return self._resolve
        return lambda name, etype: override(name, etype) or self._resolve(name, etype)

    def _resolve(self, name: str, etype: str) -> str | None:
        """The indexed name for ``name``: the resolver given at construction, an exact or
        case-insensitive match in the field, a gazetteer alias, or the name without particles."""
        if self.resolve_entity:
            got = self.resolve_entity(name, etype)
            if got:
                return got
        if etype not in ENTITY_FIELDS:
            return None
        aliases = self.analyser.aliases()
        canonical = aliases.get(" ".join(name.lower().split()))
        lex = self._lexicon(etype)
        for candidate in (name, canonical):
            if candidate and candidate.lower() in lex:
                return lex[candidate.lower()]
        if canonical is None:  # 소프트뱅크의 -> 소프트뱅크: drop particles, then look again
            bare = " ".join(g[0][0] for g in self.analyser.query_groups(name))
            if bare in lex:
                return lex[bare]
            canonical = aliases.get(bare)
        return canonical

    @_locked
    def query_terms(self, query: str, resolve_entity: EntityResolver | None = None) -> list[str]:
        """The analysed terms of ``query`` to highlight (raises errors.QueryError)."""
        return parse_query(query, self._resolver(resolve_entity), analyser=self.analyser).terms

    @_locked
    def search(
        self,
        query: str,
        limit: int = 200,
        sort: str = "relevance",
        resolve_entity: EntityResolver | None = None,
        snippets: bool = True,
    ) -> IndexResult:
        """Run a user query (see briefing.search.index.query); raises errors.QueryError when malformed.
        ``snippets=False`` skips the highlighted passages (the app does not show them).

        An empty query lists every article, newest first. ``sort="date"``: newest first, unknown
        dates last; otherwise BM25F relevance. ``resolve_entity(name, type)`` maps values of
        ``company:`` etc. to canonical names (e.g. the gazetteer) for this call.
        """
        t0 = time.perf_counter()
        s = self._s()
        parsed = parse_query(query, self._resolver(resolve_entity), reader=s.reader(), analyser=self.analyser)
        by_date = sort == "date" or parsed.empty
        n = max(1, limit) if limit is not None else None
        top, total = self._evaluator().top(parsed.ranked(parsed.query), n, by_date)
        matched = "all"
        if parsed.relaxed is not None and (total == 0 or (total < FORGIVE_BELOW and parsed.words > 1)):
            # few articles have every word (a pasted headline, a word split another way):
            # rank those with most of the words (query.MOST_OF) instead
            more, more_total = self._evaluator().top(parsed.ranked(parsed.relaxed), n, by_date)
            if more_total > total:
                top, total, matched = more, more_total, "most"
        hits = []
        for docnum, score in top:
            stored = s.stored_fields(docnum)
            body = stored.get("body", "")
            snip = make_snippet(body, parsed.terms if snippets and not parsed.empty else ())
            hits.append(
                Hit(
                    id=stored["id"],
                    score=0.0 if by_date else score,  # by date: the key is no score
                    title=stored.get("title", ""),
                    publisher=stored.get("publisher"),
                    published=_to_date(stored.get("published")),
                    published_confidence=float(stored.get("published_confidence", 0.0)),
                    snippet=snip[0],
                    snippet_spans=snip[1],
                )
            )
        elapsed = (time.perf_counter() - t0) * 1000
        return IndexResult(hits=hits, total=total, elapsed_ms=elapsed, terms=parsed.terms, matched=matched)

    @_locked
    def facets(self, ids: Iterable[str] | None = None) -> dict[str, list[tuple[str, int]]]:
        """Per entity type: (canonical name, number of articles) over ``ids`` (None = all)."""
        ev = self._evaluator()
        docnums = None
        if ids is not None:
            by_id = ev.docnums_by_id()
            docnums = np.asarray(sorted(by_id[i] for i in ids if i in by_id), dtype=np.int64)
        out: dict[str, list[tuple[str, int]]] = {}
        for etype in ENTITY_FIELDS:
            counts = ev.term_counts(etype, docnums)
            counts.sort(key=lambda c: (-c[1], c[0]))
            out[etype] = counts
        return out

    # --- writing ---

    def update(
        self,
        docs: Iterable[IndexDoc | PretokenizedDoc],
        remove_ids: Iterable[str] = (),
        progress: Progress | None = None,
        total: int | None = None,
        existing: set[str] | None = None,
        written_segments: Callable[[], dict[str, object]] | None = None,
    ) -> None:
        """Add or replace ``docs`` (by id) and delete ``remove_ids``, committing once.

        ``docs`` may be a generator (it is consumed in batches); progress then reports
        ``total`` as given (0 if unknown). A :class:`PretokenizedDoc` brings the analysis of
        its texts (no Kiwi call here); plain IndexDocs are analysed batch by batch. A doc whose
        id is not in ``existing`` (the ids that may already be indexed; None: any) is added
        without Whoosh's lookup of an old copy to replace. Raises errors.IndexBusy if another
        process is writing.

        A :class:`WrittenDoc` is already in a segment a worker process wrote
        (:class:`SegmentBuilder`); once ``docs`` is consumed, ``written_segments()`` gives
        those segments by name, and the commit publishes them with this writer's own. A
        written doc whose segment is missing (its worker failed) is added here.
        """
        write_documents(self._ix, self.directory, self.analyser, docs, remove_ids, progress, total, existing,
                        written_segments)


def _write_meta(directory: Path, meta: dict) -> None:
    tmp = directory / f".{META_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, directory / META_FILE)


class _FileLock:
    """Whoosh's write lock of the index, held while the directory is (re)created."""

    def __init__(self, directory: Path):
        self._lock = FileStorage(str(directory)).lock(f"{INDEX_NAME}_WRITELOCK")

    def __enter__(self):
        if not self._lock.acquire(blocking=False):
            raise IndexBusy("another process is updating the index; try again when it is done")
        return self

    def __exit__(self, *exc):
        self._lock.release()
