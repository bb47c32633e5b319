"""The search bar: an Input whose ``enter`` moves focus to the result list."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input

from ..bindings import bindings_for


class SearchBar(Input):
    """Query input; every change triggers a (debounced) search in the app."""

    BINDINGS = bindings_for("search")

    class ToList(Message):
        """The user asked to move to the result list."""

    def action_to_list(self) -> None:
        self.post_message(self.ToList())
