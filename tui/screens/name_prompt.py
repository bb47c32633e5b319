"""Asks for a name (saving a search)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class NamePrompt(ModalScreen["str | None"]):
    """Dismisses with the name typed (enter) or None (escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="name_cancel")]

    def __init__(self, question: str, default: str) -> None:
        super().__init__()
        self.question, self.default = question, default

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(Text(self.question, style="bold"))
            yield Input(self.default, id="name-input")
            yield Label(Text("enter: save    esc: cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
