"""Shared fixtures: the bundled seeds, the gold files, a reference 'today'."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TODAY = date(2026, 11, 21)  # fixed "today" so date-widget resolution is reproducible


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    from search.resources import bundled_seeds_dir

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
