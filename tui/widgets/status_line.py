"""The status line: corpus size, result count, query time, marks, then the latest message.

Sort order and timeline scope are in the titles of their panes, leaving room for messages.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from briefing.tui.cells import plural


class StatusLine(Static):
    """Bound to the app's reactives (see ``BriefingApp.compose``)."""

    corpus_size: reactive[int] = reactive(0)
    result_count: reactive[int] = reactive(0)
    elapsed_ms: reactive[float] = reactive(0.0)
    marked_count: reactive[int] = reactive(0)
    status_message: reactive[str] = reactive("")
    freeze_timings: reactive[bool] = reactive(False)

    def render(self) -> Text:
        ms = "-- ms" if self.freeze_timings else f"{self.elapsed_ms:.0f} ms"
        parts = [
            plural(self.corpus_size, "article"),
            plural(self.result_count, "result"),
            ms,
        ]
        if self.marked_count:
            parts.append(f"{self.marked_count} marked")
        line = " · ".join(parts)
        text = f"{line} │ {self.status_message}" if self.status_message else line
        return Text(text, no_wrap=True, overflow="ellipsis")  # plain: messages may hold [brackets]
