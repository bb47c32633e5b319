"""An update run: find what changed among the sources, analyse it (pipeline.py, in worker
processes for large updates), write the article store and the index, and record what the
next run compares with (the sources' states, the fingerprint, the index manifest).

One run at a time per data dir (the update lock, data_dir.py). The store is written while
the run goes and committed after the index, as one transaction: an interrupted run leaves
the previous state. Articles whose sources vanished with their corpus root, or with more
than half of the corpus at once, are kept (marked "source missing") unless the run prunes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from briefing.search.corpus_list import changed_corpus, check_exist, corpus_json, save_corpus, write_corpus_file
from briefing.search.data_dir import CORPUS_FILE, INDEX_DIR, LOCK_FILE, exclusive_lock, write_failure
from briefing.search.ingest.sources import SourceFile, discover, display_path, known_outlets, safe_id
from briefing.search.integrity import failure_reason, index_changed, index_manifest
from briefing.search.model import Progress, UpdateReport
from briefing.search.file_analysis import (PLACEHOLDER_ID, AnalysedArticle, AnalysedFile, AnalysisSetup, Analyser,
                                           assign_id, index_doc)
from briefing.search.pipeline import analysed_files, worker_count
from briefing.search.prefetch import prefetch
from briefing.search.store import ROW_FORMAT, SourceState, Store, StoreDamaged, StoreReadOnly, StoreUpdate

if TYPE_CHECKING:
    from briefing.search.config import Config
    from briefing.search.engine import Engine
    from briefing.search.index.schema import IndexDoc

SKIPPED = "skipped:"  # source state of a file that could not be ingested (hash field)
RETRIED = "cannot read"  # a skip for this reason (permissions, I/O) is retried on every update


def no_progress(done: int, total: int, label: str) -> None:
    """The progress callback of a run nobody watches."""


def run_update(engine: Engine, progress: Progress | None = None, *, wait: bool = False, prune: bool = False,
               add: Sequence[Path] = (), remove: Sequence[Path] = (), reset: bool = False,
               check: bool = False) -> UpdateReport:
    """Ingest new and changed sources, drop removed ones, and update the index.

    ``add``/``remove``/``reset`` change the corpus list first (a path that does not exist
    raises UsageError before anything is written). Articles whose sources are gone because
    a corpus root is missing (or because more than half of the corpus vanished at once)
    are kept, marked "source missing", unless ``prune``. ``check`` runs SQLite's
    quick_check on the store first. Raises StoreReadOnly in a read-only data dir and
    BriefingError (one line) when the disk is full; the previous index stays usable."""
    check_exist(add)
    started = time.perf_counter()
    if engine.read_only:
        raise StoreReadOnly(f"the data dir {engine.data_dir} is read-only: the index cannot be updated; "
                            "search, list, show and export use it as it is")
    with exclusive_lock(engine.data_dir / LOCK_FILE, wait):
        if check:
            problem = engine.store.quick_check()
            if problem:
                engine.replace_store(f"the article store failed its check ({problem})")
        run = UpdateRun(engine, progress or no_progress, prune)
        try:
            if add or remove or reset:
                engine.pending_corpus = changed_corpus(engine.corpus_list(), add, remove, reset)
            report = run.run()
        except StoreDamaged as exc:
            engine.replace_store(str(exc))
            report = UpdateRun(engine, progress or no_progress, prune).run()
        except (OSError, sqlite3.OperationalError) as exc:
            raise write_failure(exc, engine.data_dir, run.pending_bytes) from None  # the corpus change is not saved
        finally:
            engine.pending_corpus = None
        if add or remove or reset:
            with contextlib.suppress(OSError):  # the store has it; the side copy is a spare
                write_corpus_file(engine.data_dir, engine.store.get_meta("corpus_paths") or "[]")
    report.elapsed_s = time.perf_counter() - started
    return report


def update_locked(engine: Engine, progress: Progress, prune: bool = False) -> UpdateReport:
    """An update run by a caller that holds the update lock."""
    return UpdateRun(engine, progress, prune).run()


def needs_update(engine: Engine) -> bool:
    """True if a source file was added, changed or removed, or the index is missing/stale."""
    store, index_dir = engine.store, engine.data_dir / INDEX_DIR
    if engine.force_rebuild or store.get_meta("fingerprint") != engine.fingerprint():
        return True
    if index_changed(store, index_dir) or not index_dir.exists():
        return True
    from briefing.search.index.article_index import IndexCorrupt

    try:
        engine.index.doc_count()
    except IndexCorrupt:
        engine.detach_index()
        return True
    files, _ = discover(engine.source_paths(), engine.config.extensions)
    known = store.sources()
    kept = kept_missing(store)
    if len(files) != len(known) - len(kept.intersection(known)):
        return True
    for f in files:
        s = known.get(display_path(f.path))
        if s is None or not s.matches(f) or s.path in kept:
            return True
        if s.hash.startswith(SKIPPED + RETRIED) and os.access(f.path, os.R_OK):
            return True
    return False


def kept_missing(store: Store) -> set[str]:
    """Source paths whose files are gone but whose articles are kept until a prune."""
    return set(json.loads(store.get_meta("kept_missing") or "[]"))


@dataclass
class Plan:
    """What a run does: the files to analyse and the ids reserved for them, the articles and
    source paths to remove, the missing sources whose articles are kept, what the index holds."""

    todo: list[SourceFile]
    file_ids: list[str]
    remove_ids: set[str]
    removed_paths: list[str]
    kept: set[str]
    indexed: dict[str, str]  # article id -> content hash


class UpdateRun:
    """One update, by a caller holding the update lock: plan, analyse, write, commit."""

    def __init__(self, engine: Engine, progress: Progress, prune: bool = False):
        self.engine, self.progress, self.prune = engine, progress, prune
        self.report = UpdateReport()
        self.pending_bytes = 0  # of the sources to analyse (said when the disk is full)
        self.stored: dict[str, SourceState] = {}  # the sources as the store knows them
        self.used_ids: set[str] = set()  # article ids taken, kept or given in this run
        self.new_states: list[SourceState] = []  # of the files analysed

    @property
    def store(self) -> Store:
        return self.engine.store

    def run(self) -> UpdateReport:
        fingerprint = self.engine.fingerprint()
        stale = self._stale(fingerprint)
        self._keep_corpus_list()
        self.engine.detach_index()
        index, rebuilt = self._open_index(rebuild=stale)
        plan = self._plan(index, rebuilt)
        self._write(index, plan, fingerprint)
        self.engine.updated(index)
        return self.report

    def _stale(self, fingerprint: str) -> bool:
        """Everything is indexed again: a rebuild was asked for, the store and index were built
        with another fingerprint (versions, gazetteer), or the index files changed outside."""
        stale = self.engine.force_rebuild or self.store.get_meta("fingerprint") != fingerprint
        if self.store.count() and self.store.row_format() != ROW_FORMAT:
            self.report.warnings.append("the article store was written by an older version of briefing; "
                                        "rebuilt it from the sources")
        if not stale and index_changed(self.store, self.engine.data_dir / INDEX_DIR):
            self.report.warnings.append("the index files changed since the last update (damaged or replaced "
                                        "outside briefing); rebuilt the index from the sources")
            stale = True
        return stale

    def _keep_corpus_list(self) -> None:
        """A new data dir (or a store rebuilt empty) keeps the corpus list it started from."""
        engine = self.engine
        if self.store.get_meta("corpus_paths") is None and engine.pending_corpus is None:
            if (engine.data_dir / CORPUS_FILE).exists():
                self.report.warnings.append(f"the article store in {engine.data_dir} was empty or new; rebuilt it "
                                            f"from the saved corpus list ({CORPUS_FILE})")
            save_corpus(self.store, engine.data_dir, engine.corpus_list())

    def _open_index(self, rebuild: bool):
        """The index to update, and whether it starts empty (rebuilt, or found unusable)."""
        from briefing.search.index.article_index import ArticleIndex, IndexCorrupt

        path = self.engine.data_dir / INDEX_DIR
        if rebuild and path.exists():
            shutil.rmtree(path)
        try:
            index = ArticleIndex(path, analyser=self.engine.analyser)
            index.doc_count()
            return index, rebuild
        except IndexCorrupt as exc:
            self.report.warnings.append(f"the index was unusable ({failure_reason(exc)}); rebuilt it from the sources")
            shutil.rmtree(path, ignore_errors=True)
            return ArticleIndex.create(path, analyser=self.engine.analyser), True

    def _plan(self, index, rebuilt: bool) -> Plan:
        report = self.report
        roots = self.engine.source_paths()
        files, skipped = discover(roots, self.engine.config.extensions)
        report.skipped.extend((s.path, s.reason) for s in skipped)
        stored = self.stored = self.store.sources()
        indexed = index.stored_hashes()
        present = {display_path(f.path) for f in files}
        gone = [p for p in stored if p not in present]
        kept = keep_missing(gone, stored, roots, self.prune, report)
        removed_paths = [p for p in gone if p not in kept]
        remove_ids = {i for p in removed_paths for i in stored[p].ids}
        self.used_ids = {i for p in kept for i in stored[p].ids}
        todo = self._changed(files, {} if rebuilt else stored, indexed)  # a rebuilt index takes everything
        if rebuilt and kept:
            # a rebuilt index cannot take the kept articles from their (missing) files
            report.warnings.append(f"{len(kept)} missing source(s) could not be re-indexed; their articles are "
                                   "in the store but not searchable until the sources are back")
        self.pending_bytes = sum(f.size for f in todo)
        for f in todo:
            old = stored.get(display_path(f.path))
            if old:
                remove_ids.update(old.ids)  # re-added below if still there
        return Plan(todo, reserve_ids(todo, self.used_ids), remove_ids, removed_paths, kept, indexed)

    def _changed(self, files: list[SourceFile], reusable: dict[str, SourceState],
                 indexed: dict[str, str]) -> list[SourceFile]:
        """The files to analyse; the articles of the others stay as they are."""
        todo: list[SourceFile] = []
        for f in files:
            s = reusable.get(display_path(f.path))
            if (s and s.matches(f) and all(i in indexed for i in s.ids)
                    and not s.hash.startswith(SKIPPED + RETRIED)):
                self.used_ids.update(s.ids)
                self.report.unchanged += len(s.ids)
                if s.hash.startswith(SKIPPED):
                    self.report.skipped.append((s.path, s.hash[len(SKIPPED):]))
            else:
                todo.append(f)
        return todo

    def _write(self, index, plan: Plan, fingerprint: str) -> None:
        """Analyse the files of ``plan`` and write their articles into the store and the index;
        the store (written while the run goes) commits after the index."""
        added_ids: set[str] = set()
        segments: dict[str, object] = {}  # filled by worker processes that index what they analyse
        with self.store.update(remove_ids=plan.remove_ids, remove_paths=plan.removed_paths) as stored_update:
            if plan.todo or plan.remove_ids:
                docs = self._docs(plan, stored_update, added_ids, index.directory, segments)
                # an id neither indexed nor just deleted cannot be in the index: no lookup to replace it
                index.update(docs, remove_ids=sorted(plan.remove_ids), existing=set(plan.indexed) - plan.remove_ids,
                             written_segments=lambda: segments)
            self.report.removed = sorted(plan.remove_ids - added_ids)
            meta = {"fingerprint": fingerprint, "kept_missing": json.dumps(sorted(plan.kept)),
                    "index_files": index_manifest(self.store, self.engine.data_dir / INDEX_DIR)}
            if self.engine.pending_corpus is not None:
                meta["corpus_paths"] = corpus_json(self.engine.pending_corpus)
            stored_update.commit(sources=self.new_states, meta=meta)

    def _docs(self, plan: Plan, stored_update: StoreUpdate, added_ids: set[str], index_dir: Path,
              segments: dict[str, object]) -> Iterator:
        """The index documents of the analysed articles (the next batch is analysed while the
        index takes this one), each batch written into the store as it comes."""
        from briefing.search.index.article_index import PretokenizedDoc, WrittenDoc

        for batch in prefetch(self._analysed_batches(plan, index_dir, segments)):
            stored_update.add((item.article, item.mentions, [e.to_row() for e in item.events]) for item in batch)
            for item in batch:
                added_ids.add(item.article.id)
                if item.written:
                    segment, docnum = item.written
                    yield WrittenDoc(item.article.id, segment, docnum, partial(_written_doc, stored_update, item.article.id))
                else:
                    yield PretokenizedDoc(index_doc(item.article, item.mentions), item.title, item.terms)

    def _analysed_batches(self, plan: Plan, index_dir: Path,
                          segments: dict[str, object]) -> Iterator[list[AnalysedArticle]]:
        """Read and analyse the files to do (in worker processes for large updates, which also
        index them into ``segments``, see pipeline.py) and give their articles ids, in the
        order of ``plan.todo``; yields lists of AnalysedArticle."""
        todo, file_ids = plan.todo, plan.file_ids
        self.progress(0, len(todo), "reading")
        if not todo:
            return
        # the local analyser also gives this process the Kiwi user words the workers have
        local = Analyser(analysis_setup(self.engine.config), self.engine.gazetteer, self.engine.analyser)
        results = analysed_files([str(f.path) for f in todo], local, workers=worker_count(len(todo)),
                                 warn=self.report.warnings.append, file_ids=file_ids, index_dir=str(index_dir),
                                 segments=segments)
        n = 0
        place = {str(f.path): i for i, f in enumerate(todo)}  # files a worker deferred come last
        for files in results:
            batch: list[AnalysedArticle] = []
            for result in files:
                i = place[result.path]
                self._take_file(todo[i], file_ids[i], result)
                n += 1
                batch.extend(result.articles)
                self.progress(n, len(todo), todo[i].path.name)
            yield batch

    def _take_file(self, f: SourceFile, file_id: str, result: AnalysedFile) -> None:
        """Record one analysed file: ids for its articles (``file_id``, reserved for it, or a
        record's own id made unique in the corpus), its state, and what the report says."""
        report, path = self.report, display_path(f.path)
        if result.error is not None:
            report.skipped.append((path, result.error))
            self.new_states.append(SourceState(path, f.size, f.mtime_ns, SKIPPED + result.error, ()))
            return
        for item in result.articles:
            if item.article.id == PLACEHOLDER_ID:
                article_id = file_id
            else:
                article_id = safe_id(item.article.id)
                if article_id != item.article.id:
                    item.article.original_id = item.article.id
                if article_id in self.used_ids:
                    article_id = unique_id(Path(f"{article_id}~{safe_id(f.path.stem)}.x"), self.used_ids)
            assign_id(item, article_id)
            self.used_ids.add(article_id)
            report.warnings.extend(f"{display_path(f.path.name)}: {w}" for w in item.article.warnings)
        ids = tuple(i.article.id for i in result.articles)
        (report.changed if path in self.stored else report.added).extend(ids)
        self.new_states.append(SourceState(path, f.size, f.mtime_ns, result.articles[0].article.content_hash, ids))


def keep_missing(gone: list[str], stored: dict[str, SourceState], roots: list[Path], prune: bool,
                 report: UpdateReport) -> set[str]:
    """Which of the ``gone`` sources keep their articles: those under a corpus root that is
    missing, or all of them when they are more than half of the corpus (an emptied mount
    point), unless ``prune``. Sources under no corpus root (removed from the list) go."""
    if prune or not gone:
        return set()
    rooted = [display_path(r) for r in roots]
    missing_roots = [display_path(r) for r in roots if not os.path.lexists(r)]
    kept = {p for p in gone if any(is_under(p, r) for r in missing_roots)}
    articles = sum(len(s.ids) for s in stored.values())
    vanished = [p for p in gone if p not in kept and any(is_under(p, r) for r in rooted)]
    n_vanished = sum(len(stored[p].ids) for p in vanished)
    if articles > 2 and n_vanished > articles / 2:
        kept.update(vanished)
        report.warnings.append(
            f"{n_vanished} of {articles} articles' files are gone; kept them (marked \"source missing\"): "
            "run `briefing index --prune` to remove them")
    n_kept = sum(len(stored[p].ids) for p in kept)
    for r in missing_roots:
        if any(is_under(p, r) for p in kept):
            report.warnings.append(f"corpus path {r} is missing; kept its articles (marked \"source missing\") "
                                   "until it is back, `briefing index --prune` or `briefing corpus remove`")
    if n_kept:
        report.unchanged += n_kept
    return kept


def is_under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _written_doc(stored_update: StoreUpdate, article_id: str) -> IndexDoc:
    """The index document of an article ``stored_update`` wrote (to index it again when the
    worker segment holding it was lost)."""
    article, mentions = stored_update.written(article_id)
    return index_doc(article, mentions)


def analysis_setup(config: Config) -> AnalysisSetup:
    """What the analysers (this process and the workers) are built from."""
    outlets = known_outlets(e.name for e in config.gazetteer if e.media)
    return AnalysisSetup(tuple(config.gazetteer), outlets, int(config.max_file_mb * 1024 * 1024),
                         config.max_article_chars)


def reserve_ids(todo: list[SourceFile], used_ids: set[str]) -> list[str]:
    """The id of each file's article (its stem, unless taken), reserved in ``used_ids`` before
    any file is read: worker processes index articles under these ids. Records of a JSON
    Lines file keep their own ids unless taken (see UpdateRun._take_file)."""
    ids = []
    for f in todo:
        ids.append(unique_id(f.path, used_ids))
        used_ids.add(ids[-1])
    return ids


def unique_id(path: Path, used: set[str]) -> str:
    """The file's stem as an id, or the stem with a hash of the path when it is taken."""
    stem = safe_id(path.stem)
    if stem not in used:
        return stem
    return f"{stem}~{hashlib.sha1(display_path(path).encode()).hexdigest()[:6]}"
