"""The search bar: an Input whose ``enter`` moves focus to the result list."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input

from briefing.tui.bindings import bindings_for, keys_for


class SearchBar(Input):
    """Query input; every change triggers a (debounced) search in the app."""

    BINDINGS = bindings_for("search")

    class ToList(Message):
        """The user asked to move to the result list."""

    class OpenFromList(Message):
        """A second ``enter`` came before the focus reached the list: open its article."""

    class StepHistory(Message):
        """up (``delta`` -1) or down (+1): show an older or newer query of the history."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    class LateKey(Message):
        """A key typed right after enter, before the focus reached the list: it is meant for
        the list (``enter j`` in one burst moves down the results, never types a ``j``)."""

        def __init__(self, key: events.Key) -> None:
            super().__init__()
            self.key = key

    _leaving = False  # a ToList is on its way and the focus has not left yet

    async def _on_key(self, event: events.Key) -> None:
        if event.key in keys_for("to_list", getattr(self.app, "keymap", {})).split(","):
            # handled here, in the order keys arrive, not after the key bubbled to the app
            event.stop()
            event.prevent_default()
            self.action_to_list()
            return
        if self._leaving and event.is_printable:
            event.stop()
            event.prevent_default()
            self.post_message(self.LateKey(events.Key(event.key, event.character)))
            return
        await super()._on_key(event)

    def action_complete(self) -> None:
        """Take the suggestion if one shows, else move on to the next pane (as tab does)."""
        if self._suggestion and self.cursor_at_end and len(self._suggestion) > len(self.value):
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()

    def action_history_prev(self) -> None:
        self.post_message(self.StepHistory(-1))

    def action_history_next(self) -> None:
        self.post_message(self.StepHistory(1))

    def action_to_list(self) -> None:
        if self._leaving:  # keys typed in one burst all arrive here before the focus moves
            self.post_message(self.OpenFromList())
            return
        self._leaving = True
        self.post_message(self.ToList())

    def on_blur(self) -> None:
        self._leaving = False
