"""The engine facade the app and the CLI use: corpus update, search, articles, entities,
related articles, timeline. Everything slow happens here, never in widgets.

INTERFACE CONTRACT (being implemented in this session; signatures are fixed):

    engine = Engine(config, data_dir)
    engine.corpus_size -> int                       # articles in the store
    engine.needs_update() -> bool                   # cheap stat-based check of sources
    engine.update(progress=None) -> UpdateReport    # ingest + index, incremental;
                                                    # progress(done:int, total:int, label:str)
    engine.list_articles() -> list[ArticleSummary]  # date order, newest first, unknown last
    engine.article(id) -> Article                   # raises errors.NotFound; id may be a unique prefix
    engine.search(query, limit=200, sort="relevance"|"date") -> SearchResult
                                                    # empty query = every article; raises errors.QueryError
    engine.highlight_spans(id, query) -> list[tuple[int,int]]   # offsets in article.body
    engine.mentions(id) -> list[Mention]            # entity mentions with offsets in article.body
    engine.article_entities(id) -> dict[type, list[EntityCount]]
    engine.facets(ids) -> dict[type, list[EntityCount]]         # for a result set
    engine.entities(type=None) -> list[EntityCount]             # corpus-wide
    engine.related(id, limit=10) -> list[Related]
    engine.adjacent(entity_name, article_id, step=+1|-1) -> str | None  # next/prev article by date
    engine.events(ids) -> list[Event]               # chronological
    engine.month_counts(ids) -> list[tuple[str,int]]  # ("2025-02", n) articles per month
    engine.plan_brief(ids, query=None) -> BriefPlan  # export target and contents (search/brief.py)
    engine.write_brief(plan) -> Path                 # never overwrites; raises BriefingError
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class ArticleSummary:
    id: str
    title: str
    publisher: str | None
    published: date | None
    published_confidence: float


@dataclass
class Hit(ArticleSummary):
    score: float = 0.0
    snippet: str = ""
    snippet_spans: list[tuple[int, int]] = field(default_factory=list)  # highlighted ranges in snippet


@dataclass
class SearchResult:
    query: str
    sort: str
    hits: list[Hit]
    total: int
    elapsed_ms: float
    terms: list[str] = field(default_factory=list)  # analysed query terms, for highlighting


@dataclass
class EntityCount:
    name: str
    type: str
    count: int  # mentions in an article, or articles in a corpus/result set


@dataclass
class Related:
    id: str
    title: str
    published: date | None
    shared: list[str]
    score: float


@dataclass
class UpdateReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0


# --- implementation ---------------------------------------------------------------------------

import contextlib
import dataclasses
import hashlib
import json
import errno
import math
import os
import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

from .config import Config
from .errors import IndexBusy, NotFound
from .ingest import SourceFile, discover, known_outlets
from .models import Article
from .pipeline import (PLACEHOLDER_ID, AnalysedArticle, AnalysedFile, AnalysisSetup, Analyser, analysed_files,
                       assign_id, index_doc, worker_count)
from .resources import bundled_seeds_dir
from .store import SourceState, Store

Progress = Callable[[int, int, str], None]

STORE_FILE = "store.sqlite"
INDEX_DIR = "index"
LOCK_FILE = "update.lock"
_SKIPPED = "skipped:"  # source state of a file that could not be ingested (hash field)


@contextlib.contextmanager
def _exclusive(path: Path, wait: bool) -> Iterator[None]:
    """An OS file lock (released by the kernel if the holder dies, even by kill -9)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
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


class Engine:
    """Everything the app and the CLI ask of the corpus (see the contract at the top)."""

    def __init__(self, config: Config, data_dir: Path):
        self.config = config
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.data_dir / STORE_FILE)
        self._index = None
        self._gazetteer = None
        self._configured = False
        self.notices: list[str] = []  # things the user should be told (printed or notified)
        self._summaries: list[ArticleSummary] | None = None

    # --- set-up -----------------------------------------------------------------------
    @property
    def gazetteer(self):
        if self._gazetteer is None:
            from .gazetteer import Gazetteer

            self._gazetteer = Gazetteer.from_entries(self.config.gazetteer)
            self.notices.extend(f"gazetteer: {c}" for c in self._gazetteer.conflicts())
        return self._gazetteer

    def _configure_analysis(self) -> None:
        if not self._configured:
            from . import analysis

            analysis.configure(self.config.gazetteer)
            self._configured = True

    def _fingerprint(self) -> str:
        from . import analysis
        from .ingest import EXTRACTOR_VERSION
        from .index import INDEX_VERSION

        from .store import ROW_FORMAT

        return (f"x{EXTRACTOR_VERSION}-i{INDEX_VERSION}-s{ROW_FORMAT}"
                f"-g{analysis.gazetteer_fingerprint(self.config.gazetteer)}")

    @property
    def index(self):
        """The full-text index, opened on first use (rebuilt by update() if unusable)."""
        if self._index is None:
            from .index import ArticleIndex

            self._configure_analysis()
            path = self.data_dir / INDEX_DIR
            self._index = ArticleIndex(path)  # creates an empty index if there is none
        return self._index

    def corpus_paths(self) -> list[Path]:
        """What is indexed: corpus.paths of the config, else the paths last given to
        ``briefing index PATH...`` (remembered in the data dir), else the bundled seeds."""
        if self.config.corpus_paths:
            return list(self.config.corpus_paths)
        remembered = self.store.get_meta("corpus_paths")
        if remembered:
            return [Path(p) for p in json.loads(remembered)]
        return [bundled_seeds_dir()]

    def set_corpus(self, paths: list[Path]) -> None:
        """Index these paths from now on (``briefing index PATH...``)."""
        resolved = [str(Path(p).expanduser().resolve()) for p in paths]
        self.store.set_meta("corpus_paths", json.dumps(resolved))
        self.config.corpus_paths = []

    @property
    def corpus_size(self) -> int:
        return self.store.count()

    # --- updating ---------------------------------------------------------------------
    def needs_update(self) -> bool:
        """True if a source file was added, changed or removed, or the index is missing/stale."""
        if self.store.get_meta("fingerprint") != self._fingerprint():
            return True
        if not (self.data_dir / INDEX_DIR).exists():
            return True
        from .index import IndexCorrupt

        try:
            self.index.doc_count()
        except IndexCorrupt:
            self._index = None
            return True
        files, _ = discover(self.corpus_paths(), self.config.extensions)
        known = self.store.sources()
        if len(files) != len(known):
            return True
        for f in files:
            s = known.get(str(f.path))
            if s is None or not s.matches(f):
                return True
        return False

    def update(self, progress: Progress | None = None, *, wait: bool = False) -> UpdateReport:
        """Ingest new and changed sources, drop removed ones, and update the index."""
        started = time.perf_counter()
        with _exclusive(self.data_dir / LOCK_FILE, wait):
            report = self._update_locked(progress or (lambda done, total, label: None))
        report.elapsed_s = time.perf_counter() - started
        return report

    def _open_index_for_update(self, report: UpdateReport, rebuild: bool):
        from .index import ArticleIndex, IndexCorrupt

        self._configure_analysis()
        path = self.data_dir / INDEX_DIR
        if rebuild and path.exists():
            shutil.rmtree(path)
        try:
            index = ArticleIndex(path)
            index.doc_count()
            return index, rebuild
        except IndexCorrupt as exc:
            report.warnings.append(f"the index was unusable ({_why(exc)}); rebuilt it from the sources")
            shutil.rmtree(path, ignore_errors=True)
            return ArticleIndex.create(path), True

    def _update_locked(self, progress: Progress) -> UpdateReport:
        report = UpdateReport()
        fingerprint = self._fingerprint()
        stale = self.store.get_meta("fingerprint") != fingerprint
        from .store import ROW_FORMAT

        if self.store.count() and self.store.row_format() != ROW_FORMAT:
            report.warnings.append("the article store was written by an older version of briefing; "
                                   "rebuilt it from the sources")
        self._index = None
        index, rebuilt = self._open_index_for_update(report, rebuild=stale)
        files, skipped = discover(self.corpus_paths(), self.config.extensions)
        report.skipped.extend((s.path, s.reason) for s in skipped)
        stored = self.store.sources()
        reusable = {} if rebuilt else stored  # a rebuilt (or stale) index takes everything again
        indexed = index.stored_hashes()

        present = {str(f.path) for f in files}
        removed_paths = [p for p in stored if p not in present]
        remove_ids = {i for p in removed_paths for i in stored[p].ids}
        todo: list[SourceFile] = []
        used_ids: set[str] = set()
        for f in files:
            s = reusable.get(str(f.path))
            if s and s.matches(f) and all(i in indexed for i in s.ids):
                used_ids.update(s.ids)
                report.unchanged += len(s.ids)
                if s.hash.startswith(_SKIPPED):
                    report.skipped.append((s.path, s.hash[len(_SKIPPED):]))
            else:
                todo.append(f)

        for f in todo:
            old = stored.get(str(f.path))
            if old:
                remove_ids.update(old.ids)  # re-added below if still there
        file_ids = self._reserve_ids(todo, used_ids)
        added_ids: set[str] = set()
        new_states: list[SourceState] = []
        segments: dict[str, object] = {}  # filled by worker processes that index what they analyse
        # the store is written while the update runs and committed after the index
        with self.store.update(remove_ids=remove_ids, remove_paths=removed_paths) as stored_update:

            def docs():
                from .index import PretokenizedDoc, WrittenDoc

                batches = self._analysed_batches(todo, file_ids, stored, used_ids, report, new_states, progress,
                                                 index.directory, segments)
                for batch in _prefetch(batches):
                    stored_update.add((item.article, item.mentions, item.events) for item in batch)
                    for item in batch:
                        added_ids.add(item.article.id)
                        doc = index_doc(item.article, item.mentions)
                        yield WrittenDoc(doc, *item.written) if item.written else PretokenizedDoc(doc, item.tokens, item.terms)

            if todo or remove_ids:
                # an id neither indexed nor just deleted cannot be in the index: no lookup to replace it
                index.update(docs(), remove_ids=sorted(remove_ids), existing=set(indexed) - remove_ids,
                             written_segments=lambda: segments)
            report.removed = sorted(remove_ids - added_ids)
            stored_update.commit(sources=new_states, meta={"fingerprint": fingerprint})
        self._summaries = None
        self._index = index
        return report

    def _analysis_setup(self) -> AnalysisSetup:
        outlets = known_outlets(e.name for e in self.config.gazetteer if e.media)
        return AnalysisSetup(tuple(self.config.gazetteer), outlets, int(self.config.max_file_mb * 1024 * 1024),
                             self.config.max_article_chars)

    def _reserve_ids(self, todo: list[SourceFile], used_ids: set[str]) -> list[str]:
        """The id of each file's article (its stem, unless taken), reserved in ``used_ids``
        before any file is read: worker processes index articles under these ids. Records of
        a JSON Lines file keep their own ids unless taken (see _take_file)."""
        ids = []
        for f in todo:
            ids.append(self._unique_id(f.path, used_ids))
            used_ids.add(ids[-1])
        return ids

    def _analysed_batches(self, todo, file_ids, stored, used_ids, report, new_states, progress,
                          index_dir: Path, segments: dict[str, object]):
        """Read and analyse the files in ``todo`` (in worker processes for large updates, which
        also index them into ``segments``, see search.pipeline) and give their articles ids, in
        the order of ``todo``; yields lists of AnalysedArticle and fills ``report`` and
        ``new_states``."""
        progress(0, len(todo), "reading")
        if not todo:
            return
        # the local analyser also gives this process the Kiwi user words the workers have
        local = Analyser(self._analysis_setup(), self.gazetteer)
        results = analysed_files([str(f.path) for f in todo], local, workers=worker_count(len(todo)),
                                 warn=report.warnings.append, file_ids=file_ids, index_dir=str(index_dir),
                                 segments=segments)
        n = 0
        place = {str(f.path): i for i, f in enumerate(todo)}  # files a worker deferred come last
        for files in results:
            batch: list[AnalysedArticle] = []
            for result in files:
                i = place[result.path]
                f = todo[i]
                self._take_file(f, file_ids[i], result, stored.get(str(f.path)), used_ids, report, new_states)
                n += 1
                batch.extend(result.articles)
                progress(n, len(todo), f.path.name)
            yield batch

    def _take_file(self, f: SourceFile, file_id: str, result: AnalysedFile, old, used_ids, report,
                   new_states) -> None:
        """Record one analysed file: ids for its articles (``file_id``, reserved for it, or a
        record's own id made unique in the corpus), its state, and what the report says."""
        if result.error is not None:
            report.skipped.append((str(f.path), result.error))
            new_states.append(SourceState(str(f.path), f.size, f.mtime_ns, _SKIPPED + result.error, ()))
            return
        for item in result.articles:
            if item.article.id == PLACEHOLDER_ID:
                article_id = file_id
            else:
                article_id = item.article.id
                if article_id in used_ids:
                    article_id = self._unique_id(Path(f"{article_id}~{f.path.stem}"), used_ids)
            assign_id(item, article_id)
            used_ids.add(article_id)
            report.warnings.extend(f"{f.path.name}: {w}" for w in item.article.warnings)
        ids = tuple(i.article.id for i in result.articles)
        (report.changed if old else report.added).extend(ids)
        new_states.append(SourceState(str(f.path), f.size, f.mtime_ns, result.articles[0].article.content_hash, ids))

    def _unique_id(self, path: Path, used: set[str]) -> str:
        stem = path.stem
        if stem not in used:
            return stem
        return f"{stem}~{hashlib.sha1(str(path).encode()).hexdigest()[:6]}"

    # --- reading ----------------------------------------------------------------------
    def resolve_id(self, article_id: str) -> str:
        """An exact id or a unique prefix of one (``001`` for ``001_bad68e02c0ebdc26``)."""
        if self.store.article(article_id) is not None:
            return article_id
        matches = self.store.ids_with_prefix(article_id)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise NotFound(f"no article with id {article_id!r} (see `briefing list`)")
        raise NotFound(f"{article_id!r} matches several articles: {', '.join(matches[:5])}")

    def article(self, article_id: str) -> Article:
        return self.store.article(self.resolve_id(article_id))

    def list_articles(self) -> list[ArticleSummary]:
        """Every article, newest first (cached until the next update)."""
        cached = self._summaries
        if cached is None:
            rows = [
                ArticleSummary(r[0], r[1], r[2], date.fromisoformat(r[3]) if r[3] else None, r[4] or 0.0)
                for r in self.store.summaries()
            ]
            cached = self._summaries = sort_by_date(rows)
        return list(cached)

    def search(self, query: str, limit: int = 200, sort: str = "relevance",
               snippets: bool = True) -> SearchResult:
        if sort not in ("relevance", "date"):
            from .errors import QueryError

            raise QueryError(f"unknown sort {sort!r}: use relevance or date")
        started = time.perf_counter()
        result = self._with_index(
            lambda index: index.search(query, limit=limit, sort=sort,
                                       resolve_entity=self.gazetteer.canonical, snippets=snippets)
        )
        hits = [
            Hit(h.id, h.title, h.publisher, h.published, h.published_confidence,
                score=h.score, snippet=h.snippet, snippet_spans=list(h.snippet_spans))
            for h in result.hits
        ]
        return SearchResult(
            query=query, sort=sort, hits=hits, total=result.total,
            elapsed_ms=(time.perf_counter() - started) * 1000, terms=list(result.terms),
        )

    def _with_index(self, use):
        """Call ``use(index)``; an index found unreadable is rebuilt from the sources (with a
        notice) and the call is made again."""
        from .index import IndexCorrupt

        try:
            return use(self.index)
        except IndexCorrupt as exc:
            self._index = None
            self.store.set_meta("fingerprint", "")  # forces a full rebuild
            report = self.update(wait=True)
            self.notices.append(f"the index was unreadable ({_why(exc)}); rebuilt {self.corpus_size} articles "
                                f"from the sources in {report.elapsed_s:.1f} s")
            return use(self.index)

    def highlight_spans(self, article_id: str, query: str) -> list[tuple[int, int]]:
        """Offsets in the article body of the words the query matches."""
        from .analysis import match_spans

        if not query.strip():
            return []
        terms = set(self.index.query_terms(query))
        return match_spans(self.article(article_id).body, terms)

    def mentions(self, article_id: str):
        return self.store.mentions(self.resolve_id(article_id))

    def article_entities(self, article_id: str) -> dict[str, list[EntityCount]]:
        counts: dict[tuple[str, str], int] = {}
        for m in self.mentions(article_id):
            if m.role == "story":
                counts[(m.type, m.name)] = counts.get((m.type, m.name), 0) + 1
        return _group_counts((t, n, c) for (t, n), c in counts.items())

    def facets(self, ids: list[str] | None) -> dict[str, list[EntityCount]]:
        """Entity -> number of articles, per type, over ``ids`` (None: the corpus), from the index."""
        per_type = self._with_index(lambda index: index.facets(ids))
        return _group_counts((t, n, c) for t, items in per_type.items() for n, c in items)

    def entities(self, type: str | None = None) -> list[EntityCount]:
        """Corpus-wide canonical entities with article counts, most frequent first."""
        grouped = self.facets(None)
        rows = [e for t, items in grouped.items() if type in (None, t) for e in items]
        return sorted(rows, key=lambda e: (-e.count, e.type, e.name))

    def related(self, article_id: str, limit: int = 10) -> list[Related]:
        """Articles sharing companies, weighted by how rare each shared company is (IDF),
        then by closeness in date."""
        aid = self.resolve_id(article_id)
        by_article = self.store.companies_by_article()
        mine = by_article.get(aid, set())
        if not mine:
            return []
        n_docs = max(self.store.count(), 1)
        df: dict[str, int] = {}
        for names in by_article.values():
            for name in names:
                df[name] = df.get(name, 0) + 1
        idf = {name: math.log((1 + n_docs) / (1 + df[name])) + 1e-3 for name in df}
        summaries = {s.id: s for s in self.list_articles()}
        me = summaries.get(aid)
        scored = []
        for other, names in by_article.items():
            shared = mine & names
            if other == aid or not shared or other not in summaries:
                continue
            s = summaries[other]
            gap = (
                abs((s.published - me.published).days)
                if (s.published and me and me.published) else 10**6
            )
            score = round(sum(idf[n] for n in sorted(shared)), 6)  # rounded: ties stay ties
            ordered = sorted(shared, key=lambda n: (-idf[n], n))
            scored.append((-score, gap, other, Related(other, s.title, s.published, ordered, round(score, 4))))
        scored.sort(key=lambda t: t[:3])
        return [t[3] for t in scored[:limit]]

    def adjacent(self, entity_name: str, article_id: str, step: int = 1) -> str | None:
        """The next (step=+1) or previous (-1) article by date that mentions the entity."""
        ids = set(self.store.articles_mentioning(entity_name))
        ordered = [s.id for s in reversed(self.list_articles()) if s.id in ids]  # oldest first
        ordered = [i for i in ordered if i]  # unknown dates come first when reversed: keep as is
        aid = self.resolve_id(article_id) if article_id else None
        if aid not in ordered:
            return ordered[0] if ordered and step > 0 else (ordered[-1] if ordered else None)
        pos = ordered.index(aid) + step
        return ordered[pos] if 0 <= pos < len(ordered) else None

    def events(self, ids: list[str] | None = None):
        """Timeline events (search.timeline.Event) of the given articles (None: all), in date order."""
        from .timeline import Event

        names = {f.name for f in dataclasses.fields(Event)}
        out = []
        for d in self.store.events(ids):
            d = {k: v for k, v in d.items() if k in names}
            for key in ("date_from", "date_to"):
                d[key] = date.fromisoformat(d[key]) if d.get(key) else None
            out.append(Event(**d))
        return out

    def month_counts(self, ids: list[str] | None = None) -> list[tuple[str, int]]:
        """Articles per publication month, oldest first (for the sparkline)."""
        from .timeline import month_counts

        wanted = set(ids) if ids is not None else None
        return month_counts(
            (s.published for s in self.list_articles() if wanted is None or s.id in wanted), fill=False
        )

    # --- briefs -------------------------------------------------------------------------
    def plan_brief(self, ids: list[str], query: str | None = None):
        from .brief import plan_brief

        return plan_brief(self, [self.resolve_id(i) for i in ids], query=query)

    def write_brief(self, plan) -> Path:
        from .brief import write_brief

        return write_brief(self, plan)

    def close(self) -> None:
        self.store.close()


def _why(exc: Exception) -> str:
    return str(exc).removesuffix("; rebuild the index")


def _prefetch(iterator, depth: int = 1):
    """Run ``iterator`` one step ahead in a thread (the next batch is analysed while Whoosh
    indexes this one); exceptions reach the consumer; an abandoned iterator is closed."""
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def run():
        try:
            for item in iterator:
                if stop.is_set():
                    return
                q.put((item, None))
            q.put((done, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put((done, exc))
        finally:
            close = getattr(iterator, "close", None)
            if close:
                close()  # a generator's clean-up (e.g. stopping worker processes) runs now

    worker = threading.Thread(target=run, name="briefing-analysis", daemon=True)
    worker.start()
    try:
        while True:
            item, exc = q.get()
            if exc is not None:
                raise exc
            if item is done:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                worker.join(0.05)



def sort_by_date(rows: list) -> list:
    """Newest first; unknown dates last; ties by id."""
    dated = sorted((r for r in rows if r.published), key=lambda r: (r.published, r.id), reverse=True)
    return dated + sorted((r for r in rows if not r.published), key=lambda r: r.id)


def _group_counts(rows) -> dict[str, list[EntityCount]]:
    grouped: dict[str, list[EntityCount]] = {t: [] for t in ("company", "person", "place", "org")}
    for t, n, c in rows:
        grouped.setdefault(t, []).append(EntityCount(n, t, c))
    for t in grouped:
        grouped[t].sort(key=lambda e: (-e.count, e.name))
    return grouped
