"""The article index: a Whoosh index with Korean analysis, BM25F ranking and snippets.

All Whoosh use stays in ``search/``. The index directory holds Whoosh's files plus
``briefing-index.json`` (schema VERSION and the gazetteer fingerprint). Opening an index of
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
from array import array
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

import numpy as np
from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.scoring import BM25F

from briefing.search.language.analysis import BodyTerms, Term, TextAnalyser
from briefing.search.language.surface import gram_terms, title_keys
from briefing.search.errors import BriefingError, IndexBusy
from briefing.search.index.evaluate import Evaluator
from briefing.search.index.snippet import make_snippet
from briefing.search.index.tokenizers import AnalysedValue, PairTokenizer, korean_analyzer
from briefing.search.index.query import ENTITY_FIELDS, EntityResolver, parse_query

VERSION = 3  # bump when the schema or the analyser changes what is indexed (3: normalised text,
# other scripts, the "grams" and "title_key" fields)
INDEX_VERSION = VERSION
META_FILE = "briefing-index.json"
INDEX_NAME = "MAIN"
BATCH_SIZE = 64  # documents analysed per parallel Kiwi call (their titles)
LOCK_TIMEOUT_S = 0.5
FORGIVE_BELOW = 5  # fewer articles with every query word: search those with most of them

Progress = Callable[[int, int, str], None]


class IndexCorrupt(BriefingError):
    """The index cannot be used (unreadable, or built by another version): rebuild it."""


class IndexVersionMismatch(IndexCorrupt):
    """The index was built with another schema/analyser version."""


@dataclass
class IndexDoc:
    """What the index needs to know about one article."""

    id: str
    title: str
    body: str
    publisher: str | None = None
    published: date | None = None
    published_confidence: float = 0.0
    byline: list[str] = field(default_factory=list)
    content_hash: str = ""
    source_path: str = ""
    entities: dict[str, list[str]] = field(default_factory=dict)  # type -> canonical names

    @classmethod
    def from_article(cls, article, entities: dict[str, list[str]] | None = None) -> "IndexDoc":
        """The IndexDoc of a :class:`briefing.search.model.Article` (entities: type -> canonical names)."""
        return cls(
            id=article.id,
            title=article.title,
            body=article.body,
            publisher=article.publisher,
            published=article.published.value,
            published_confidence=article.published.confidence,
            byline=list(article.byline),
            content_hash=article.content_hash,
            source_path=article.source_path,
            entities=dict(entities or {}),
        )


class IndexHit(NamedTuple):
    id: str
    score: float
    title: str
    publisher: str | None
    published: date | None
    published_confidence: float
    snippet: str
    snippet_spans: list[tuple[int, int]]


@dataclass
class IndexResult:
    hits: list[IndexHit]
    total: int
    elapsed_ms: float
    terms: list[str]
    matched: str = "all"  # "all": every query word matched; "most": the forgiving query (see search)


def build_schema() -> Schema:
    """The Whoosh schema of the article index (see module doc and VERSION)."""
    ana = korean_analyzer()
    entity = dict(commas=True, scorable=True, stored=True)
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),
        title=TEXT(analyzer=ana, field_boost=2.5, stored=True, chars=True),
        body=TEXT(analyzer=ana, stored=True, phrase=False),  # no positions: read fast
        body_pairs=TEXT(analyzer=PairTokenizer(), phrase=False),  # phrases (see analysis.pairs_of)
        entities=TEXT(analyzer=ana, phrase=False),  # canonical names, for plain-word search
        grams=TEXT(analyzer=ana, phrase=False),  # character bigrams of title and body (surface.gram_terms)
        title_key=KEYWORD(commas=True),  # "=" whole title key, "~" without kickers (surface.title_keys)
        publisher=KEYWORD(commas=True, lowercase=True, stored=True),  # one value, spaces kept
        published=DATETIME(stored=True),
        published_ord=NUMERIC(int, bits=32, sortable=True),  # date ordinal, 0 = unknown
        published_confidence=STORED(),
        byline=KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        company=KEYWORD(**entity),
        person=KEYWORD(**entity),
        place=KEYWORD(**entity),
        org=KEYWORD(**entity),
        content_hash=ID(stored=True, sortable=True),
        source_path=STORED(),
    )


def _clean_list(values: Iterable[str]) -> str:
    return ",".join(dict.fromkeys(v.replace(",", " ").strip() for v in values if v and v.strip()))


def _entity_terms(doc: IndexDoc, analyser: TextAnalyser) -> list[str]:
    """The ``entities`` field: the index terms of every canonical entity name of ``doc``, each
    name analysed alone (TextAnalyser.name_terms, remembered: names recur from article to article).
    Whoosh indexes a list of terms as given, without calling the field's analyzer."""
    names = dict.fromkeys(n for t in ENTITY_FIELDS for n in doc.entities.get(t, []))
    return [term for name in names for term in analyser.name_terms(name)]


def _fields_of(doc: IndexDoc, analyser: TextAnalyser, title: list[Term]) -> dict:
    """The fields of ``doc`` for Whoosh; ``title``: its title's index-mode terms (the title
    field gets them as an AnalysedValue, its text stored as given)."""
    f = dict(
        id=doc.id,
        title=AnalysedValue(doc.title or "", title),
        _stored_title=doc.title or "",
        body=doc.body or "",
        body_pairs=doc.body or "",
        entities=_entity_terms(doc, analyser),
        grams=gram_terms(doc.title or "") + gram_terms(doc.body or ""),
        title_key=",".join(f"{mark}{key}" for mark, key in zip("=~", title_keys(doc.title or ""))
                           if key),
        published_ord=doc.published.toordinal() if doc.published else 0,
        published_confidence=float(doc.published_confidence),
        byline=_clean_list(doc.byline),
        content_hash=doc.content_hash,
        source_path=doc.source_path,
    )
    if not f["title_key"]:
        del f["title_key"]
    if doc.publisher:
        f["publisher"] = doc.publisher.replace(",", " ")
    if doc.published:
        f["published"] = datetime(doc.published.year, doc.published.month, doc.published.day)
    for t in ENTITY_FIELDS:
        value = _clean_list(doc.entities.get(t, []))
        if value:
            f[t] = value
    return f


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
            _write_meta(directory, {"version": VERSION, "fingerprint": None})
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
            ix = FileStorage(str(self.directory), supports_mmap=False).open_index(indexname=INDEX_NAME)
            schema = ix.schema
            with ix.reader() as r:
                r.doc_count()
        except Exception as exc:  # whoosh raises many kinds (EmptyIndexError, pickle, struct...)
            raise IndexCorrupt(f"index in {self.directory} is unreadable ({type(exc).__name__}: {exc}); rebuild the index") from None
        if set(schema.names()) != set(build_schema().names()):
            raise IndexVersionMismatch(f"index in {self.directory} has another schema; rebuild the index")
        return ix

    @property
    def stored_fingerprint(self) -> str | None:
        """The gazetteer fingerprint recorded by the last update (None if never recorded)."""
        return self.meta.get("fingerprint")

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
        return {article_id: hashes.get(n, "") for article_id, n in ev.docnums_by_id().items()}

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
                IndexHit(
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
        fingerprint: str | None = None,
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
        process is writing. ``fingerprint`` (see analysis.gazetteer_fingerprint) is recorded
        with the commit when given.

        A :class:`WrittenDoc` is already in a segment a worker process wrote
        (:class:`SegmentBuilder`); once ``docs`` is consumed, ``written_segments()`` gives
        those segments by name, and the commit publishes them with this writer's own. A
        written doc whose segment is missing (its worker failed) is added here.
        """
        try:
            writer = self._ix.writer(timeout=LOCK_TIMEOUT_S, limitmb=256, codec=_writer_codec())
        except windex.LockError:
            raise IndexBusy(f"another process is updating the index in {self.directory}; try again when it is done") from None
        if total is None:
            total = len(docs) if hasattr(docs, "__len__") else 0
        done = 0
        written: list[WrittenDoc] = []
        try:
            for rid in remove_ids:
                writer.delete_by_term("id", rid)
            # Kiwi analyses batch k+1 on its worker threads while Whoosh indexes batch k.
            with ThreadPoolExecutor(max_workers=1) as pool:
                batches = _batched(docs, BATCH_SIZE)
                batch = next(batches, None)
                pending = pool.submit(_pretokenized_docs, batch, self.analyser) if batch else None
                while batch:
                    batch = pending.result()
                    following = next(batches, None)
                    pending = pool.submit(_pretokenized_docs, following, self.analyser) if following else None
                    for item in batch:
                        if isinstance(item, WrittenDoc):
                            if existing is None or item.doc.id in existing:
                                writer.delete_by_term("id", item.doc.id)  # an old copy, in a committed segment
                            written.append(item)
                        else:
                            _add(writer, item, existing, self.analyser)
                        done += 1
                        if progress:
                            progress(done, total, item.doc.id)
                    batch = following
            segments = _take_written(writer, written, written_segments, existing, self.analyser)
            _commit(writer, segments)
        except BaseException:
            writer.cancel()
            raise
        if fingerprint is not None and fingerprint != self.meta.get("fingerprint"):
            self.meta = {**self.meta, "fingerprint": fingerprint}
            _write_meta(self.directory, self.meta)


def _add(writer, item: "PretokenizedDoc", existing: set[str] | None, analyser: TextAnalyser) -> None:
    """Add ``item.doc``, replacing an indexed copy unless its id is known to be new. The body's
    terms are ``item.terms`` (TextAnalyser.body_terms of it, computed here if None); Whoosh
    indexes a list of terms as given and stores the body text."""
    doc = item.doc
    fields = _fields_of(doc, analyser, item.title)
    terms = item.terms if item.terms is not None else analyser.body_terms(doc.body)
    fields.update(body=list(terms.terms.elements()), _stored_body=fields["body"],
                  body_pairs=list(terms.pairs.elements()))
    if existing is None or doc.id in existing:
        writer.update_document(**fields)
    else:
        writer.add_document(**fields)


def _take_written(writer, written: list["WrittenDoc"], segments: Callable[[], dict[str, object]] | None,
                  existing: set[str] | None, analyser: TextAnalyser) -> list:
    """The worker segments holding ``written``; documents whose segment is missing (its
    worker failed before finishing it) are analysed and added by ``writer`` instead."""
    found = dict(segments()) if (written and segments is not None) else {}
    redo = [item.doc for item in written if found.get(item.segment) is None]
    for batch in _batched(redo, BATCH_SIZE):
        for item in _pretokenized_docs(batch, analyser):
            _add(writer, item, existing, analyser)
    return [s for s in found.values() if s is not None]


def _commit(writer, extra: list) -> None:
    """Commit ``writer`` and publish the finished segments ``extra`` in the same new table of
    contents (what Whoosh's multi-process writer does with its sub-writers' segments)."""
    if not extra:
        writer.commit()
        return
    final = writer._merge_segments(None, None, None)  # Whoosh's default: merge small segments
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + extra)
    writer._finish()


class WrittenDoc(NamedTuple):
    """An IndexDoc a :class:`SegmentBuilder` already wrote: document ``docnum`` of segment
    ``segment``."""

    doc: IndexDoc
    segment: str
    docnum: int


class _MemoryPool:
    """Whoosh's posting pool for a :class:`SegmentBuilder`: postings kept per term in arrays
    and sorted once at the end. Whoosh's own pool sorts every posting and, past its memory
    limit, pickles sorted runs to temporary files that the commit merges back. Arrays hold no
    Python objects, so the garbage collector does not walk the postings."""

    def __init__(self) -> None:
        self._terms: dict[tuple[str, bytes], tuple[array, array, array]] = {}
        self._value_ids: dict[bytes | None, int] = {}  # value string -> index in _values
        self._values: list[bytes | None] = []
        self._count_ids: dict[int, int] = {}  # term count -> index of its packed value
        self.fieldnames: set[str] = set()

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        self._append(fieldname, tbytes, docnum, weight, self._value_id(vbytes))

    def add_field(self, fieldname: str, docnum: int, items) -> None:
        """The postings of one field of one document: (term bytes, freq, weight, value bytes)."""
        for tbytes, _freq, weight, vbytes in items:
            self._append(fieldname, tbytes, docnum, weight, self._value_id(vbytes))

    def add_counts(self, fieldname: str, docnum: int, counts: Counter, boost: float) -> None:
        """A Frequency-format field of one document from its term counts: what Whoosh's
        Frequency.word_values gives (weight count * boost, value the packed count)."""
        from whoosh.system import pack_uint

        for term, n in counts.items():
            value = self._count_ids.get(n)
            if value is None:
                value = self._count_ids[n] = self._value_id(pack_uint(n))
            self._append(fieldname, term.encode("utf-8"), docnum, n * boost, value)

    def _append(self, fieldname: str, tbytes: bytes, docnum: int, weight: float, value: int) -> None:
        entry = self._terms.get((fieldname, tbytes))
        if entry is None:
            entry = self._terms[(fieldname, tbytes)] = (array("I"), array("d"), array("I"))
            self.fieldnames.add(fieldname)
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(value)

    def _value_id(self, vbytes: bytes | None) -> int:
        """The index of ``vbytes`` in _values (one entry per distinct value string)."""
        value = self._value_ids.get(vbytes)
        if value is None:
            value = self._value_ids[vbytes] = len(self._values)
            self._values.append(vbytes)
        return value

    def iter_postings(self):
        terms, values = self._terms, self._values
        for key in sorted(terms):
            fieldname, tbytes = key
            docnums, weights, value_ids = terms[key]
            for i in range(len(docnums)):
                yield fieldname, tbytes, docnums[i], weights[i], values[value_ids[i]]

    def cleanup(self) -> None:
        self._terms, self._value_ids, self._values, self._count_ids = {}, {}, [], {}


def _add_analysed(writer, fields: dict, analysed: dict[str, Counter]) -> None:
    """Whoosh's SegmentWriter.add_document for a pool with ``add_field``, where the fields
    named in ``analysed`` (Frequency format) come as the counts of their analysed terms: their
    postings are made here in one pass instead of through Whoosh's token stream, term by term. Gives
    the same postings, lengths and stored values (tests/test_pipeline.py compares them)."""
    perdoc, schema, pool, docnum = writer.perdocwriter, writer.schema, writer.pool, writer.docnum
    perdoc.start_doc(docnum)
    for name in sorted(fields):
        value = fields[name]
        if value is None or name.startswith("_"):  # _stored_<name>: the stored value of <name>
            continue
        field = schema[name]
        length = 0
        if field.indexed:
            counts = analysed.get(name)
            if counts is not None:
                pool.add_counts(name, docnum, counts, field.format.field_boost)
                length = sum(counts.values())
            else:
                items = list(field.index(value))
                pool.add_field(name, docnum, items)
                length = sum(item[1] for item in items)
            if not field.scorable:
                length = 0
        perdoc.add_field(name, field, fields.get(f"_stored_{name}", value) if field.stored else None, length)
        if field.column_type:
            perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


# Documents a worker writes into one segment before it writes the segment's files and starts
# another: a worker's memory (its posting pool) stays that of this many documents instead of
# growing with the update (a 30k-article build peaked at 1.9 GB with workers).
FLUSH_DOCS = 4000


class SegmentBuilder:
    """Writes documents into new segments of the index in ``directory`` without taking the
    index's write lock: for the worker processes of an update whose main process holds it
    and publishes the finished segments (:class:`WrittenDoc`, ``ArticleIndex.update``). Every
    ``flush_docs`` documents a segment is finished and another begun. Readers see nothing until
    the main process publishes them; an abandoned segment's files go at Whoosh's next commit."""

    def __init__(self, directory: Path | str, analyser: TextAnalyser, flush_docs: int = 0):
        self._directory = str(directory)
        self.analyser = analyser
        self._flush_docs = flush_docs or FLUSH_DOCS
        self._finished: dict[str, object] = {}
        self._begin()

    def _begin(self) -> None:
        from whoosh.writing import SegmentWriter

        ix = FileStorage(self._directory, supports_mmap=False).open_index(indexname=INDEX_NAME)
        self._writer = SegmentWriter(ix, _lk=False, codec=_writer_codec())
        self._writer.pool = _MemoryPool()
        self.name: str = self._writer.newsegment.segment_id()
        self.count = 0

    def add(self, doc: IndexDoc, title: list[Term], terms: BodyTerms) -> int:
        """Write ``doc``, given its title's index-mode terms and what the index keeps of its
        body; returns its document number in segment :attr:`name`."""
        if self.count >= self._flush_docs:
            self._finished[self.name] = self._close()
            self._begin()
        docnum = self._writer.docnum
        fields = _fields_of(doc, self.analyser, title)
        _add_analysed(self._writer, fields, {
            "body": terms.terms,
            "body_pairs": terms.pairs,
            "entities": Counter(fields["entities"]),  # terms already (see _entity_terms)
            "grams": Counter(fields["grams"]),  # terms already (surface.gram_terms)
        })
        self.count += 1
        return docnum

    def _close(self):
        writer = self._writer
        segment = writer._finalize_segment() if self.count else writer._close_segment()
        writer.is_closed = True
        writer.pool = None  # its postings are written: free them now
        return segment

    def finish(self) -> dict[str, object]:
        """Write the last segment's files; returns every segment written, by name, to publish
        (an empty one is None). The temporary folder stays: it is shared with the main writer,
        whose commit removes it."""
        self._finished[self.name] = self._close()
        return dict(self._finished)


class PretokenizedDoc(NamedTuple):
    """An IndexDoc with its analysis: the index-mode terms of its title and what the index keeps
    of its body (``terms``: TextAnalyser.body_terms; computed when the doc is added if None),
    e.g. made in a worker process."""

    doc: IndexDoc
    title: list[Term]
    terms: BodyTerms | None = None


def _writer_codec():
    """Whoosh's codec without per-block document-length statistics: collecting them costs a
    file read per posting at commit (~20% of the writing time) and only tightens the score
    bounds Whoosh's own block-skipping uses (min length 0 is still a valid bound); BM25 reads
    the per-document lengths, which are written as before."""
    from whoosh.codec.whoosh3 import W3Codec

    codec = W3Codec()
    codec.length_stats = False
    return codec


def _batched(docs: Iterable, size: int):
    batch: list = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pretokenized_docs(batch: list, analyser: TextAnalyser) -> list:
    """``batch`` with every plain IndexDoc made a PretokenizedDoc (its title analysed in one
    parallel Kiwi call for the batch, its body window by window) and every PretokenizedDoc
    given its body's terms if it came without."""
    plain = [item for item in batch if not isinstance(item, (PretokenizedDoc, WrittenDoc))]
    titles = iter(analyser.analyse_many([d.title for d in plain]) if plain else [])
    out = []
    for item in batch:
        if isinstance(item, WrittenDoc):
            out.append(item)
            continue
        if not isinstance(item, PretokenizedDoc):
            item = PretokenizedDoc(item, analyser.analyze(item.title, "index", next(titles)))
        if item.terms is None:
            item = item._replace(terms=analyser.body_terms(item.doc.body))
        out.append(item)
    return out


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
