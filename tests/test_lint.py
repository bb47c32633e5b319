"""Linters as tests. ruff (pyflakes and pycodestyle's errors, configured in pyproject.toml) finds
nothing in the project's code: an unused import, an undefined name or a shadowed test is a failing
test. mypy (configured in pyproject.toml) finds no type error in the parts listed in MYPY_CLEAN."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What mypy must find clean. The list grows, part by part, to the whole ``briefing`` package (issue 15),
# when it becomes just ["briefing"]. Modules they import are checked too, but their errors are not
# reported until they are listed here.
MYPY_CLEAN = [
    "briefing",  # the engine and the app: all of it
]


def test_ruff_is_clean():
    if shutil.which("ruff") is None and subprocess.run([sys.executable, "-m", "ruff", "--version"],
                                                       capture_output=True).returncode != 0:
        pytest.skip("ruff is not installed (pip install '.[test]')")
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "search", "tui", "training",
                           "tests", "bench"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _mypy_targets(names: list[str]) -> list[str]:
    """``-p`` for a package, ``-m`` for a module (briefing.search.x is search/x in the checkout)."""
    targets = []
    for name in names:
        parts = name.split(".")[1:]
        folder = ROOT.joinpath(*parts)
        targets += ["-p" if len(parts) < 2 or folder.is_dir() else "-m", name]
    return targets


@pytest.mark.slow
def test_mypy_is_clean(tmp_path):
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install '.[test]')")
    # the installed names briefing.search and briefing.tui, as a tree mypy can follow
    tree = tmp_path / "tree"
    (tree / "briefing").mkdir(parents=True)
    shutil.copy(ROOT / "briefing" / "__init__.py", tree / "briefing")
    (tree / "briefing" / "search").symlink_to(ROOT / "search")
    (tree / "briefing" / "tui").symlink_to(ROOT / "tui")
    cmd = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
           "--cache-dir", str(tmp_path / "cache"), "--follow-imports", "silent", *_mypy_targets(MYPY_CLEAN)]
    proc = subprocess.run(cmd, cwd=tree, env={**os.environ, "MYPYPATH": str(tree)}, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
