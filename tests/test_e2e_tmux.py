"""End to end: the installed ``briefing`` in tmux — search, related jump, quit; a query typed the
instant the app starts (before the index exists) ends up in the search bar with its results.

Skips when tmux or the ``briefing`` console script is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.app_helpers import open_engine, seed_config

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

QUERY = "소프트뱅크"
TMUX = shutil.which("tmux")
BRIEFING = shutil.which("briefing") or (
    str(Path(sys.executable).with_name("briefing"))
    if Path(sys.executable).with_name("briefing").exists() else None
)


class Pane:
    """One tmux session running a command; read with capture-pane."""

    def __init__(self, name: str, command: str, env: dict[str, str], size=(120, 40)) -> None:
        self.name = name
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # COLUMNS/LINES from the test runner would override the pane's real size
        script = f"env -u COLUMNS -u LINES {exports} {command}; echo EXIT=$?; sleep 600"
        subprocess.run([TMUX, "-u", "new-session", "-d", "-s", name, "-x", str(size[0]),
                        "-y", str(size[1]), script], check=True)

    def screen(self) -> str:
        out = subprocess.run([TMUX, "-u", "capture-pane", "-p", "-t", self.name],
                             capture_output=True, text=True, check=True)
        return out.stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        for key in keys:
            args = [TMUX, "send-keys", "-t", self.name] + (["-l"] if literal else []) + [key]
            subprocess.run(args, check=True)
            time.sleep(0.15)

    def wait_for(self, predicate, timeout: float, what: str) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run([TMUX, "kill-session", "-t", self.name], capture_output=True)


def _status(screen: str) -> str:
    lines = [l for l in screen.splitlines() if " articles · " in l]
    return lines[-1] if lines else ""


def _right_column(screen: str) -> str:
    """The text right of the results/reader column (the entity sidebar and the timeline)."""
    lines = screen.splitlines()
    header = next(line for line in lines if "Entities" in line)
    start = cell_len(header[: header.index("Entities")]) - 3  # the box corner "╭─ "
    out = []
    for line in lines:
        used, cut = 0, len(line)
        for i, char in enumerate(line):
            if used >= start:
                cut = i
                break
            used += cell_len(char)
        out.append(line[cut:])
    return "\n".join(out)


def _all_listed(screen: str) -> bool:
    """The status line reads ``N articles · N results`` with N > 0 (the empty query lists all)."""
    match = re.search(r"(\d+) articles · (\d+) results", _status(screen))
    return bool(match) and match.group(1) == match.group(2) != "0"


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
@pytest.mark.skipif(BRIEFING is None, reason="the briefing console script is not installed")
def test_search_related_jump_and_quit_in_tmux(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {
        "BRIEFING_DATA_DIR": str(data_dir),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # no user config file
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        # the tmux server may have been started elsewhere: run the code under test
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    pane = Pane(f"briefing-e2e-{os.getpid()}", shlex.quote(BRIEFING), env)
    try:
        started = time.monotonic()
        screen = pane.wait_for(_all_listed, 60, "every seed article listed")
        first_screen_s = time.monotonic() - started

        engine = open_engine(data_dir, seed_config())  # what the app should show
        try:
            hits = engine.search(QUERY).hits
            related = engine.related(hits[-1].id)
        finally:
            engine.close()
        assert hits and related

        pane.keys(QUERY, literal=True)  # the app starts in the search bar
        screen = pane.wait_for(lambda s: f"{len(hits)} results" in _status(s), 30, "the search")
        for hit in hits:
            assert hit.title[:8] in screen, screen
        # the side panes follow the list once typing pauses: people and companies of the results
        screen = pane.wait_for(lambda s: "손정의" in _right_column(s) and QUERY in _right_column(s)
                               and f"Entities · {len(hits)} results" in s, 15, "the sidebar of the results")

        pane.keys("Enter")
        pane.keys(*["j"] * (len(hits) - 1))
        pane.keys("Enter")
        pane.wait_for(lambda s: hits[-1].title[:8] in s.split("Article", 1)[-1], 15, "the reader")
        pane.keys("]")
        screen = pane.wait_for(lambda s: "related 1/" in _status(s), 15, "the related jump")
        status = _status(screen)
        assert all(name in status for name in related[0].shared[:2]), screen
        reader = screen.split("Article", 1)[-1]
        assert related[0].title[:8] in reader, screen

        pane.keys("q")
        pane.wait_for(lambda s: "EXIT=0" in s, 15, "exit status 0")
    finally:
        pane.close()
    print(f"first screen with the five seeds after {first_screen_s:.1f} s")


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "BRIEFING_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        # the tmux server may have been started elsewhere: run the code under test
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
@pytest.mark.skipif(BRIEFING is None, reason="the briefing console script is not installed")
@pytest.mark.parametrize("query", ["qualcomm OR 소프트뱅크", "소프트뱅크"])
def test_a_query_typed_the_instant_the_app_starts_is_searched(tmp_path: Path, query: str) -> None:
    env = _env(tmp_path)
    pane = Pane(f"briefing-e2e-early-{os.getpid()}", shlex.quote(BRIEFING), env, size=(80, 24))
    try:
        pane.keys(query, literal=True)  # before Python has even imported the app
        pane.wait_for(lambda s: "5 articles ·" in _status(s) and "indexing" not in _status(s),
                      90, "the index built")
        engine = open_engine(tmp_path / "data", seed_config())
        try:
            hits = engine.search(query).hits
        finally:
            engine.close()
        assert hits
        screen = pane.wait_for(lambda s: f"{len(hits)} results" in _status(s), 30, "the results")
        assert query in screen.splitlines()[0], screen  # in the search bar, whole
        for hit in hits:
            assert hit.title[:6] in screen, screen
        assert "EXIT=" not in screen  # the q did not quit
        pane.keys("Enter")
        time.sleep(0.5)
        pane.keys("q")
        pane.wait_for(lambda s: "EXIT=0" in s, 15, "exit status 0")
    finally:
        pane.close()
