"""Completion in the search bar: field names, and entity names after ``company:`` etc.

The suggestion shows in grey after the cursor; right arrow or tab accepts it.
"""

from __future__ import annotations

import re

from textual.suggester import Suggester

from briefing.search.index.query import ENTITY_FIELDS, FIELDS

_FIELD_VALUE = re.compile(r'(?:^|\s)-?([A-Za-z]+):("?)([^\s"]*)$')
_BARE_WORD = re.compile(r"(?:^|\s)-?([A-Za-z]{2,})$")


def quoted(name: str) -> str:
    """A field value as the query language wants it: quoted when it holds a space."""
    return f'"{name}"' if any(c.isspace() for c in name) else name


def complete(value: str, names: dict[str, list[str]]) -> str | None:
    """The whole query with its last word completed, or None.

    ``names`` maps an entity type to its names, most frequent first.
    """
    if m := _FIELD_VALUE.search(value):
        field, quote, prefix = m.group(1).lower(), m.group(2), m.group(3)
        if field not in ENTITY_FIELDS:
            return None
        folded = prefix.casefold()
        for name in names.get(field, []):
            if name.casefold().startswith(folded) and name != prefix:
                head = value[: len(value) - len(prefix) - len(quote)]
                return head + quoted(name)
        return None
    if m := _BARE_WORD.search(value):
        word = m.group(1).lower()
        for field in FIELDS:
            if field.startswith(word) and field != word:
                return value + field[len(word):] + ":"
    return None


class QuerySuggester(Suggester):
    """Suggests from the entity names the app loads once the index is open."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names: dict[str, list[str]] = {}

    async def get_suggestion(self, value: str) -> str | None:
        return complete(value, self.names)
