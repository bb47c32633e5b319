"""The article reader: title, publisher, date with confidence, byline, highlighted body."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..bindings import SPECS_BY_ID

ENTITY_STYLES = {
    "company": "bold cyan",
    "person": "bold green",
    "place": "bold magenta",
    "org": "bold blue",
}
MATCH_STYLE = "black on yellow"


def date_line(published) -> str:
    """``2025-04-02 (confidence 95%, byline-line)`` or ``unknown date``."""
    if published is None or published.value is None:
        return "unknown date"
    return f"{published.value.isoformat()} (confidence {published.confidence:.0%}, {published.source})"


def article_text(article, spans: list[tuple[int, int]], mentions: list, note: str = "") -> Text:
    """The reader's content: header lines, then the body with mentions and matches styled."""
    text = Text()
    if note:
        text.append(f"↪ {note}\n", style="italic yellow")
    text.append(article.title + "\n", style="bold")
    meta = [article.publisher or "unknown publisher", date_line(article.published)]
    text.append(" · ".join(meta) + "\n", style="dim")
    if article.byline:
        text.append("By " + ", ".join(article.byline) + "\n", style="italic dim")
    text.append("\n")
    body = Text(article.body)
    for mention in mentions:
        if getattr(mention, "role", "story") == "story":
            body.stylize(ENTITY_STYLES.get(mention.type, "bold"), mention.start, mention.end)
    for start, end in spans:
        body.stylize(MATCH_STYLE, start, end)
    text.append_text(body)
    return text


class Reader(VerticalScroll):
    """Scrollable article view; empty until an article is opened."""

    BINDINGS = [
        Binding(SPECS_BY_ID["cursor_down"].keys, "scroll_down", "Scroll down", show=False,
                id="cursor_down"),
        Binding(SPECS_BY_ID["cursor_up"].keys, "scroll_up", "Scroll up", show=False, id="cursor_up"),
    ]

    def compose(self):
        yield Static("Open an article with enter.", id="reader-body")

    def clear(self, why: str) -> None:
        """Empty the reader, saying ``why``."""
        self.query_one("#reader-body", Static).update(Text(why, style="dim"))
        self.border_subtitle = ""

    def show(self, article, spans: list[tuple[int, int]], mentions: list, note: str = "") -> None:
        """Show ``article``; ``note`` (e.g. why a jump landed here) goes above the title."""
        self.query_one("#reader-body", Static).update(article_text(article, spans, mentions, note))
        self.scroll_home(animate=False)
        self.border_subtitle = article.id
