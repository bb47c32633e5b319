"""The result list: one row per article with mark flag, date, publisher and title."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.tui.bindings import bindings_for, list_bindings
from briefing.tui.cells import fit, row_width

DATE_WIDTH = 12  # "unknown date" is 12 cells; ISO dates are 10
PUBLISHER_WIDTH = 10
FLAG_WIDTH = 2
TITLE_MIN = 36  # the title keeps at least this many cells; other columns drop before it
MARK_FLAG = "●"


def date_label(published) -> str:
    """ISO date, or the words ``unknown date``."""
    return published.isoformat() if published else "unknown date"


@dataclass(frozen=True)
class Columns:
    """Widths of the optional columns (0: not shown); the title takes the rest."""

    date: int = DATE_WIDTH
    publisher: int = PUBLISHER_WIDTH


def choose_columns(width: int, hits: list) -> Columns:
    """Drop columns by importance so the title keeps TITLE_MIN cells: the publisher goes first
    (and whenever no row has one), then the date."""
    date_width = DATE_WIDTH if any(h.published is None for h in hits) else len("2025-04-02")
    has_publisher = any(h.publisher for h in hits)
    room = width - FLAG_WIDTH - TITLE_MIN
    if has_publisher and room >= date_width + 1 + PUBLISHER_WIDTH + 1:
        return Columns(date_width, PUBLISHER_WIDTH)
    if room >= date_width + 1:
        return Columns(date_width, 0)
    return Columns(0, 0)


def format_row(hit, width: int, marked: bool, unread: bool = False,
               columns: Columns = Columns()) -> Text:
    """One list row, exactly ``width`` cells (or less when the pane is tiny)."""
    row = Text(no_wrap=True, overflow="crop")
    row.append(fit(MARK_FLAG if marked else "", FLAG_WIDTH), style="bold yellow" if marked else "")
    used = FLAG_WIDTH
    if columns.date:
        date = fit(date_label(hit.published), columns.date)
        row.append(date + " ", style="dim" if hit.published is None else "")
        used += columns.date + 1
    if columns.publisher:
        row.append(fit(hit.publisher or "—", columns.publisher) + " ", style="italic")
        used += columns.publisher + 1
    row.append(fit(hit.title, max(0, width - used)), style="bold" if unread else "")
    return row


class ArticleList(OptionList):
    """Shows summaries; ``open_article`` posts :class:`OpenArticle` for the highlighted one."""

    BINDINGS = list_bindings() + bindings_for("open")

    sort: reactive[str] = reactive("relevance")  # bound to the app's sort (data_bind)

    class OpenArticle(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def watch_sort(self, sort: str) -> None:
        self.border_title = f"Results · by {sort}"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._hits: list = []
        self._marked: set[str] = set()
        self._read: set[str] | None = None  # None: read state not tracked, no title is bold
        self._width = 0

    @property
    def article_ids(self) -> list[str]:
        return [h.id for h in self._hits]

    @property
    def highlighted_id(self) -> str | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self._hits):
            return None
        return self._hits[index].id

    def show(self, hits: list, marked: set[str], *, keep_highlight: bool = False) -> None:
        """Replace the rows; the cursor goes to the top unless ``keep_highlight`` (same query)."""
        keep = self.highlighted_id if keep_highlight else None
        self._hits, self._marked = list(hits), set(marked)
        self._render_rows(keep)

    def set_marked(self, marked: set[str]) -> None:
        self._marked = set(marked)
        self._render_rows(self.highlighted_id)

    def set_read(self, read: set[str] | None) -> None:
        """Articles read (titles of the others are bold); None turns read state off."""
        self._read = read
        self._render_rows(self.highlighted_id)

    def _unread(self, article_id: str) -> bool:
        return self._read is not None and article_id not in self._read

    def row_texts(self) -> list[str]:
        """The plain rows as rendered (for tests)."""
        width = self._row_width()
        columns = choose_columns(width, self._hits)
        return [format_row(h, width, h.id in self._marked, columns=columns).plain for h in self._hits]

    def unread_ids(self) -> list[str]:
        """Ids shown in bold (for tests)."""
        return [h.id for h in self._hits if self._unread(h.id)]

    def _row_width(self) -> int:
        return row_width(self, FLAG_WIDTH + 8)

    def _render_rows(self, keep: str | None) -> None:
        width = self._row_width()
        self._width = width
        columns = choose_columns(width, self._hits)
        self.set_options(
            Option(format_row(h, width, h.id in self._marked, self._unread(h.id), columns), id=h.id)
            for h in self._hits
        )
        ids = self.article_ids
        if ids:
            self.highlighted = ids.index(keep) if keep in ids else 0

    def on_resize(self) -> None:
        if self._hits and self._row_width() != self._width:
            self._render_rows(self.highlighted_id)

    def action_open_article(self) -> None:
        if (article_id := self.highlighted_id) is not None:
            self.post_message(self.OpenArticle(article_id))
