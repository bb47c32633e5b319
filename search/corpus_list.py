"""The corpus list: the paths a data dir indexes."""

from __future__ import annotations

import json
import os
from pathlib import Path


def corpus_json(paths: list[Path]) -> str:
    return json.dumps([str(p) for p in paths])  # ASCII: a name that is not UTF-8 survives as \udcXX


def resolved_path(p) -> Path:
    """An absolute path for the corpus list (symlinks resolved when it exists)."""
    p = Path(p).expanduser()
    return p.resolve() if p.exists() else Path(os.path.abspath(p))
