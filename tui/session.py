"""Browsing state that is not UI: search sequencing, marks, related-article cursor, jump history.

Plain Python (no Textual) so it is easy to test and the widgets stay free of logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefing.search.model import ENTITY_TYPES

ENTITY_FIELDS: dict[str, str] = {t: t for t in ENTITY_TYPES}  # entity type -> index field (the same names)


class SearchSequencer:
    """Numbers searches and tells whether a result may still be shown (newest wins)."""

    def __init__(self) -> None:
        self.issued = 0
        self.shown = 0

    def next(self) -> int:
        """Number for a new search."""
        self.issued += 1
        return self.issued

    def accept(self, seq: int) -> bool:
        """True if a result for ``seq`` is newer than what is shown; records it as shown."""
        if seq < self.shown or seq < self.issued:
            return False
        self.shown = seq
        return True


def add_entity_filter(query: str, entity_type: str, name: str) -> str:
    """Append a ``type:name`` filter to ``query`` unless it is there already."""
    field_name = ENTITY_FIELDS.get(entity_type, entity_type)
    value = f'"{name}"' if any(c.isspace() for c in name) else name
    term = f"{field_name}:{value}"
    if term in query.split():
        return query
    return f"{query.strip()} {term}".strip()


class Marks:
    """Articles marked for the brief, in the order they were marked."""

    def __init__(self) -> None:
        self._ids: dict[str, None] = {}

    def toggle(self, article_id: str) -> bool:
        """Mark or unmark; return True if the article is now marked."""
        if article_id in self._ids:
            del self._ids[article_id]
            return False
        self._ids[article_id] = None
        return True

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        return list(self._ids)


@dataclass
class RelatedCursor:
    """Where ``]``/``[`` are in the related-article list of the anchor article."""

    anchor_id: str
    related: list = field(default_factory=list)  # list[briefing.search.engine.Related]
    index: int = -1

    def step(self, delta: int):
        """Move by ``delta``; return the Related there, or None at either end."""
        target = self.index + delta
        if not 0 <= target < len(self.related):
            return None
        self.index = target
        return self.related[target]


@dataclass
class Visit:
    """One entry of the jump history: the article shown and the related cursor state."""

    article_id: str
    anchor_id: str | None
    related_index: int


class JumpHistory:
    """Articles left by a jump, most recent last; ``backspace`` pops them."""

    def __init__(self, limit: int = 200) -> None:
        self._stack: list[Visit] = []
        self._limit = limit

    def push(self, visit: Visit) -> None:
        self._stack.append(visit)
        del self._stack[: -self._limit]

    def pop(self) -> Visit | None:
        return self._stack.pop() if self._stack else None

    def __len__(self) -> int:
        return len(self._stack)
