"""The engine facade the app and the CLI use: articles, search, entities, related articles,
timeline and briefs of the corpus in one data dir. Everything slow happens here, never in
widgets; an update run (ingest, analysis, store and index writes) is in update.py.

    engine = Engine(config, data_dir)
    engine.update(progress=None) -> UpdateReport    # incremental; progress(done, total, label)
    engine.needs_update() -> bool                   # cheap stat-based check of the sources
    engine.list_articles() -> list[ArticleSummary]  # newest first, unknown dates last
    engine.article(id) -> Article                   # errors.NotFound; id may be a unique prefix
    engine.search(query, limit=200, sort="relevance"|"date") -> SearchResult
    engine.facets(ids) / entities(type) / article_entities(id) / mentions(id)
    engine.related(id) / adjacent(name, id, step) / events(ids) / month_counts(ids)
    engine.plan_brief(ids, query=None) -> BriefPlan; engine.write_brief(plan) -> Path

The types it returns are in model.py. A store or index found damaged while reading is
rebuilt from the sources (with a notice in ``notices``) and the call made again.
"""

from __future__ import annotations

import functools
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, TypeVar

from briefing.search import corpus_list, update as update_run
from briefing.search.config import Config
from briefing.search.data_dir import INDEX_DIR, LOCK_FILE, STORE_FILE, exclusive_lock, move_aside
from briefing.search.errors import BriefingError, NotFound, QueryError
from briefing.search.integrity import WHOOSH_READ_ERRORS, failure_reason
from briefing.search.model import (Article, ArticleSummary, EntityCount, Event, Hit, Progress, Related,
                                   SearchResult, UpdateReport)
from briefing.search.related import related_articles
from briefing.search.resources import bundled_seeds_dir
from briefing.search.store import Store, StoreDamaged

if TYPE_CHECKING:
    from briefing.search.language.analysis import TextAnalyser

__all__ = ["Engine", "ArticleSummary", "EntityCount", "Hit", "Related", "SearchResult", "UpdateReport",
           "sort_by_date"]

F = TypeVar("F", bound=Callable[..., Any])


def _recovering(method: F) -> F:
    """Rebuild a store found damaged during ``method`` (with a notice) and call it again."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StoreDamaged as exc:
            self.recover(exc)
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Engine:
    """Everything the app and the CLI ask of the corpus (see the module docstring).

    Between update runs (update.py) the engine keeps: ``force_rebuild`` (the next update
    rebuilds everything) and ``pending_corpus`` (a corpus list change that an update run
    saves with its articles)."""

    def __init__(self, config: Config, data_dir: Path):
        self.config = config
        self.data_dir = Path(data_dir)
        self._index = None
        self._gazetteer = None
        self._analyser: TextAnalyser | None = None  # made on first use (see analyser)
        self.notices: list[str] = []  # things the user should be told (printed or notified)
        self._summaries: list[ArticleSummary] | None = None
        self.force_rebuild = False
        self._copies = None  # duplicate wire copies, computed on first use after each update
        self.pending_corpus: list[Path] | None = None
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BriefingError(f"cannot create the data dir {self.data_dir}: {exc.strerror or exc}") from None
        try:
            self.store = Store(self.data_dir / STORE_FILE)
            self.store.get_meta("fingerprint")  # a damaged file fails here
        except StoreDamaged as exc:
            if "store" in self.__dict__ and self.store.read_only:
                raise
            self.replace_store(str(exc))

    @property
    def read_only(self) -> bool:
        """The data dir can be read but not written: the index is used as it is."""
        return self.store.read_only

    def replace_store(self, why: str) -> None:
        """Move a damaged store aside (kept for inspection) and start an empty one; the next
        update rebuilds it from the sources, with the corpus list from the side file."""
        if "store" in self.__dict__:
            self.store.close()
        path = self.data_dir / STORE_FILE
        try:
            aside = move_aside(path)
        except OSError as exc:
            raise BriefingError(f"{why}; it cannot be moved aside ({exc.strerror or exc})") from None
        self.notices.append(f"{why}; moved it to {aside.name} and rebuilt the articles from the sources")
        self.force_rebuild = True
        self._summaries = None
        self.store = Store(path)

    def recover(self, exc: StoreDamaged) -> None:
        """Rebuild a store found damaged while in use (see replace_store)."""
        if self.read_only:
            raise exc
        with exclusive_lock(self.data_dir / LOCK_FILE, wait=True):
            self.replace_store(str(exc))
            update_run.update_locked(self, lambda done, total, label: None, prune=False)

    # --- set-up -----------------------------------------------------------------------
    @property
    def gazetteer(self):
        if self._gazetteer is None:
            from briefing.search.entities.gazetteer import Gazetteer

            self._gazetteer = Gazetteer.from_entries(self.config.gazetteer)
            self.notices.extend(f"gazetteer: {c}" for c in self._gazetteer.conflicts())
        return self._gazetteer

    @property
    def analyser(self) -> TextAnalyser:
        """The text analyser of the configured gazetteer (aliases, user words), made on first use."""
        if self._analyser is None:
            from briefing.search.language.analysis import TextAnalyser

            self._analyser = TextAnalyser.from_gazetteer(self.config.gazetteer)
        return self._analyser

    def fingerprint(self) -> str:
        """What the store and index were built with; another one means a rebuild."""
        from briefing.search.language.aliases import gazetteer_fingerprint
        from briefing.search.ingest.sources import EXTRACTOR_VERSION
        from briefing.search.index.article_index import INDEX_VERSION

        from briefing.search.store import ROW_FORMAT

        return (f"x{EXTRACTOR_VERSION}-i{INDEX_VERSION}-s{ROW_FORMAT}"
                f"-g{gazetteer_fingerprint(self.config.gazetteer)}")

    @property
    def index(self):
        """The full-text index, opened on first use (rebuilt by update() if unusable)."""
        if self._index is None:
            from briefing.search.index.article_index import ArticleIndex

            path = self.data_dir / INDEX_DIR
            self._index = ArticleIndex(path, analyser=self.analyser)  # creates an empty index if there is none
        return self._index

    def detach_index(self) -> None:
        """Forget the open index (an update run opens its own)."""
        self._index = None

    def updated(self, index) -> None:
        """An update run committed: ``index`` is the index from now on; cached reads go."""
        self.force_rebuild = False
        self._summaries = None
        self._copies = None
        self._index = index

    # --- the corpus list (corpus_list.py) ----------------------------------------------
    def corpus_list(self) -> list[Path]:
        """The user's corpus paths (empty: the bundled seeds)."""
        if self.pending_corpus is not None:
            return list(self.pending_corpus)
        saved = corpus_list.saved_corpus(self.store, self.data_dir)
        if saved is None:
            return [corpus_list.resolved_path(p) for p in self.config.corpus_paths]
        return [Path(p) for p in saved]

    def corpus_paths(self) -> list[Path]:
        """What is indexed: the corpus list, or the bundled seeds when it is empty."""
        return self.corpus_list() or [bundled_seeds_dir()]

    def source_paths(self) -> list[Path]:
        """The corpus paths plus the folder of fetched news (search/feeds/folders.py)."""
        from briefing.search.feeds.folders import with_fetched

        return with_fetched(self.corpus_paths(), self.data_dir, bundled_seeds_dir())

    def set_corpus(self, paths: list[Path]) -> None:
        """Index exactly these paths from now on (replaces the list; takes the update lock)."""
        corpus_list.check_exist(paths)
        with exclusive_lock(self.data_dir / LOCK_FILE, wait=True):
            corpus_list.save_corpus(self.store, self.data_dir, [corpus_list.resolved_path(p) for p in paths])

    @property
    @_recovering
    def corpus_size(self) -> int:
        return self.store.count()

    # --- updating (update.py) ----------------------------------------------------------
    def needs_update(self) -> bool:
        """True if a source file was added, changed or removed, or the index is missing/stale."""
        try:
            return update_run.needs_update(self)
        except StoreDamaged as exc:
            self.recover(exc)
            return False

    def update(self, progress: Progress | None = None, *, wait: bool = False, prune: bool = False,
               add: Sequence[Path] = (), remove: Sequence[Path] = (), reset: bool = False,
               check: bool = False) -> UpdateReport:
        """Ingest new and changed sources, drop removed ones, and update the index (see
        update.run_update for the options)."""
        return update_run.run_update(self, progress, wait=wait, prune=prune, add=add, remove=remove,
                                     reset=reset, check=check)

    @_recovering
    def missing_ids(self) -> set[str]:
        """Ids of the articles kept although their source is gone ("source missing")."""
        kept = update_run.kept_missing(self.store)
        if not kept:
            return set()
        return {i for p, s in self.store.sources().items() if p in kept for i in s.ids}

    # --- reading ----------------------------------------------------------------------
    @_recovering
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

    @_recovering
    def article(self, article_id: str) -> Article:
        found = self.store.article(self.resolve_id(article_id))
        if found is None:  # removed between the two reads
            raise NotFound(f"no article with id {article_id!r} (see `briefing list`)")
        return found

    @_recovering
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

    def warm(self) -> None:
        """Read what the first searches would (the searcher's per-segment arrays: ~0.2 s at 100k
        articles), so that the first keystrokes do not wait for it."""
        self._with_index(lambda index: index.warm())

    def search(self, query: str, limit: int = 200, sort: str = "relevance",
               snippets: bool = True) -> SearchResult:
        if sort not in ("relevance", "date"):
            raise QueryError(f"unknown sort {sort!r}: use relevance or date")
        started = time.perf_counter()
        result = self._with_index(
            lambda index: index.search(query, limit=limit, sort=sort,
                                       resolve_entity=self.gazetteer.canonical, snippets=snippets)
        )
        return SearchResult(
            query=query, sort=sort, hits=result.hits, total=result.total,
            elapsed_ms=(time.perf_counter() - started) * 1000, terms=list(result.terms),
            matched=result.matched,
        )

    def _with_index(self, use):
        """Call ``use(index)``; an index found unreadable is rebuilt from the sources (with a
        notice) and the call is made again."""
        from briefing.search.index.article_index import IndexCorrupt

        try:
            return use(self.index)
        except (IndexCorrupt, *WHOOSH_READ_ERRORS) as exc:
            if self.read_only:
                raise BriefingError(f"the index in {self.data_dir / INDEX_DIR} is damaged ({failure_reason(exc)}) "
                                    "and the data dir is read-only: it cannot be rebuilt here") from None
            self._index = None
            self.force_rebuild = True
            report = self.update(wait=True)
            self.notices.append(f"the index was unreadable ({failure_reason(exc)}); rebuilt {self.corpus_size} "
                                f"articles from the sources in {report.elapsed_s:.1f} s")
            return use(self.index)

    def highlight_spans(self, article_id: str, query: str) -> list[tuple[int, int]]:
        """Offsets in the article body of the words the query matches."""
        if not query.strip():
            return []
        terms = set(self.index.query_terms(query))
        return self.analyser.term_spans(self.article(article_id).body, terms)

    @_recovering
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

    @_recovering
    def related(self, article_id: str, limit: int = 10) -> list[Related]:
        """Articles sharing companies, weighted by how rare each shared company is (IDF),
        then by closeness in date (related.py)."""
        aid = self.resolve_id(article_id)
        return related_articles(aid, self.store.companies_by_article(), self.list_articles(),
                                n_docs=self.store.count(), limit=limit)

    @_recovering
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

    @_recovering
    def events(self, ids: list[str] | None = None) -> list[Event]:
        """Timeline events of the given articles (None: all), in date order."""
        return [Event.from_row(row) for row in self.store.events(ids)]

    def month_counts(self, ids: list[str] | None = None) -> list[tuple[str, int]]:
        """Articles per publication month, oldest first, months without any left out (the
        sparkline fills them)."""
        from briefing.search.timeline.events import month_counts

        wanted = set(ids) if ids is not None else None
        return month_counts(
            (s.published for s in self.list_articles() if wanted is None or s.id in wanted), fill=False
        )

    def copies(self):
        """Duplicate wire copies in the corpus (search/feeds/copies.py: WireCopies)."""
        from briefing.search.feeds.copies import wire_copies

        if self._copies is None:
            self._copies = wire_copies(self)
        return self._copies

    # --- briefs -------------------------------------------------------------------------
    def plan_brief(self, ids: list[str], query: str | None = None):
        from briefing.search.brief.plan import plan_brief

        return plan_brief(self, [self.resolve_id(i) for i in ids], query=query)

    def write_brief(self, plan) -> Path:
        from briefing.search.brief.render import write_brief

        return write_brief(self, plan)

    def close(self) -> None:
        if self._index is not None:  # the searcher's segment files (a warm server opens many engines)
            self._index.close()
            self._index = None
        self.store.close()


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
