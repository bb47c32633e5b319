"""Saved searches (the watchlist), one JSON file per data dir, shared by the app and the CLI.

Each search remembers the ids it found when it was last opened, so the app and
``briefing saved list`` can say how many articles are new since then.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

SAVED_FILE = "saved-searches.json"
SEEN_LIMIT = 5000  # ids remembered per search


@dataclass
class SavedSearch:
    name: str
    query: str
    seen: list[str] = field(default_factory=list)  # result ids when last opened

    def new_ids(self, ids: list[str]) -> list[str]:
        """Of ``ids`` (the current results), those not seen when last opened."""
        seen = set(self.seen)
        return [i for i in ids if i not in seen]


def saved_path(data_dir: Path) -> Path:
    return Path(data_dir) / SAVED_FILE


def load_saved(path: Path) -> list[SavedSearch]:
    """The saved searches at ``path`` (none if the file is missing or unreadable)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and isinstance(row.get("name"), str) and isinstance(row.get("query"), str):
            seen = [i for i in row.get("seen") or [] if isinstance(i, str)]
            out.append(SavedSearch(row["name"], row["query"], seen))
    return out


def store_saved(path: Path, searches: list[SavedSearch]) -> None:
    """Write the list atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps([asdict(s) for s in searches], ensure_ascii=False, indent=1),
                   encoding="utf-8")
    os.replace(tmp, path)


def add_saved(searches: list[SavedSearch], name: str, query: str, seen: list[str]) -> list[SavedSearch]:
    """The list with ``name`` saved (an existing search of that name is replaced)."""
    kept = [s for s in searches if s.name != name]
    return kept + [SavedSearch(name, query, seen[:SEEN_LIMIT])]


def mark_seen(searches: list[SavedSearch], name: str, ids: list[str]) -> None:
    """Remember ``ids`` as seen by the search called ``name``."""
    for search in searches:
        if search.name == name:
            search.seen = list(dict.fromkeys(search.seen + ids))[-SEEN_LIMIT:]
