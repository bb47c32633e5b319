"""The analysis half of an index update: read source files and analyse their articles (Kiwi,
entity mentions, timeline events and the terms the index keeps; see file_analysis), either in
this process or, for large updates, in worker processes (one per core).

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
from pathlib import Path
from typing import Callable, Iterator, Sequence

from briefing.search.file_analysis import PLACEHOLDER_ID, AnalysedFile, AnalysisSetup, Analyser, index_doc

# Smaller updates (the bundled seeds at first launch) stay in-process: each worker spends ~2 s
# of CPU starting (imports, Kiwi, first analyses), so processes pay off from ~500 files
# (measured: 300 files 11.9 s with workers vs 10.8 s in-process; 1000 files 31.3 s vs 34.4 s).
PROCESS_MIN_FILES = 500
WORKER_CHUNK = 16  # files per task sent to a worker
LOCAL_CHUNK = 32  # files per batch in this process (one parallel Kiwi call each)
WORKERS_ENV = "BRIEFING_INDEX_WORKERS"  # worker processes to use; 0 = always in this process



class WorkersFailed(RuntimeError):
    """The worker processes could not start or died; the caller goes on in this process."""




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

    from briefing.search.language import kiwi

    os.environ.setdefault(kiwi.THREADS_ENV, "1")  # the workers are the parallelism (see kiwi._threads)
    gc.set_threshold(*WORKER_GC_THRESHOLDS)
    _exit_with_parent()
    _quiet()
    _set_up_worker(setup, index_dir, finishing, pause_gc=False)  # see EntityFinder


def _set_up_worker(setup: AnalysisSetup, index_dir: str | None, finishing, pause_gc: bool = True) -> None:
    """The state a worker's tasks use (also set up in-process by tests)."""
    global _worker, _index_dir, _builder, _finishing
    _worker = Analyser(setup, pause_gc=pause_gc)
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

    assert _worker is not None and _index_dir is not None, "a worker that writes a segment"
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
