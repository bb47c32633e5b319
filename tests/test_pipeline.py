"""The multi-process indexing pipeline (search/pipeline.py): worker processes must give exactly
what the in-process path gives (ids, report, progress, store, index terms and hits), small
updates stay in-process, and failing workers hand over to this process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bench.common import processes
from briefing.search import pipeline
from briefing.search.config import load_config
from briefing.search.engine import Engine
from briefing.search.store import unpack_row

from .conftest import ROOT

GENERATED = 66


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """66 generated articles plus files that exercise ids and skips: an empty file, a file whose
    stem another folder also has, and a JSON Lines file whose record id collides with a stem."""
    from bench.make_corpus import make_corpus

    root = tmp_path_factory.mktemp("pipeline-corpus")
    make_corpus(GENERATED, root, seed=7)
    generated = sorted(root.glob("*.txt"))
    (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "sub").mkdir()
    shutil.copy(generated[3], root / "sub" / generated[3].name)  # same stem: a second id
    records = [
        {"id": generated[5].stem, "title": "같은 id의 기사", "body": generated[5].read_text(encoding="utf-8")[:800]},
        {"title": "두 번째 기록", "body": generated[6].read_text(encoding="utf-8")[:600], "published": "2025-03-04"},
    ]
    (root / "feed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return root


def _build(corpus: Path, data: Path, monkeypatch, workers: str):
    """Index ``corpus`` into ``data`` with BRIEFING_INDEX_WORKERS=workers; (engine, report, progress)."""
    monkeypatch.setenv(pipeline.WORKERS_ENV, workers)
    config = load_config(use_user_file=False)
    config.corpus_paths = [corpus]
    engine = Engine(config, data)
    calls: list[tuple[int, int, str]] = []
    report = engine.update(lambda done, total, label: calls.append((done, total, label)))
    return engine, report, calls


def _store_dump(data: Path) -> dict[str, list]:
    db = sqlite3.connect(str(data / "store.sqlite"))
    try:
        return {
            "articles": db.execute("SELECT * FROM articles ORDER BY id").fetchall(),
            "mentions": [(aid, *m) for aid, data in db.execute("SELECT * FROM article_mentions ORDER BY article_id")
                         for m in unpack_row(data)],
            "events": [(aid, seq, e) for aid, data in db.execute("SELECT * FROM article_events ORDER BY article_id")
                       for seq, e in enumerate(unpack_row(data))],
            "sources": db.execute("SELECT path, hash, ids FROM sources ORDER BY path").fetchall(),
        }
    finally:
        db.close()


def _index_terms(engine: Engine) -> list[tuple[str, bytes, int]]:
    """Every (field, term, document frequency) of the index: equal only if the analysis was."""
    with engine.index._ix.reader() as reader:
        return [(f, t, reader.doc_frequency(f, t)) for f in ("title", "body", "entities", "company", "person")
                for t in reader.lexicon(f)]


def _postings(engine: Engine) -> dict:
    """(field, term) -> sorted (article id, weight), and (id, field) -> length and stored value,
    for the text fields: what the worker processes' own indexing of analysed terms must equal."""
    out: dict = {}
    with engine.index._ix.searcher() as searcher:
        ids = {docnum: fields["id"] for docnum, fields in enumerate(searcher.all_stored_fields())}
        for fname in ("title", "body", "body_pairs", "entities"):
            for term in searcher.reader().lexicon(fname):
                matcher = searcher.postings(fname, term)
                got = []
                while matcher.is_active():
                    got.append((ids[matcher.id()], matcher.weight()))
                    matcher.next()
                out[(fname, term)] = sorted(got)
            for docnum, article_id in ids.items():
                out[(article_id, fname)] = (searcher.doc_field_length(docnum, fname),
                                            searcher.stored_fields(docnum).get(fname))
    return out


def _report(report) -> dict:
    return {k: getattr(report, k) for k in ("added", "changed", "removed", "unchanged", "skipped", "warnings")}


@pytest.fixture(scope="module")
def both_ways(corpus, tmp_path_factory):
    """The corpus built with two worker processes and in this process."""
    mp = pytest.MonkeyPatch()
    try:
        built = {}
        original = pipeline.Analyser.run
        for name, workers in (("workers", "2"), ("local", "0")):
            called: list[int] = []
            mp.setattr(pipeline.Analyser, "run",
                       lambda self, paths, *budget: called.append(len(paths)) or original(self, paths, *budget))
            engine, report, calls = _build(corpus, tmp_path_factory.mktemp(name), mp, workers)
            built[name] = (engine, report, calls, called)
        yield built
    finally:
        mp.undo()


def test_workers_and_local_path_give_the_same_report_and_progress(both_ways):
    (_, rep_w, calls_w, analysed_here_w), (_, rep_l, calls_l, analysed_here_l) = both_ways["workers"], both_ways["local"]
    assert analysed_here_w == []  # the workers analysed everything
    assert sum(analysed_here_l) == GENERATED + 3
    assert _report(rep_w) == _report(rep_l)
    assert calls_w == calls_l
    assert calls_w[0] == (0, GENERATED + 3, "reading") and calls_w[-1][0] == GENERATED + 3
    assert len(rep_w.added) == GENERATED + 1 + 2  # every .txt but the empty one, two JSON Lines records
    assert [reason for path, reason in rep_w.skipped if path.endswith("empty.txt")] == ["empty file"]
    assert len(set(rep_w.added)) == len(rep_w.added)  # colliding stems and record ids got distinct ids


def test_workers_and_local_path_give_the_same_store(both_ways):
    work, local = both_ways["workers"][0], both_ways["local"][0]
    dumped = _store_dump(work.data_dir)
    assert dumped == _store_dump(local.data_dir)
    assert len(dumped["mentions"]) > GENERATED and len(dumped["events"]) > GENERATED
    event_ids = {row[0] for row in dumped["events"]}
    assert event_ids <= {row[0] for row in dumped["articles"]}
    assert all(event["sort_key"] for _, _, event in dumped["events"])


def test_workers_and_local_path_give_the_same_index(both_ways):
    work, local = both_ways["workers"][0], both_ways["local"][0]
    # each worker wrote a segment; this process one more, for the JSON Lines records
    with work.index._ix.reader() as reader:
        assert len(reader.leaf_readers()) == 3
    assert work.index.doc_ids() == local.index.doc_ids()
    assert _index_terms(work) == _index_terms(local)
    assert _postings(work) == _postings(local)
    names = [e.name for e in local.entities()[:6]]
    assert names, "the generated corpus mentions entities"
    for query in [*names, f'"{names[0]}"', "반도체 투자", ""]:
        got, want = work.search(query, limit=50), local.search(query, limit=50)
        assert got.total == want.total > 0, query
        assert [(h.id, round(h.score, 6), h.snippet) for h in got.hits] == \
               [(h.id, round(h.score, 6), h.snippet) for h in want.hits], query
    assert work.entities() == local.entities()


def test_small_updates_stay_in_this_process(tmp_path, seeds_dir, monkeypatch):
    monkeypatch.delenv(pipeline.WORKERS_ENV, raising=False)
    assert pipeline.worker_count(5) == 0
    assert pipeline.worker_count(pipeline.PROCESS_MIN_FILES - 1) == 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert pipeline.worker_count(pipeline.PROCESS_MIN_FILES) == (cores if cores >= 2 else 0)

    def no_pool(*args):
        raise AssertionError("a small update started worker processes")

    monkeypatch.setattr(pipeline, "_new_pool", no_pool)
    engine = Engine(load_config(use_user_file=False), tmp_path / "data")
    report = engine.update()
    assert len(report.added) == 5 and not report.warnings


def test_workers_that_cannot_start_fall_back_with_a_warning(corpus, both_ways, tmp_path, monkeypatch):
    def no_shm(*args):
        raise FileNotFoundError(2, "No such file or directory", "/dev/shm/sem.mp-test")

    monkeypatch.setattr(pipeline, "_new_pool", no_shm)
    engine, report, _ = _build(corpus, tmp_path / "data", monkeypatch, "2")
    local_report = both_ways["local"][1]
    assert [w for w in report.warnings if "worker processes failed" in w and "/dev/shm" in w]
    assert [w for w in report.warnings if "worker processes" not in w] == local_report.warnings
    assert _store_dump(engine.data_dir) == _store_dump(both_ways["local"][0].data_dir)


class _DyingPool:
    """A stand-in process pool, run in this process, whose workers die after ``alive`` tasks
    (the articles they indexed are in a segment that is never finished)."""

    def __init__(self, setup, index_dir, alive: int):
        pipeline._set_up_worker(setup, index_dir, None)
        self.alive = alive

    def submit(self, fn, *args):
        future: Future = Future()
        if self.alive > 0:
            self.alive -= 1
            future.set_result(fn(*args))
        else:
            future.set_exception(BrokenProcessPool("a worker was killed"))
        return future

    def shutdown(self, wait=True, cancel_futures=False):
        pipeline._builder = pipeline._index_dir = None


def test_workers_dying_midway_hand_the_rest_to_this_process(corpus, both_ways, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "_new_pool", lambda setup, workers, index_dir: _DyingPool(setup, index_dir, alive=2))
    engine, report, calls = _build(corpus, tmp_path / "data", monkeypatch, "2")
    _, local_report, local_calls, _ = both_ways["local"]
    assert [w for w in report.warnings if "a worker was killed" in w]
    assert report.added == local_report.added
    assert calls == local_calls
    assert _store_dump(engine.data_dir) == _store_dump(both_ways["local"][0].data_dir)
    # what the dead workers had indexed (a segment never finished) was indexed here
    assert engine.index.doc_ids() == both_ways["local"][0].index.doc_ids()
    assert _index_terms(engine) == _index_terms(both_ways["local"][0])


def _children(pid: int) -> set[int]:
    return {p for p, (parent, _) in processes().items() if parent == pid}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_kill_9_of_the_indexer_leaves_no_worker_processes(corpus, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), BRIEFING_DATA_DIR=str(tmp_path / "data"),
               **{pipeline.WORKERS_ENV: "2"})
    proc = subprocess.Popen([sys.executable, "-m", "briefing.tui.cli", "index", "--quiet", str(corpus)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        workers: set[int] = set()
        while time.time() < deadline and len(workers) < 2 and proc.poll() is None:
            # the spawn machinery also starts a resource tracker: workers run pipeline's code
            workers = {p for p in _children(proc.pid)
                       if "multiprocessing" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")
                       and "resource_tracker" not in Path(f"/proc/{p}/cmdline").read_text(errors="replace")}
            time.sleep(0.1)
        assert len(workers) >= 2, "the indexer did not start its worker processes"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.time() + 15
        while time.time() < deadline and any(Path(f"/proc/{p}").exists() for p in workers):
            time.sleep(0.1)
        alive = [p for p in workers if Path(f"/proc/{p}").exists()
                 and Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
        assert not alive, f"worker processes outlived the killed indexer: {alive}"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_workers_flush_segments_and_the_index_is_the_same(corpus, both_ways, tmp_path, monkeypatch):
    """A worker writes a segment every segments.FLUSH_DOCS documents (its memory stays that of one
    segment); the update publishes all of them and the index holds what the local path gives."""
    from briefing.search.index import segments as index

    monkeypatch.setattr(index, "FLUSH_DOCS", 10)
    monkeypatch.setattr(pipeline, "_new_pool", lambda setup, workers, index_dir: _DyingPool(setup, index_dir, alive=10**6))
    engine, report, _ = _build(corpus, tmp_path / "data", monkeypatch, "2")
    local = both_ways["local"][0]
    assert not report.warnings or report.warnings == both_ways["local"][1].warnings
    with engine.index._ix.reader() as reader:
        assert len(reader.leaf_readers()) >= GENERATED // 10
    assert engine.index.doc_ids() == local.index.doc_ids()
    assert _index_terms(engine) == _index_terms(local)
    assert _postings(engine) == _postings(local)


def test_a_file_over_the_time_budget_is_analysed_alone_after_the_others(corpus, both_ways, tmp_path, monkeypatch):
    """A worker leaves a file whose analysis goes over FILE_BUDGET_S for later (here a budget
    of 0 s: every file of more than one window); it is analysed alone once the others are
    done, with a warning naming it, and the result is the same as without the budget."""
    from briefing.search.language.windows import WINDOW_CHARS

    work = tmp_path / "corpus"
    shutil.copytree(corpus, work)
    long_text = "".join(p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))[:12])
    assert len(long_text) > 2 * WINDOW_CHARS
    (work / "aaa-long.txt").write_text(long_text, encoding="utf-8")  # first in the order of files
    monkeypatch.setattr(pipeline, "FILE_BUDGET_S", 0.0)
    monkeypatch.setattr(pipeline, "_new_pool", lambda setup, workers, index_dir: _DyingPool(setup, index_dir, alive=10**6))
    engine, report, calls = _build(work, tmp_path / "data", monkeypatch, "2")
    assert [w for w in report.warnings if w.startswith("aaa-long.txt:") and "analysed it alone" in w]
    assert calls[-2][2] == "aaa-long.txt" and calls[-1][2] == "feed.jsonl"  # last (the feed has two articles)
    assert "aaa-long" in report.added and engine.search("").total == len(report.added)

    monkeypatch.setattr(pipeline, "FILE_BUDGET_S", 10**6)
    unhurried, report2, _ = _build(work, tmp_path / "data2", monkeypatch, "2")
    assert sorted(report.added) == sorted(report2.added)
    assert _store_dump(engine.data_dir) == _store_dump(unhurried.data_dir)
    assert _index_terms(engine) == _index_terms(unhurried)
