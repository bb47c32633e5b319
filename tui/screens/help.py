"""The help screen: every key of the app with its binding id and description."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from ..bindings import KEY_SPECS, keys_for

EXTRA_KEYS = (
    ("tab / shift+tab", "(built in)", "Cycle panes"),
    ("ctrl+p", "(built in)", "Command palette: every action"),
)


def key_display(keys: str) -> str:
    """``right_square_bracket,j`` -> ``], j`` for people."""
    names = {"right_square_bracket": "]", "left_square_bracket": "[", "slash": "/",
             "question_mark": "?"}
    return ", ".join(names.get(k, k) for k in keys.split(","))


def help_rows(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(keys, binding id, description) for every binding, after the user's keymap."""
    rows = [(key_display(keys_for(s.id, keymap)), s.id, s.description) for s in KEY_SPECS]
    return rows + list(EXTRA_KEYS)


class HelpScreen(ModalScreen[None]):
    """Lists the keys; escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close help", id="help_close"),
    ]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label("briefing — keys (remap by id under keys: in config.yaml)", id="help-title")
            table = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Keys", "Binding id", "What it does")
            for row in help_rows(self._keymap):
                table.add_row(*(Text(cell) for cell in row))
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
