"""Shared fixtures: the bundled seeds, the gold files, a reference 'today'."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# no warm search server (tui/warm_server.py) outlives a test: the CLI runs in the test's process
# unless a test (tests/test_cli_warm.py) starts one on purpose and stops it.
os.environ["BRIEFING_NO_SERVER"] = "1"
DATA = Path(__file__).resolve().parent / "data"
TODAY = date(2026, 11, 21)  # fixed "today" so date-widget resolution is reproducible


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    from briefing.search.resources import bundled_seeds_dir

    return bundled_seeds_dir()


@pytest.fixture(scope="session")
def gold() -> dict:
    """seeds-gold.yaml keyed by article id."""
    data = yaml.safe_load((DATA / "seeds-gold.yaml").read_text(encoding="utf-8"))
    return {a["id"]: a for a in data["articles"]}


@pytest.fixture(scope="session")
def gold_aliases() -> dict:
    return yaml.safe_load((DATA / "seeds-gold.yaml").read_text(encoding="utf-8"))["aliases"]


@pytest.fixture(scope="session")
def qrels() -> list[dict]:
    return yaml.safe_load((DATA / "search-qrels.yaml").read_text(encoding="utf-8"))["queries"]


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory) -> Path:
    """A data dir with the bundled seeds indexed once per test session (treat as read-only)."""
    from briefing.search.config import load_config
    from briefing.search.engine import Engine

    data = tmp_path_factory.mktemp("seed-data")
    engine = Engine(load_config(use_user_file=False), data)
    engine.update()
    engine.close()
    return data


@pytest.fixture()
def seed_engine(seed_data_dir):
    from briefing.search.config import load_config
    from briefing.search.engine import Engine

    engine = Engine(load_config(use_user_file=False), seed_data_dir)
    yield engine
    engine.close()


def run_cli(*args: str, data_dir: Path | None = None, cwd: Path | None = None,
            input: str | None = None, env: dict | None = None):
    """Run ``briefing ARGS`` (this checkout's code) in a child process."""
    import os
    import subprocess
    import sys

    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    if data_dir is not None:
        full_env["BRIEFING_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "briefing.tui.cli", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, input=input, timeout=600)
