"""The command line as a script uses it: fast list/show, whole ids and titles, options anywhere."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from briefing.tui.cli import hoist_global_options

from .conftest import ROOT, run_cli

pytestmark = pytest.mark.slow


def test_global_options_are_hoisted_from_after_the_subcommand() -> None:
    assert hoist_global_options(["list", "--data-dir", "D", "--json"]) == ["--data-dir", "D", "list", "--json"]
    assert hoist_global_options(["search", "q", "--config=c.yaml"]) == ["--config=c.yaml", "search", "q"]
    assert hoist_global_options(["--data-dir", "D", "list"]) == ["--data-dir", "D", "list"]
    assert hoist_global_options(["search", "--", "--data-dir"]) == ["search", "--", "--data-dir"]


def test_list_to_a_pipe_keeps_every_id_and_title_whole_and_options_work_after(seed_data_dir, seed_engine):
    proc = run_cli("list", "--data-dir", str(seed_data_dir))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    articles = seed_engine.list_articles()
    assert len(lines) == len(articles)
    for line, article in zip(lines, articles):
        fields = line.split("\t")
        assert fields[0] == article.id and fields[-1] == " ".join(article.title.split())


@pytest.mark.parametrize("command", [["list"], ["show", "001"], ["list", "--json"]])
def test_list_and_show_never_load_the_analyser(seed_data_dir, command):
    code = (
        "import sys, io, contextlib\n"
        "from briefing.tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main({command!r} + ['--data-dir', {str(seed_data_dir)!r}])\n"
        "print(code, 'kiwipiepy' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert proc.stdout.split() == ["0", "False"], proc.stderr


def test_elapsed_ms_is_the_search_alone(seed_data_dir):
    proc = run_cli("search", "--json", "소프트뱅크", data_dir=seed_data_dir)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["elapsed_ms"] < 1000  # loading Kiwi alone takes longer
