"""The watchlist pane: saved searches with how many articles are new since each was opened."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.tui.bindings import list_bindings
from briefing.tui.cells import fit, row_width


class WatchList(OptionList):
    """One row per saved search; enter runs it (and counts its results as seen)."""

    BINDINGS = list_bindings()

    class OpenSaved(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def show(self, rows: list[tuple[str, int, int]]) -> None:
        """``rows``: (name, new, total) per saved search."""
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        width = row_width(self, 12)
        options = []
        for name, new, total in rows:
            counts = f"{new} new/{total}" if new else f"{total}"
            label = Text(" " + fit(name, max(width - len(counts) - 2, 4)) + " ")
            label.append(counts, style="bold yellow" if new else "dim")
            options.append(Option(label, id=name))
        if not options:
            options.append(Option(Text("S saves the current query", style="dim"), disabled=True))
        self.set_options(options)
        ids = [o.id for o in options]
        self.highlighted = ids.index(keep) if keep in ids else (0 if rows else None)
        self.border_title = f"Saved · {sum(new for _, new, _ in rows)} new" if rows else "Saved"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.OpenSaved(event.option.id))
