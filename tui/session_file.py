"""What the app remembers between runs, one JSON file per data dir.

Marks, the last query and sort, the open article and its scroll position, which articles were
read, and the search history. Written atomically (temp file + rename), so a crash never leaves
half a file; a missing or unreadable file is a fresh start, never an error.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

SESSION_FILE = "session.json"
HISTORY_LIMIT = 200


@dataclass
class SessionState:
    """Everything restored at start-up."""

    query: str = ""
    sort: str = "relevance"
    marks: list[str] = field(default_factory=list)
    open_id: str | None = None
    scroll_y: float = 0.0
    read: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)  # oldest first

    def keep_known(self, known: set[str]) -> None:
        """Forget articles that are no longer in the index (deleted by a re-index)."""
        self.marks = [i for i in self.marks if i in known]
        self.read = [i for i in self.read if i in known]
        if self.open_id not in known:
            self.open_id, self.scroll_y = None, 0.0


def load_session(path: Path) -> SessionState:
    """The state saved at ``path``, or a fresh one if there is none or it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SessionState()
    if not isinstance(data, dict):
        return SessionState()
    state = SessionState()
    for name, default in asdict(state).items():
        value = data.get(name, default)
        if isinstance(value, type(default)) or (name == "open_id" and isinstance(value, str)):
            setattr(state, name, value)
        elif name == "scroll_y" and isinstance(value, int):
            state.scroll_y = float(value)
    if state.sort not in ("relevance", "date"):
        state.sort = "relevance"
    state.history = [q for q in state.history if isinstance(q, str)][-HISTORY_LIMIT:]
    return state


def save_session(path: Path, state: SessionState) -> None:
    """Write ``state`` atomically; raises OSError when the data dir is not writable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(asdict(state), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


class QueryHistory:
    """Queries run before, oldest first, with an up/down cursor for the search bar."""

    def __init__(self, queries: list[str] | None = None) -> None:
        self.queries: list[str] = list(queries or [])
        self._pos: int | None = None  # index into queries while stepping, None when not
        self._draft = ""

    def add(self, query: str) -> None:
        """Remember ``query`` (moved to the end if it was there); empty queries are not kept."""
        query = query.strip()
        self._pos = None
        if not query:
            return
        if query in self.queries:
            self.queries.remove(query)
        self.queries.append(query)
        del self.queries[:-HISTORY_LIMIT]

    def older(self, current: str) -> str | None:
        """The query before the one shown (``current`` is kept as the draft to come back to)."""
        if not self.queries:
            return None
        if self._pos is None:
            self._draft, self._pos = current, len(self.queries)
        if self._pos == 0:
            return None
        self._pos -= 1
        return self.queries[self._pos]

    def newer(self) -> str | None:
        """The query after the one shown; past the newest, the draft typed before stepping."""
        if self._pos is None:
            return None
        self._pos += 1
        if self._pos >= len(self.queries):
            self._pos = None
            return self._draft
        return self.queries[self._pos]
