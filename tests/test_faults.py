"""Faults: kill -9 while indexing, concurrent updates, corrupt or outdated indexes, sources
that change between runs. Nothing the user indexed may be lost."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.search.config import load_config
from briefing.search.engine import Engine

from .conftest import ROOT, run_cli


def _engine(data: Path) -> Engine:
    return Engine(load_config(use_user_file=False), data)


def _corpus(tmp_path: Path, seeds_dir: Path, copies: int = 0) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True)
    for p in seeds_dir.glob("*.txt"):
        shutil.copy(p, corpus / p.name)
    for n in range(copies):
        for p in seeds_dir.glob("*.txt"):
            text = p.read_text(encoding="utf-8") + f"\n추가 문단 {n}번이다.\n"
            (corpus / f"copy{n:03d}_{p.name}").write_text(text, encoding="utf-8")
    return corpus


def _start_index(data: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), BRIEFING_DATA_DIR=str(data))
    return subprocess.Popen([sys.executable, "-m", "briefing.tui.cli", "index", "--quiet", *extra], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_lock(data: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    lock = data / "update.lock"
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        if lock.exists() and lock.read_text().startswith("pid"):
            return
        time.sleep(0.05)
    raise AssertionError("the indexer never took the lock")


def test_kill_9_during_index_keeps_previous_index_and_next_run_completes(tmp_path, seeds_dir):
    data = tmp_path / "data"
    corpus = _corpus(tmp_path, seeds_dir)
    assert run_cli("index", "--quiet", str(corpus), data_dir=data).returncode == 0
    before = _engine(data).search("소프트뱅크")
    assert before.total == 2

    _corpus_more = _corpus(tmp_path / "more", seeds_dir, copies=30)
    for p in _corpus_more.glob("copy*"):
        shutil.move(str(p), corpus / p.name)
    proc = _start_index(data)
    _wait_for_lock(data, proc)
    time.sleep(2.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    after_kill = _engine(data)
    assert after_kill.search("소프트뱅크").total == 2  # the previous index, intact
    assert after_kill.corpus_size == 5

    again = run_cli("index", "--quiet", data_dir=data)
    assert again.returncode == 0, again.stderr
    done = _engine(data)
    assert done.corpus_size == 5 + 30 * 5
    assert done.search("소프트뱅크").total == 2 + 30 * 2


def test_second_index_says_busy_or_waits(tmp_path, seeds_dir):
    data = tmp_path / "data"
    corpus = _corpus(tmp_path, seeds_dir, copies=12)
    first = _start_index(data, str(corpus))
    _wait_for_lock(data, first)
    busy = run_cli("index", "--quiet", data_dir=data)
    assert busy.returncode == 3
    assert "being updated" in busy.stderr and "Traceback" not in busy.stderr
    waited = run_cli("index", "--quiet", "--wait", "--json", data_dir=data)
    assert first.wait(timeout=600) == 0
    assert waited.returncode == 0, waited.stderr
    assert _engine(data).corpus_size == 5 * 13


@pytest.mark.parametrize("damage", ["truncate-segment", "garbage-toc", "version"])
def test_damaged_index_is_rebuilt_with_a_message(tmp_path, seed_data_dir, damage):
    data = tmp_path / "data"
    shutil.copytree(seed_data_dir, data)
    index = data / "index"
    if damage == "truncate-segment":
        seg = next(index.glob("*.seg"))
        seg.write_bytes(seg.read_bytes()[: seg.stat().st_size // 2])
    elif damage == "garbage-toc":
        next(index.glob("*.toc")).write_bytes(b"garbage")
    else:
        (index / "briefing-index.json").write_text('{"version": 999}')
    proc = run_cli("search", "--json", "소프트뱅크", data_dir=data)
    assert proc.returncode == 0, proc.stderr
    assert "rebuilt" in proc.stderr and "Traceback" not in proc.stderr
    import json

    assert {r["id"][:3] for r in json.loads(proc.stdout)["results"]} == {"001", "003"}


def test_deleted_and_changed_sources_are_reflected(tmp_path, seeds_dir):
    data = tmp_path / "data"
    corpus = _corpus(tmp_path, seeds_dir)
    engine = _engine(data)
    engine.set_corpus([corpus])
    engine.update()
    assert engine.search("라피더스").total == 1
    (corpus / "004_43c50d81bab253fa.txt").unlink()
    changed = corpus / "000_f1c4a8f3a5b85301.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("키옥시아", "솔리다임"), encoding="utf-8")
    report = engine.update()
    assert report.removed == ["004_43c50d81bab253fa"] and report.changed == ["000_f1c4a8f3a5b85301"]
    assert engine.search("라피더스").total == 0 and engine.search("키옥시아").total == 0
    assert engine.search("솔리다임").total == 1 and engine.corpus_size == 4
    again = engine.update()
    assert (again.added, again.changed, again.removed, again.unchanged) == ([], [], [], 4)
