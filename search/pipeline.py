"""The analysis half of an index update: read source files and analyse their articles (Kiwi,
entity mentions, timeline events and the terms the index keeps), either in this process or, for
large updates, in worker processes (one per core).

Python work shares one GIL per process, so only the worker processes put both cores to use.
Workers build their text analyser from the same gazetteer as the engine's and run the same code
as the in-process path, so both give identical results. Results come back in
the order of the files; articles carry :data:`PLACEHOLDER_ID` until the engine gives them their
ids (ids depend on every file before them).

Given the index directory, each worker also writes the articles it analysed into a segment of
its own (index.SegmentBuilder, under the id the engine reserved for the file) and returns
their place in it instead of their analysis; when every file is done the workers finish
their segments and the engine's commit publishes them. The main process then only writes the
store (and indexes the records of JSON Lines files, whose ids depend on the files before them).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from briefing.search.model import Article

if TYPE_CHECKING:
    from briefing.search.language.analysis import BodyTerms, Term, TextAnalyser

# Smaller updates (the bundled seeds at first launch) stay in-process: each worker spends ~2 s
# of CPU starting (imports, Kiwi, first analyses), so processes pay off from ~500 files
# (measured: 300 files 11.9 s with workers vs 10.8 s in-process; 1000 files 31.3 s vs 34.4 s).
PROCESS_MIN_FILES = 500
WORKER_CHUNK = 16  # files per task sent to a worker
LOCAL_CHUNK = 32  # files per batch in this process (one parallel Kiwi call each)
WORKERS_ENV = "BRIEFING_INDEX_WORKERS"  # worker processes to use; 0 = always in this process
PLACEHOLDER_ID = "\0unassigned"  # id of an ingested article until the engine assigns its own
# Windows of article bodies analysed per Kiwi call: at most this many characters or texts (a
# worker's chunk of ordinary articles, ~40,000 characters, is one call, as before windows).
WINDOW_GROUP_CHARS = 160_000
WINDOW_GROUP_TEXTS = 128
EVENT_OFFSETS = ("start", "end", "expr_start", "expr_end")  # offsets in the body of a stored event



@dataclass(frozen=True)
class AnalysisSetup:
    """What analysis depends on besides the code: sent to every worker (picklable)."""

    gazetteer: tuple  # config.GazetteerEntry, in config order
    outlets: tuple[str, ...]
    max_bytes: int
    max_chars: int = 2_000_000  # corpus.max_article_chars: a longer body is cut (see shorten)


@dataclass
class AnalysedArticle:
    """One article with its analysis: ``title`` is the index-mode terms of its title and
    ``terms`` what the index keeps of its body, or ``written`` says where a worker indexed it
    (segment name, document number)."""

    article: Article
    mentions: list
    events: list[dict]
    title: list[Term]
    written: tuple[str, int] | None = None
    terms: BodyTerms | None = None


@dataclass
class AnalysedFile:
    """The articles of one source file, or why it could not be read (``error``); ``deferred``:
    its analysis went over the time budget of a worker's task and was left for later."""

    path: str
    articles: list[AnalysedArticle]
    error: str | None = None
    deferred: bool = False


class WorkersFailed(RuntimeError):
    """The worker processes could not start or died; the caller goes on in this process."""


# --- the analysis itself (the same code in both paths) ----------------------------------------


def event_dict(event) -> dict:
    """A timeline event as stored (JSON-ready, with its sort key)."""
    if dataclasses.is_dataclass(event):  # shallow: asdict's deep copy cost ~0.5 ms per article
        d = {f.name: getattr(event, f.name) for f in dataclasses.fields(event)}
    else:
        d = dict(event)
    for key, value in list(d.items()):
        if isinstance(value, date):
            d[key] = value.isoformat()
        elif isinstance(value, list):
            d[key] = list(value)
    d["sort_key"] = d.get("date_from") or d.get("value") or "9999"
    return d


def entity_names(mentions) -> dict[str, list[str]]:
    """type -> canonical names of the story mentions, in order of first mention."""
    out: dict[str, list[str]] = {}
    for m in mentions:
        if getattr(m, "role", "story") == "story" and m.name not in out.setdefault(m.type, []):
            out[m.type].append(m.name)
    return out


def index_doc(article: Article, mentions):
    """The index document of an article."""
    from briefing.search.index.article_index import IndexDoc

    return IndexDoc.from_article(article, entity_names(mentions))


class Analyser:
    """Reads and analyses source files with one gazetteer: ``gazetteer`` (entities) and ``text``
    (the text analyser) are made from ``setup.gazetteer`` when not given."""

    def __init__(self, setup: AnalysisSetup, gazetteer=None, text: TextAnalyser | None = None):
        from briefing.search.entities.gazetteer import Gazetteer
        from briefing.search.language.analysis import TextAnalyser
        from briefing.search.language.kiwi import add_user_words

        self.setup = setup
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.from_entries(list(setup.gazetteer))
        self.text = text if text is not None else TextAnalyser.from_gazetteer(setup.gazetteer)
        # entity extraction registers these on first use; doing it now keeps Kiwi's cache valid
        add_user_words(self.gazetteer.kiwi_words())

    def read(self, path: str) -> AnalysedFile:
        """Ingest one file (articles get PLACEHOLDER_ID); a file that cannot be used gets its reason."""
        from briefing.search.ingest.sources import ingest_file

        try:
            found = ingest_file(Path(path), max_bytes=self.setup.max_bytes, outlets=self.setup.outlets,
                                id=PLACEHOLDER_ID)
        except (OSError, ValueError) as exc:
            return AnalysedFile(path, [], str(exc))
        for article in found:
            shorten(article, self.setup.max_chars)
        return AnalysedFile(path, [AnalysedArticle(a, [], [], []) for a in found])

    def analyse(self, files: list[AnalysedFile], budget_s: float | None = None) -> list[AnalysedFile]:
        """Mentions, events and index terms of the articles of ``files``.

        Bodies are read in windows (windows.text_windows: an ordinary article is one), a group
        of windows at a time: one parallel Kiwi pass over a group serves entity extraction,
        timeline tense and the index terms, and a group's memory is freed before the next, so
        an article of N MB costs N times the per-MB cost of short ones (see WINDOW_GROUP_CHARS).
        Mentions and events get offsets in the whole body; a window's dates are resolved
        within the window. A file whose windows have taken over ``budget_s`` CPU-seconds is
        left unfinished and marked ``deferred`` (its articles dropped)."""
        from briefing.search.language.analysis import BodyTerms
        from briefing.search.language.windows import text_windows

        items = [item for f in files for item in f.articles]
        if not items:
            return files
        titles = self.text.analyse_many([i.article.title for i in items])
        for item, title in zip(items, titles):
            item.title = self.text.analyze(item.article.title, "index", title)
            item.mentions, item.events = [], []
            item.terms = BodyTerms(Counter(), Counter())
        group: list[tuple[AnalysedArticle, int, str, bool]] = []
        size = 0
        started: dict[int, float] = {}  # id of a file -> CPU time when its first window was queued
        for f in files:
            for item in f.articles:
                windows = text_windows(item.article.body)
                for offset, window in windows:
                    if budget_s is not None and id(f) in started and time.process_time() - started[id(f)] > budget_s:
                        f.deferred = True
                        break
                    if group and (size + len(window) > WINDOW_GROUP_CHARS or len(group) >= WINDOW_GROUP_TEXTS):
                        self._analyse_windows(group)
                        group, size = [], 0
                    started.setdefault(id(f), time.process_time())
                    group.append((item, offset, window, len(windows) == 1))
                    size += len(window)
                if f.deferred:
                    break
        if group:
            self._analyse_windows(group)
        for f in files:
            if f.deferred:
                f.articles = []
        return files

    def _analyse_windows(self, group: list[tuple[AnalysedArticle, int, str, bool]]) -> None:
        """Analyse windows ((article, offset in its body, text, whether it is the whole body))
        with one parallel Kiwi call, whose morphemes serve the entities, the dates and the index."""
        from briefing.search.entities.mentions import extract_mentions_many
        from briefing.search.timeline.events import article_events

        texts = [window for _, _, window, _ in group]
        analysed = self.text.analyse_many(texts)
        found = extract_mentions_many(texts, self.gazetteer)
        for (item, offset, window, whole), mentions, text in zip(group, found, analysed):
            article = item.article if whole else dataclasses.replace(item.article, paragraphs=[window])
            events = [event_dict(e) for e in article_events(article, mentions, analysed=text)]
            if offset:
                mentions = [dataclasses.replace(m, start=m.start + offset, end=m.end + offset) for m in mentions]
                for event in events:
                    for key in EVENT_OFFSETS:
                        if isinstance(event.get(key), int) and event[key] >= 0:
                            event[key] += offset
            item.mentions.extend(mentions)
            item.events.extend(events)
            self.text.add_window_terms(window, item.terms, text)

    def run(self, paths: Sequence[str], budget_s: float | None = None) -> list[AnalysedFile]:
        """Read and analyse ``paths``, results in the same order (see analyse for the budget)."""
        return self.analyse([self.read(p) for p in paths], budget_s)


def shorten(article: Article, max_chars: int) -> None:
    """Cut a body of over ``max_chars`` characters to its first part (at a paragraph, sentence
    or word end, see windows.text_windows) and say so in the article's warnings."""
    from briefing.search.language.windows import text_windows

    length = sum(map(len, article.paragraphs)) + 2 * max(0, len(article.paragraphs) - 1)
    if length <= max_chars:
        return
    kept: list[str] = []
    room = max_chars
    for paragraph in article.paragraphs:
        if len(paragraph) > room:
            first = text_windows(paragraph, room)[0][1].rstrip() if room > 0 else ""
            if first:
                kept.append(first)
            break
        kept.append(paragraph)
        room -= len(paragraph) + 2
    article.paragraphs = kept
    article.warnings.append(f"the article has {length:,} characters; indexed the first "
                            f"{len(article.body):,} (corpus.max_article_chars is {max_chars:,})")


def assign_id(item: AnalysedArticle, article_id: str) -> None:
    """Give an analysed article its final id (the events carry it too)."""
    item.article.id = article_id
    for event in item.events:
        event["article_id"] = article_id


# --- worker processes --------------------------------------------------------------------------

_worker: Analyser | None = None
_index_dir: str | None = None  # where this worker writes its segment (None: it returns the analysis)
_builder = None  # index.SegmentBuilder, opened with the first task
_finishing = None  # a Barrier of all workers: each takes exactly one finish task
FINISH_TIMEOUT_S = 600.0
# CPU-seconds a worker spends on one file of a task before it leaves the file for later: the
# rest of the task goes on, and the file is analysed alone, without a budget, once every other
# file is done (with a warning), so one pathological file never holds the others back. Linear
# analysis takes ~30 s per million characters; the largest article (corpus.max_article_chars,
# 2,000,000) stays within the budget on an unloaded machine.
FILE_BUDGET_S = 90.0
# A worker allocates millions of short-lived objects (Kiwi morphemes are named tuples, which the
# collector never stops tracking); with Python's default thresholds (700, 10, 10) its full
# collections walked the live morphemes ~13 times per 600 articles: 8% of the CPU. Measured
# on 600 generated articles in one process: GC 1.9 s -> 0.5 s, 36.0 -> 33.7 ms per article.
WORKER_GC_THRESHOLDS = (20_000, 20, 20)


def _start_worker(setup: AnalysisSetup, index_dir: str | None = None, finishing=None) -> None:
    """Initialiser of a worker process: set up analysis like the engine does."""
    import gc

    from briefing.search.entities import mentions as entities
    from briefing.search.language import kiwi

    os.environ.setdefault(kiwi.THREADS_ENV, "1")  # the workers are the parallelism (see kiwi._threads)
    gc.set_threshold(*WORKER_GC_THRESHOLDS)
    entities.PAUSE_GC = False  # see there
    _exit_with_parent()
    _quiet()
    _set_up_worker(setup, index_dir, finishing)


def _set_up_worker(setup: AnalysisSetup, index_dir: str | None, finishing) -> None:
    """The state a worker's tasks use (also set up in-process by tests)."""
    global _worker, _index_dir, _builder, _finishing
    _worker = Analyser(setup)
    _index_dir, _builder, _finishing = index_dir, None, finishing


def _work(tasks: list[tuple[str, str]], budget_s: float | None = None) -> list[AnalysedFile]:
    """Analyse the files of ``tasks`` ((path, the id reserved for it)), a file at most
    ``budget_s`` CPU-seconds (see Analyser.analyse); with an index directory, also write their
    articles into this worker's segment."""
    assert _worker is not None, "worker not initialised"
    files = _worker.run([path for path, _ in tasks], budget_s)
    if _index_dir is not None:
        _write(files, [file_id for _, file_id in tasks])
    return files


def _write(files: list[AnalysedFile], file_ids: list[str]) -> None:
    global _builder
    from briefing.search.index.article_index import SegmentBuilder

    if _builder is None:
        _builder = SegmentBuilder(_index_dir, _worker.text)
    for f, file_id in zip(files, file_ids):
        for item in f.articles:
            # A file's article gets the id the engine reserved for the file. The records of a
            # JSON Lines file keep their analysis: their final ids depend on every file before.
            if item.article.id == PLACEHOLDER_ID:
                doc = dataclasses.replace(index_doc(item.article, item.mentions), id=file_id)
                item.written = (_builder.name, _builder.add(doc, item.title, item.terms))
                item.title, item.terms = [], None


def _finish() -> dict[str, object]:
    """Finish this worker's segment: {name: segment} ({} if it wrote nothing). Waits for the
    other workers, so that each worker takes exactly one of these tasks."""
    global _builder
    out = {}
    if _builder is not None:
        out.update(_builder.finish())
        _builder = None
    if _finishing is not None:
        _finishing.wait(FINISH_TIMEOUT_S)
    return out


def _quiet() -> None:
    """Send a worker's own output to /dev/null: it shares the terminal the app draws on, and
    its results and errors reach the main process through the pool anyway."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _exit_with_parent() -> None:
    """End this worker when the main process dies (even by kill -9): no orphans left behind."""
    import multiprocessing
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="briefing-parent-watch", daemon=True).start()


def worker_count(files: int) -> int:
    """Worker processes for an update of ``files`` files: one per core for large updates, 0
    (in this process) for small ones or one core; the env var BRIEFING_INDEX_WORKERS overrides."""
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted:
        try:
            return max(0, int(wanted)) if files else 0
        except ValueError:
            pass
    if files < PROCESS_MIN_FILES:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores >= 2 else 0


def _chunks(items: Sequence, size: int) -> list[list]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def analysed_in_workers(paths: Sequence[str], setup: AnalysisSetup, workers: int,
                        file_ids: Sequence[str] | None = None, index_dir: str | None = None,
                        segments: dict[str, object] | None = None,
                        warn: Callable[[str], None] | None = None) -> Iterator[list[AnalysedFile]]:
    """Analysed files, chunk by chunk in the order of ``paths``, from ``workers`` processes;
    a file over a task's time budget (FILE_BUDGET_S) comes after all the others, analysed
    alone, and ``warn`` is told.

    With ``index_dir`` the workers also index the articles (see module doc; ``file_ids[i]`` is
    the id reserved for ``paths[i]``) and, after the last chunk, their finished segments are
    put in ``segments`` by name. Raises :class:`WorkersFailed` when the processes cannot start
    or die (the chunks yielded before stay valid), so the caller can go on in this process.
    """
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool
    from itertools import islice
    from threading import BrokenBarrierError

    try:
        pool = _new_pool(setup, workers, index_dir)
    except (OSError, ImportError, NotImplementedError) as exc:  # e.g. no /dev/shm for its semaphores
        raise _failed(exc) from exc
    ids = list(file_ids) if file_ids is not None else [PLACEHOLDER_ID] * len(paths)
    finished = False
    try:
        queue = iter(_chunks(list(zip(paths, ids)), WORKER_CHUNK))
        pending: deque = deque()
        try:
            # every worker busy and one chunk queued behind each; results taken in order
            pending.extend(pool.submit(_work, chunk, FILE_BUDGET_S) for chunk in islice(queue, 2 * workers))
            deferred: list[tuple[str, str]] = []
            while pending:
                result = pending.popleft().result()
                following = next(queue, None)
                if following is not None:
                    pending.append(pool.submit(_work, following, FILE_BUDGET_S))
                deferred.extend((f.path, ids[paths.index(f.path)]) for f in result if f.deferred)
                yield [f for f in result if not f.deferred]
            for path, file_id in deferred:
                if warn is not None:
                    warn(f"{Path(path).name}: analysis took over {FILE_BUDGET_S:g} CPU-seconds; "
                         "analysed it alone after the other files")
            for future in [pool.submit(_work, [task]) for task in deferred]:
                yield future.result()
            if index_dir is not None:
                finishing = [pool.submit(_finish) for _ in range(workers)]
                for future in finishing:
                    found = future.result()
                    if segments is not None:
                        segments.update(found)
            finished = True
        except (BrokenProcessPool, BrokenBarrierError, OSError, EOFError) as exc:
            raise _failed(exc) from exc
    finally:
        # idle workers exit at once; after a failure or an abandoned update, do not wait
        pool.shutdown(wait=finished, cancel_futures=not finished)


def _new_pool(setup: AnalysisSetup, workers: int, index_dir: str | None = None):
    """Worker processes started fresh ("spawn": never a fork of a process running Kiwi's threads;
    the children import this package and the main module, which must guard its top-level code
    with ``if __name__ == "__main__"``)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=(setup, index_dir, context.Barrier(workers)))


def _failed(exc: BaseException) -> WorkersFailed:
    return WorkersFailed(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


def analysed_files(paths: Sequence[str], local: Analyser, workers: int, warn: Callable[[str], None],
                   file_ids: Sequence[str] | None = None, index_dir: str | None = None,
                   segments: dict[str, object] | None = None) -> Iterator[list[AnalysedFile]]:
    """Analysed files in the order of ``paths`` (but those a worker deferred, which come
    last), in batches: from ``workers`` processes set up like ``local`` (0: by ``local`` in
    this process; see analysed_in_workers for the index arguments). If the workers fail, the
    rest is analysed here and ``warn`` is told why."""
    done: set[str] = set()
    if workers > 0:
        try:
            for batch in analysed_in_workers(paths, local.setup, workers, file_ids, index_dir, segments, warn):
                done.update(f.path for f in batch)
                yield batch
            return
        except WorkersFailed as exc:
            warn(f"indexing worker processes failed ({exc}); analysing the rest in this process")
    for chunk in _chunks([p for p in paths if p not in done], LOCAL_CHUNK):
        yield local.run(chunk)
