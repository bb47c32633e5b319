"""The corpus list: the paths a data dir indexes, stored in the data dir (in the store and in
corpus.json beside it, which survives a lost store). A new data dir starts from the config's
corpus.paths; an empty list means the bundled seeds. ``corpus add/remove/reset`` and ``index
PATH`` change it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

from briefing.search.data_dir import CORPUS_FILE
from briefing.search.errors import UsageError
from briefing.search.store import Store


def corpus_json(paths: list[Path]) -> str:
    """The corpus list as stored."""
    return json.dumps([str(p) for p in paths])  # ASCII: a name that is not UTF-8 survives as \udcXX


def resolved_path(p) -> Path:
    """An absolute path for the corpus list (symlinks resolved when it exists)."""
    p = Path(p).expanduser()
    return p.resolve() if p.exists() else Path(os.path.abspath(p))


def saved_corpus(store: Store, data_dir: Path) -> list[str] | None:
    """The stored corpus list (None for a data dir that never had one)."""
    saved = store.get_meta("corpus_paths")
    if saved is None:
        try:
            saved = (data_dir / CORPUS_FILE).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    try:
        paths = json.loads(saved)
    except ValueError:
        return None
    return [p for p in paths if isinstance(p, str)] if isinstance(paths, list) else None


def save_corpus(store: Store, data_dir: Path, paths: list[Path]) -> None:
    """Keep ``paths`` as the corpus list, in the store and in the side file."""
    text = corpus_json(paths)
    store.set_meta("corpus_paths", text)
    write_corpus_file(data_dir, text)


def write_corpus_file(data_dir: Path, text: str) -> None:
    """The side copy of the corpus list (corpus.json), kept beside the store."""
    side = data_dir / CORPUS_FILE
    tmp = side.with_name(f".{CORPUS_FILE}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, side)


def check_exist(paths: Iterable[str | Path]) -> None:
    """UsageError naming the paths that do not exist (before anything is changed)."""
    missing = [str(p) for p in paths if not os.path.lexists(Path(p).expanduser())]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)} (nothing was changed)")


def changed_corpus(current: list[Path], add: Iterable[str | Path] = (), remove: Iterable[str | Path] = (),
                   reset: bool = False) -> list[Path]:
    """The corpus list ``current`` after a change (UsageError for removing a path not in it)."""
    if reset:
        current = []
    for p in remove:
        target = resolved_path(p)
        if target not in current:
            listed = ", ".join(str(c) for c in current) or "the bundled seeds"
            raise UsageError(f"{p} is not in the corpus (it holds {listed}); nothing was changed")
        current.remove(target)
    for p in add:
        target = resolved_path(p)
        if target not in current:
            current.append(target)
    return current
