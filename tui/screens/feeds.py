"""The feeds screen: every followed feed with its last fetch, new articles and errors."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label


@dataclass(frozen=True)
class FeedRow:
    name: str
    url: str
    articles: int
    last_fetch: str | None  # ISO time
    status: str | None
    new: int
    errors: tuple[str, ...]


def feed_rows(data_dir) -> list[FeedRow]:
    """What the screen shows, read from the feed state (call it in a worker)."""
    from briefing.search.feeds.state import STATE_FILE, FeedState

    if not (data_dir / STATE_FILE).exists():
        return []
    state = FeedState(data_dir)
    try:
        rows = []
        for feed in state.feeds():
            log = state.history(feed.name, 1)
            last = log[0] if log else None
            rows.append(FeedRow(feed.name, feed.url, state.article_count(feed.name),
                                last.at if last else None, last.status if last else None,
                                last.new if last else 0, tuple(last.errors) if last else ()))
        return rows
    finally:
        state.close()


class FeedsScreen(ModalScreen[bool]):
    """Lists the feeds; ``r`` closes it and refreshes them, escape or q closes it."""

    DEFAULT_CSS = """
    FeedsScreen { align: center middle; }
    #feeds-box { width: 90%; height: 80%; border: round $accent; background: $surface; padding: 0 1; }
    #feeds-title { text-style: bold; padding-bottom: 1; }
    #feeds-table { height: 1fr; }
    #feeds-errors { height: auto; max-height: 8; color: $warning; }
    """
    BINDINGS = [
        Binding("escape,q,F", "dismiss(False)", "Close", id="feeds_close"),
        Binding("r", "dismiss(True)", "Refresh", id="feeds_refresh"),
    ]

    def __init__(self, rows: list[FeedRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="feeds-box"):
            yield Label("Feeds — r refreshes, escape closes; `briefing feed add URL` follows one", id="feeds-title")
            table: DataTable[object] = DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Feed", "Articles", "Last fetch", "Status", "New", "Errors")
            for r in self.rows:
                when = r.last_fetch.replace("T", " ")[:16] if r.last_fetch else "never"
                table.add_row(Text(r.name), str(r.articles), when, r.status or "—", str(r.new),
                              str(len(r.errors)) if r.errors else "")
            yield table
            yield Label(Text(""), id="feeds-errors")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.focus()
        if not self.rows:
            self.query_one("#feeds-errors", Label).update(Text("No feeds followed yet."))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.rows[event.cursor_row] if 0 <= event.cursor_row < len(self.rows) else None
        text = f"{row.url}\n" + "\n".join(row.errors[:6]) if row else ""
        self.query_one("#feeds-errors", Label).update(Text(text))
