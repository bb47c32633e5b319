"""The help screen: every key of the app with its binding id and description."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from briefing.tui.bindings import KEY_SPECS, keys_for

EXTRA_KEYS = (
    ("tab / shift+tab", "(built in)", "Cycle panes"),
    ("ctrl+p", "(built in)", "Command palette: every action"),
)


QUERY_SYNTAX = (
    ("반도체 수출", "words", "Articles with every word (Korean endings are ignored: 삼성전자가 = 삼성전자)"),
    ("a OR b", "OR", "Either word"),
    ("-word", "not", "Leave out articles with the word: 반도체 -삼성전자"),
    ('"AI 수출 프로그램"', "phrase", "The words next to each other, in this order"),
    ("company:소프트뱅크", "entity", "Articles naming the company; also person:, place:, org:"),
    ('person:"Masayoshi Son"', "quotes", "A value with a space needs quotes (tab completes names)"),
    ("title:반도체", "fields", "One field only: also publisher:, body:, byline:"),
    ("date:2025-02..2025-04", "dates", "date:2025, date:2025-02, date:2025-02-04, date:..2024, date:2024-06.."),
)


def key_display(keys: str) -> str:
    """``right_square_bracket,j`` -> ``], j`` for people."""
    names = {"right_square_bracket": "]", "left_square_bracket": "[", "slash": "/",
             "question_mark": "?", "asterisk": "*", "vertical_line": "|"}
    return ", ".join(names.get(k, k) for k in keys.split(","))


def help_rows(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(keys, binding id, description) for every binding, after the user's keymap."""
    rows = [(key_display(keys_for(s.id, keymap)), s.id, s.description) for s in KEY_SPECS]
    return rows + list(EXTRA_KEYS)


def syntax_rows() -> list[tuple[str, str, str]]:
    """(example, what, explanation) rows of the query language."""
    return list(QUERY_SYNTAX)


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
            yield Label("briefing — keys (remap by id under keys: in config.yaml), then the query syntax", id="help-title")
            table: DataTable[Text] = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Keys / query", "What it does", "Binding id")
            for keys, binding_id, description in help_rows(self._keymap):
                table.add_row(Text(keys), Text(description), Text(binding_id, style="dim"))
            table.add_row(Text("Query syntax", style="bold underline"), Text(""), Text(""))
            for example, what, explanation in syntax_rows():
                table.add_row(Text(example, style="bold"), Text(explanation), Text(what, style="dim"))
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
