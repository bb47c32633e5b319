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
    matched: str = "all"  # "all": every query word matched; "most": too few did, most of them


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
import pickle
import shutil
import sqlite3
import struct
import time
import zlib
from pathlib import Path
from typing import Callable, Iterator, Sequence

from briefing.search.config import Config
from briefing.search.errors import BriefingError, IndexBusy, NotFound, UsageError
from briefing.search.ingest.sources import SourceFile, discover, display_path, known_outlets, safe_id
from briefing.search.model import Article
from briefing.search.pipeline import (PLACEHOLDER_ID, AnalysedArticle, AnalysedFile, AnalysisSetup, Analyser, analysed_files,
                       assign_id, index_doc, worker_count)
from briefing.search.resources import bundled_seeds_dir
from briefing.search.store import SourceState, Store, StoreDamaged, StoreReadOnly

Progress = Callable[[int, int, str], None]

STORE_FILE = "store.sqlite"
INDEX_DIR = "index"
LOCK_FILE = "update.lock"
CORPUS_FILE = "corpus.json"  # the corpus list, also kept in the store (survives a lost store)
_SKIPPED = "skipped:"  # source state of a file that could not be ingested (hash field)
_RETRIED = "cannot read"  # a skip for this reason (permissions, I/O) is retried on every update
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


@contextlib.contextmanager
def _exclusive(path: Path, wait: bool) -> Iterator[None]:
    """An OS file lock (released by the kernel if the holder dies, even by kill -9)."""
    import fcntl

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+")
    except OSError as exc:
        raise StoreReadOnly(f"the data dir {path.parent} cannot be written ({exc.strerror or exc}): "
                            "the index cannot be updated; search, list, show and export use it as it is") from None
    with fh:
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


def _recovering(method):
    """Rebuild a store found damaged during ``method`` (with a notice) and call it again."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StoreDamaged as exc:
            self._recover(exc)
            return method(self, *args, **kwargs)

    return wrapper


class Engine:
    """Everything the app and the CLI ask of the corpus (see the contract at the top)."""

    def __init__(self, config: Config, data_dir: Path):
        self.config = config
        self.data_dir = Path(data_dir)
        self._index = None
        self._gazetteer = None
        self._analyser = None  # language.analysis.TextAnalyser of the gazetteer, made on first use
        self.notices: list[str] = []  # things the user should be told (printed or notified)
        self._summaries: list[ArticleSummary] | None = None
        self._force_rebuild = False
        self._pending_bytes = 0
        self._copies = None  # duplicate wire copies, computed on first use after each update
        self._pending_corpus: list[Path] | None = None  # a corpus change saved only with its update
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
            if "store" in self.__dict__:
                self.store.close()
            self.store = self._replace_damaged_store(str(exc))

    @property
    def read_only(self) -> bool:
        """The data dir can be read but not written: the index is used as it is."""
        return self.store.read_only

    def _replace_damaged_store(self, why: str) -> Store:
        """Move a damaged store aside (kept for inspection) and start an empty one; the next
        update rebuilds it from the sources, with the corpus list from the side file."""
        path = self.data_dir / STORE_FILE
        aside = path.with_name(f"{STORE_FILE}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            for suffix in ("", "-wal", "-shm"):
                src = Path(f"{path}{suffix}")
                if src.exists():
                    os.replace(src, f"{aside}{suffix}")
        except OSError as exc:
            raise BriefingError(f"{why}; it cannot be moved aside ({exc.strerror or exc})") from None
        self.notices.append(f"{why}; moved it to {aside.name} and rebuilt the articles from the sources")
        self._force_rebuild = True
        self._summaries = None
        return Store(path)

    def _recover(self, exc: StoreDamaged) -> None:
        """Rebuild a store found damaged while in use (see _replace_damaged_store)."""
        if self.read_only:
            raise exc
        with _exclusive(self.data_dir / LOCK_FILE, wait=True):
            self.store.close()
            self.store = self._replace_damaged_store(str(exc))
            self._update_locked(lambda done, total, label: None, prune=False)

    # --- set-up -----------------------------------------------------------------------
    @property
    def gazetteer(self):
        if self._gazetteer is None:
            from briefing.search.entities.gazetteer import Gazetteer

            self._gazetteer = Gazetteer.from_entries(self.config.gazetteer)
            self.notices.extend(f"gazetteer: {c}" for c in self._gazetteer.conflicts())
        return self._gazetteer

    def _configure_analysis(self):
        if self._analyser is None:
            from briefing.search.language.analysis import TextAnalyser

            self._analyser = TextAnalyser.from_gazetteer(self.config.gazetteer)
        return self._analyser

    def _fingerprint(self) -> str:
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
            self._index = ArticleIndex(path, analyser=self._configure_analysis())  # creates an empty index if there is none
        return self._index

    # --- the corpus list ----------------------------------------------------------------
    # The rule: the corpus is a list of paths stored in the data dir (in the store and in
    # corpus.json beside it). A new data dir starts from the config's corpus.paths; an empty
    # list means the bundled seeds. ``corpus add/remove/reset`` and ``index PATH`` change it.

    def _saved_corpus(self) -> list[str] | None:
        """The stored corpus list (None for a data dir that never had one)."""
        saved = self.store.get_meta("corpus_paths")
        if saved is None:
            try:
                saved = (self.data_dir / CORPUS_FILE).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
        try:
            paths = json.loads(saved)
        except ValueError:
            return None
        return [p for p in paths if isinstance(p, str)] if isinstance(paths, list) else None

    def corpus_list(self) -> list[Path]:
        """The user's corpus paths (empty: the bundled seeds)."""
        if self._pending_corpus is not None:
            return list(self._pending_corpus)
        saved = self._saved_corpus()
        if saved is None:
            return [_resolved(p) for p in self.config.corpus_paths]
        return [Path(p) for p in saved]

    def corpus_paths(self) -> list[Path]:
        """What is indexed: the corpus list, or the bundled seeds when it is empty."""
        return self.corpus_list() or [bundled_seeds_dir()]

    def _save_corpus(self, paths: list[Path]) -> None:
        text = _corpus_json(paths)
        self.store.set_meta("corpus_paths", text)
        self._write_corpus_file(text)

    def _write_corpus_file(self, text: str) -> None:
        """The side copy of the corpus list (corpus.json), kept beside the store."""
        side = self.data_dir / CORPUS_FILE
        tmp = side.with_name(f".{CORPUS_FILE}.tmp{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, side)

    def source_paths(self) -> list[Path]:
        """The corpus paths plus the folder of fetched news (search/feeds/folders.py)."""
        from briefing.search.feeds.folders import with_fetched

        return with_fetched(self.corpus_paths(), self.data_dir, bundled_seeds_dir())

    def set_corpus(self, paths: list[Path]) -> None:
        """Index exactly these paths from now on (replaces the list; takes the update lock)."""
        self._check_exist(paths)
        with _exclusive(self.data_dir / LOCK_FILE, wait=True):
            self._save_corpus([_resolved(p) for p in paths])

    @staticmethod
    def _check_exist(paths) -> None:
        missing = [str(p) for p in paths if not os.path.lexists(Path(p).expanduser())]
        if missing:
            raise UsageError(f"no such file or folder: {', '.join(missing)} (nothing was changed)")

    def _change_corpus(self, add=(), remove=(), reset: bool = False) -> list[Path]:
        """The corpus list after a change (checked under the update lock, before anything is
        written); the update saves it in the same commit as its articles."""
        current = self.corpus_list()
        if reset:
            current = []
        for p in remove:
            target = _resolved(p)
            if target not in current:
                listed = ", ".join(str(c) for c in current) or "the bundled seeds"
                raise UsageError(f"{p} is not in the corpus (it holds {listed}); nothing was changed")
            current.remove(target)
        for p in add:
            target = _resolved(p)
            if target not in current:
                current.append(target)
        return current

    @property
    @_recovering
    def corpus_size(self) -> int:
        return self.store.count()

    # --- updating ---------------------------------------------------------------------
    def needs_update(self) -> bool:
        """True if a source file was added, changed or removed, or the index is missing/stale."""
        try:
            return self._needs_update()
        except StoreDamaged as exc:
            self._recover(exc)
            return False

    def _needs_update(self) -> bool:
        if self._force_rebuild or self.store.get_meta("fingerprint") != self._fingerprint():
            return True
        if self._index_changed():
            return True
        if not (self.data_dir / INDEX_DIR).exists():
            return True
        from briefing.search.index.article_index import IndexCorrupt

        try:
            self.index.doc_count()
        except IndexCorrupt:
            self._index = None
            return True
        files, _ = discover(self.source_paths(), self.config.extensions)
        known = self.store.sources()
        kept = self._kept_missing()
        if len(files) != len(known) - len(kept.intersection(known)):
            return True
        for f in files:
            s = known.get(display_path(f.path))
            if s is None or not s.matches(f) or s.path in kept:
                return True
            if s.hash.startswith(_SKIPPED + _RETRIED) and os.access(f.path, os.R_OK):
                return True
        return False

    def _kept_missing(self) -> set[str]:
        """Source paths whose files are gone but whose articles are kept until a prune."""
        return set(json.loads(self.store.get_meta("kept_missing") or "[]"))

    @_recovering
    def missing_ids(self) -> set[str]:
        """Ids of the articles kept although their source is gone ("source missing")."""
        kept = self._kept_missing()
        if not kept:
            return set()
        return {i for p, s in self.store.sources().items() if p in kept for i in s.ids}

    def _index_files(self) -> dict[str, tuple[int, int]]:
        """Name -> (size, mtime_ns) of the index files (lock files aside)."""
        try:
            with os.scandir(self.data_dir / INDEX_DIR) as it:
                return {e.name: (e.stat().st_size, e.stat().st_mtime_ns) for e in it
                        if e.is_file() and not e.name.endswith(("LOCK", ".lock"))}
        except OSError:
            return {}

    def _recorded_manifest(self) -> dict[str, list]:
        try:
            recorded = json.loads(self.store.get_meta("index_files") or "{}")
        except ValueError:
            return {}
        return recorded if isinstance(recorded, dict) else {}

    def _index_manifest(self) -> str:
        """Name -> [size, mtime_ns, crc32] of every index file, recorded after each update (the
        checksum of a file already recorded with the same size and time is not computed again:
        Whoosh never rewrites a segment)."""
        recorded = self._recorded_manifest()
        out = {}
        for name, (size, mtime) in self._index_files().items():
            old = recorded.get(name)
            if isinstance(old, list) and len(old) == 3 and old[:2] == [size, mtime]:
                out[name] = old
            else:
                out[name] = [size, mtime, _crc32(self.data_dir / INDEX_DIR / name)]
        return json.dumps(out, sort_keys=True)

    def _index_changed(self) -> bool:
        """The index files differ from what the last update left (damaged or replaced outside
        briefing): a file is missing, of another size, or of another checksum (a file copied
        with a new time but the same bytes is fine)."""
        recorded = self._recorded_manifest()
        if not recorded:
            return False
        files = self._index_files()
        if set(recorded) - set(files):
            return True
        for name, old in recorded.items():  # other files: left by an abandoned update (Whoosh ignores them)
            size, mtime = files[name]
            if not isinstance(old, list) or len(old) != 3 or old[0] != size:
                return True
            if old[1] != mtime and old[2] != _crc32(self.data_dir / INDEX_DIR / name):
                return True
        return False

    def update(self, progress: Progress | None = None, *, wait: bool = False, prune: bool = False,
               add: Sequence[Path] = (), remove: Sequence[Path] = (), reset: bool = False,
               check: bool = False) -> UpdateReport:
        """Ingest new and changed sources, drop removed ones, and update the index.

        ``add``/``remove``/``reset`` change the corpus list first (a path that does not exist
        raises UsageError before anything is written). Articles whose sources are gone because
        a corpus root is missing (or because more than half of the corpus vanished at once)
        are kept, marked "source missing", unless ``prune``. ``check`` runs SQLite's
        quick_check on the store first. Raises StoreReadOnly in a read-only data dir and
        BriefingError (one line) when the disk is full; the previous index stays usable."""
        self._check_exist(add)
        started = time.perf_counter()
        if self.read_only:
            raise StoreReadOnly(f"the data dir {self.data_dir} is read-only: the index cannot be updated; "
                                "search, list, show and export use it as it is")
        with _exclusive(self.data_dir / LOCK_FILE, wait):
            if check:
                problem = self.store.quick_check()
                if problem:
                    self.store.close()
                    self.store = self._replace_damaged_store(f"the article store failed its check ({problem})")
            try:
                if add or remove or reset:
                    self._pending_corpus = self._change_corpus(add, remove, reset)
                report = self._update_locked(progress or (lambda done, total, label: None), prune=prune)
            except StoreDamaged as exc:
                self.store.close()
                self.store = self._replace_damaged_store(str(exc))
                report = self._update_locked(progress or (lambda done, total, label: None), prune=prune)
            except (OSError, sqlite3.OperationalError) as exc:
                raise self._write_failure(exc) from None  # the corpus change was not saved either
            finally:
                self._pending_corpus = None
            if add or remove or reset:
                with contextlib.suppress(OSError):  # the store has it; the side copy is a spare
                    self._write_corpus_file(self.store.get_meta("corpus_paths") or "[]")
        report.elapsed_s = time.perf_counter() - started
        return report

    def _write_failure(self, exc: BaseException) -> BaseException:
        """A one-line error for a write that failed (full disk, no permission), or ``exc``."""
        full = isinstance(exc, sqlite3.OperationalError) and "full" in str(exc)
        if isinstance(exc, sqlite3.OperationalError) and not full:
            if "locked" in str(exc) or "busy" in str(exc):
                return IndexBusy(f"the article store in {self.data_dir} stayed locked by another process; "
                                 "try again when it finishes")
            if "readonly" in str(exc) or "read-only" in str(exc):
                return StoreReadOnly(f"the article store in {self.data_dir} cannot be written ({exc}); "
                                     "the previous index is unchanged")
            return BriefingError(f"cannot write the article store in {self.data_dir} ({exc}); "
                                 "the previous index is unchanged")
        if not full and not (isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS):
            return exc
        free = shutil.disk_usage(self.data_dir).free if self.data_dir.exists() else 0
        code = getattr(exc, "errno", None)
        what = "no space left on the device" if full or code in (errno.ENOSPC, errno.EDQUOT) else (
            getattr(exc, "strerror", None) or str(exc))
        where = getattr(exc, "filename", None) or self.data_dir
        need = f"; {self._pending_bytes / 2**20:.1f} MB of sources to index (the index and store take " \
               "about 2-4 times that)" if self._pending_bytes else ""
        return BriefingError(f"cannot write {where}: {what} ({free / 2**20:.1f} MB free in {self.data_dir}{need}); "
                             "the update was abandoned and the previous index is unchanged")

    def _open_index_for_update(self, report: UpdateReport, rebuild: bool):
        from briefing.search.index.article_index import ArticleIndex, IndexCorrupt

        analyser = self._configure_analysis()
        path = self.data_dir / INDEX_DIR
        if rebuild and path.exists():
            shutil.rmtree(path)
        try:
            index = ArticleIndex(path, analyser=analyser)
            index.doc_count()
            return index, rebuild
        except IndexCorrupt as exc:
            report.warnings.append(f"the index was unusable ({_why(exc)}); rebuilt it from the sources")
            shutil.rmtree(path, ignore_errors=True)
            return ArticleIndex.create(path, analyser=analyser), True

    def _update_locked(self, progress: Progress, prune: bool = False) -> UpdateReport:
        report = UpdateReport()
        fingerprint = self._fingerprint()
        stale = self._force_rebuild or self.store.get_meta("fingerprint") != fingerprint
        from briefing.search.store import ROW_FORMAT

        if self.store.count() and self.store.row_format() != ROW_FORMAT:
            report.warnings.append("the article store was written by an older version of briefing; "
                                   "rebuilt it from the sources")
        if not stale and self._index_changed():
            report.warnings.append("the index files changed since the last update (damaged or replaced "
                                   "outside briefing); rebuilt the index from the sources")
            stale = True
        if self.store.get_meta("corpus_paths") is None and self._pending_corpus is None:
            if (self.data_dir / CORPUS_FILE).exists():
                report.warnings.append(f"the article store in {self.data_dir} was empty or new; rebuilt it from "
                                       f"the saved corpus list ({CORPUS_FILE})")
            self._save_corpus(self.corpus_list())  # a new data dir keeps the paths it started from
        self._index = None
        index, rebuilt = self._open_index_for_update(report, rebuild=stale)
        roots = self.source_paths()
        files, skipped = discover(roots, self.config.extensions)
        report.skipped.extend((s.path, s.reason) for s in skipped)
        stored = self.store.sources()
        reusable = {} if rebuilt else stored  # a rebuilt (or stale) index takes everything again
        indexed = index.stored_hashes()

        present = {display_path(f.path) for f in files}
        gone = [p for p in stored if p not in present]
        kept = self._keep_missing(gone, stored, roots, prune, report)
        removed_paths = [p for p in gone if p not in kept]
        remove_ids = {i for p in removed_paths for i in stored[p].ids}
        todo: list[SourceFile] = []
        used_ids: set[str] = {i for p in kept for i in stored[p].ids}
        for f in files:
            s = reusable.get(display_path(f.path))
            if (s and s.matches(f) and all(i in indexed for i in s.ids)
                    and not s.hash.startswith(_SKIPPED + _RETRIED)):
                used_ids.update(s.ids)
                report.unchanged += len(s.ids)
                if s.hash.startswith(_SKIPPED):
                    report.skipped.append((s.path, s.hash[len(_SKIPPED):]))
            else:
                todo.append(f)
        if rebuilt and kept:
            # a rebuilt index cannot take the kept articles from their (missing) files
            report.warnings.append(f"{len(kept)} missing source(s) could not be re-indexed; their articles are "
                                   "in the store but not searchable until the sources are back")

        self._pending_bytes = sum(f.size for f in todo)
        for f in todo:
            old = stored.get(display_path(f.path))
            if old:
                remove_ids.update(old.ids)  # re-added below if still there
        file_ids = self._reserve_ids(todo, used_ids)
        added_ids: set[str] = set()
        new_states: list[SourceState] = []
        segments: dict[str, object] = {}  # filled by worker processes that index what they analyse
        # the store is written while the update runs and committed after the index
        with self.store.update(remove_ids=remove_ids, remove_paths=removed_paths) as stored_update:

            def docs():
                from briefing.search.index.article_index import PretokenizedDoc, WrittenDoc

                batches = self._analysed_batches(todo, file_ids, stored, used_ids, report, new_states, progress,
                                                 index.directory, segments)
                for batch in _prefetch(batches):
                    stored_update.add((item.article, item.mentions, item.events) for item in batch)
                    for item in batch:
                        added_ids.add(item.article.id)
                        doc = index_doc(item.article, item.mentions)
                        yield WrittenDoc(doc, *item.written) if item.written else PretokenizedDoc(doc, item.title, item.terms)

            if todo or remove_ids:
                # an id neither indexed nor just deleted cannot be in the index: no lookup to replace it
                index.update(docs(), remove_ids=sorted(remove_ids), existing=set(indexed) - remove_ids,
                             written_segments=lambda: segments)
            report.removed = sorted(remove_ids - added_ids)
            meta = {"fingerprint": fingerprint, "kept_missing": json.dumps(sorted(kept)),
                    "index_files": self._index_manifest()}
            if self._pending_corpus is not None:
                meta["corpus_paths"] = _corpus_json(self._pending_corpus)
            stored_update.commit(sources=new_states, meta=meta)
        self._force_rebuild = False
        self._summaries = None
        self._copies = None
        self._index = index
        return report

    def _keep_missing(self, gone: list[str], stored: dict[str, SourceState], roots: list[Path], prune: bool,
                      report: UpdateReport) -> set[str]:
        """Which of the ``gone`` sources keep their articles: those under a corpus root that is
        missing, or all of them when they are more than half of the corpus (an emptied mount
        point), unless ``prune``. Sources under no corpus root (removed from the list) go."""
        if prune or not gone:
            return set()
        rooted = [display_path(r) for r in roots]
        missing_roots = [display_path(r) for r in roots if not os.path.lexists(r)]
        kept = {p for p in gone if any(_under(p, r) for r in missing_roots)}
        articles = sum(len(s.ids) for s in stored.values())
        vanished = [p for p in gone if p not in kept and any(_under(p, r) for r in rooted)]
        n_vanished = sum(len(stored[p].ids) for p in vanished)
        if articles > 2 and n_vanished > articles / 2:
            kept.update(vanished)
            report.warnings.append(
                f"{n_vanished} of {articles} articles' files are gone; kept them (marked \"source missing\"): "
                "run `briefing index --prune` to remove them")
        n_kept = sum(len(stored[p].ids) for p in kept)
        for r in missing_roots:
            if any(_under(p, r) for p in kept):
                report.warnings.append(f"corpus path {r} is missing; kept its articles (marked \"source missing\") "
                                       "until it is back, `briefing index --prune` or `briefing corpus remove`")
        if n_kept:
            report.unchanged += n_kept
        return kept

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
        also index them into ``segments``, see briefing.search.pipeline) and give their articles ids, in
        the order of ``todo``; yields lists of AnalysedArticle and fills ``report`` and
        ``new_states``."""
        progress(0, len(todo), "reading")
        if not todo:
            return
        # the local analyser also gives this process the Kiwi user words the workers have
        local = Analyser(self._analysis_setup(), self.gazetteer, self._configure_analysis())
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
                self._take_file(f, file_ids[i], result, stored.get(display_path(f.path)), used_ids, report, new_states)
                n += 1
                batch.extend(result.articles)
                progress(n, len(todo), f.path.name)
            yield batch

    def _take_file(self, f: SourceFile, file_id: str, result: AnalysedFile, old, used_ids, report,
                   new_states) -> None:
        """Record one analysed file: ids for its articles (``file_id``, reserved for it, or a
        record's own id made unique in the corpus), its state, and what the report says."""
        if result.error is not None:
            report.skipped.append((display_path(f.path), result.error))
            new_states.append(SourceState(display_path(f.path), f.size, f.mtime_ns, _SKIPPED + result.error, ()))
            return
        for item in result.articles:
            if item.article.id == PLACEHOLDER_ID:
                article_id = file_id
            else:
                article_id = safe_id(item.article.id)
                if article_id != item.article.id:
                    item.article.original_id = item.article.id
                if article_id in used_ids:
                    article_id = self._unique_id(Path(f"{article_id}~{safe_id(f.path.stem)}.x"), used_ids)
            assign_id(item, article_id)
            used_ids.add(article_id)
            report.warnings.extend(f"{display_path(f.path.name)}: {w}" for w in item.article.warnings)
        ids = tuple(i.article.id for i in result.articles)
        (report.changed if old else report.added).extend(ids)
        new_states.append(SourceState(display_path(f.path), f.size, f.mtime_ns, result.articles[0].article.content_hash, ids))

    def _unique_id(self, path: Path, used: set[str]) -> str:
        stem = safe_id(path.stem)
        if stem not in used:
            return stem
        return f"{stem}~{hashlib.sha1(display_path(path).encode()).hexdigest()[:6]}"

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
        return self.store.article(self.resolve_id(article_id))

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

    def search(self, query: str, limit: int = 200, sort: str = "relevance",
               snippets: bool = True) -> SearchResult:
        if sort not in ("relevance", "date"):
            from briefing.search.errors import QueryError

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
            matched=result.matched,
        )

    def _with_index(self, use):
        """Call ``use(index)``; an index found unreadable is rebuilt from the sources (with a
        notice) and the call is made again."""
        from briefing.search.index.article_index import IndexCorrupt

        try:
            return use(self.index)
        except (IndexCorrupt, *_WHOOSH_READ_ERRORS) as exc:
            if self.read_only:
                raise BriefingError(f"the index in {self.data_dir / INDEX_DIR} is damaged ({_why(exc)}) and the "
                                    "data dir is read-only: it cannot be rebuilt here") from None
            self._index = None
            self._force_rebuild = True
            report = self.update(wait=True)
            self.notices.append(f"the index was unreadable ({_why(exc)}); rebuilt {self.corpus_size} articles "
                                f"from the sources in {report.elapsed_s:.1f} s")
            return use(self.index)

    def highlight_spans(self, article_id: str, query: str) -> list[tuple[int, int]]:
        """Offsets in the article body of the words the query matches."""
        if not query.strip():
            return []
        terms = set(self.index.query_terms(query))
        return self._configure_analysis().term_spans(self.article(article_id).body, terms)

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
    def events(self, ids: list[str] | None = None):
        """Timeline events (briefing.search.timeline.events.Event) of the given articles (None: all), in date order."""
        from briefing.search.timeline.events import Event

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
        from briefing.search.brief.render import plan_brief

        return plan_brief(self, [self.resolve_id(i) for i in ids], query=query)

    def write_brief(self, plan) -> Path:
        from briefing.search.brief.render import write_brief

        return write_brief(self, plan)

    def close(self) -> None:
        if self._index is not None:  # the searcher's segment files (a warm server opens many engines)
            self._index.close()
            self._index = None
        self.store.close()


# what Whoosh raises on reading a damaged segment (random bytes in a compressed block, a cut file)
_WHOOSH_READ_ERRORS = (zlib.error, struct.error, EOFError, pickle.UnpicklingError, UnicodeDecodeError)


def _corpus_json(paths: list[Path]) -> str:
    return json.dumps([str(p) for p in paths])  # ASCII: a name that is not UTF-8 survives as \udcXX


def _why(exc: Exception) -> str:
    if not isinstance(exc, BriefingError):
        return f"{type(exc).__name__}: {exc}"
    return str(exc).removesuffix("; rebuild the index")


def _crc32(path: Path) -> int:
    crc = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                crc = zlib.crc32(chunk, crc)
    except OSError:
        return -1
    return crc


def _resolved(p) -> Path:
    """An absolute path for the corpus list (symlinks resolved when it exists)."""
    p = Path(p).expanduser()
    return p.resolve() if p.exists() else Path(os.path.abspath(p))


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


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
