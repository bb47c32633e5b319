"""The article reader: title, publisher, date with confidence, byline, highlighted body.

The body is one widget per paragraph, so the reader can scroll to any character offset (an
event's sentence, a find match) without measuring wrapped text.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from briefing.search.ingest.decode import strip_controls
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from briefing.search.model import Article
from briefing.tui.bindings import SPECS_BY_ID, bindings_for

ENTITY_STYLES = {
    "company": "bold cyan",
    "person": "bold green",
    "place": "bold magenta",
    "org": "bold blue",
}
MATCH_STYLE = "black on yellow"
FOCUS_STYLE = "black on bright_green"  # the event sentence, or the current find match
PARAGRAPH_BREAK = "\n\n"  # how Article.body joins paragraphs


def date_line(published) -> str:
    """``2025-04-02 (confidence 95%, byline-line)`` or ``unknown date``."""
    if published is None or published.value is None:
        return "unknown date"
    return f"{published.value.isoformat()} (confidence {published.confidence:.0%}, {published.source})"


def header_text(article, note: str = "") -> Text:
    """The lines above the body: why we are here, title, publisher and date, byline."""
    text = Text()
    if note:
        text.append(f"↪ {note}\n", style="italic yellow")
    text.append(article.title + "\n", style="bold")
    meta = [article.publisher or "unknown publisher", date_line(article.published)]
    text.append(" · ".join(meta), style="dim")
    if article.byline:
        text.append("\nBy " + ", ".join(article.byline), style="italic dim")
    return text


def body_text(article, spans: list[tuple[int, int]], mentions: list,
              focus: tuple[int, int] | None = None) -> Text:
    """The body with mentions, matches and the focused span styled."""
    body = Text(article.body)
    for mention in mentions:
        if mention.role == "story":
            body.stylize(ENTITY_STYLES.get(mention.type, "bold"), mention.start, mention.end)
    for start, end in spans:
        body.stylize(MATCH_STYLE, start, end)
    if focus is not None:
        body.stylize(FOCUS_STYLE, *focus)
    return body


def article_text(article, spans: list[tuple[int, int]], mentions: list, note: str = "") -> Text:
    """Header and body as one text (what the reader shows, for tests and export previews)."""
    text = header_text(article, note)
    text.append("\n\n")
    text.append_text(body_text(article, spans, mentions))
    return text


def paragraph_starts(paragraphs: list[str]) -> list[int]:
    """Offset in the body where each paragraph starts."""
    starts, at = [], 0
    for para in paragraphs:
        starts.append(at)
        at += len(para) + len(PARAGRAPH_BREAK)
    return starts


def find_all(body: str, needle: str) -> list[tuple[int, int]]:
    """Every case-insensitive occurrence of ``needle`` in ``body`` as (start, end)."""
    needle = needle.strip().casefold()
    if not needle:
        return []
    folded = body.casefold()
    out, at = [], folded.find(needle)
    while at >= 0:
        out.append((at, at + len(needle)))
        at = folded.find(needle, at + len(needle))
    return out


class Reader(VerticalScroll):
    """Scrollable article view; empty until an article is opened."""

    BINDINGS = [
        Binding(SPECS_BY_ID["cursor_down"].keys, "scroll_down", "Scroll down", show=False,
                id="cursor_down"),
        Binding(SPECS_BY_ID["cursor_up"].keys, "scroll_up", "Scroll up", show=False, id="cursor_up"),
    ] + bindings_for("reader")

    class FindRequested(Message):
        """``/`` in the reader: open the find bar."""

    class Found(Message):
        """Find moved to match ``index`` (0-based) of ``count``."""

        def __init__(self, index: int, count: int) -> None:
            super().__init__()
            self.index, self.count = index, count

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None
        self._spans: list[tuple[int, int]] = []
        self._mentions: list = []
        self.focus_span: tuple[int, int] | None = None
        self.matches: list[tuple[int, int]] = []
        self.match_index = -1

    def compose(self):
        yield Static("Open an article with enter.", id="reader-head")

    def clear(self, why: str) -> None:
        """Empty the reader, saying ``why``."""
        self.article = None
        self.query(".paragraph").remove()
        self.query_one("#reader-head", Static).update(Text(why, style="dim"))
        self.border_subtitle = ""

    def show(self, article, spans: list[tuple[int, int]], mentions: list, note: str = "",
             focus: tuple[int, int] | None = None) -> None:
        """Show ``article``; ``note`` (e.g. why a jump landed here) goes above the title;
        ``focus`` (body offsets) is highlighted and scrolled to."""
        self.article, self._spans, self._mentions = article, spans, mentions
        self.focus_span, self.matches, self.match_index = focus, [], -1
        self.query_one("#reader-head", Static).update(header_text(article, note))
        self.query(".paragraph").remove()
        self.mount_all(Static(part, classes="paragraph") for part in self._paragraph_texts())
        self.scroll_home(animate=False)
        self.border_subtitle = Text(strip_controls(article.id))  # an id is data, not markup; never cut
        if focus is not None:
            self.call_after_refresh(self.scroll_to_offset, focus[0])

    def _paragraph_texts(self) -> list[Text]:
        article = self.article
        if article is None:
            return []
        body = body_text(article, self._spans + self.matches, self._mentions, self.focus_span)
        starts = paragraph_starts(article.paragraphs)
        return [body[s:s + len(p)] for s, p in zip(starts, article.paragraphs)]

    def _restyle(self) -> None:
        for widget, text in zip(self.query(".paragraph").results(Static), self._paragraph_texts()):
            widget.update(text)

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so the line holding body offset ``offset`` is near the top."""
        if self.article is None:
            return
        starts = paragraph_starts(self.article.paragraphs)
        index = max(i for i, s in enumerate(starts) if s <= offset) if starts else 0
        paragraphs = list(self.query(".paragraph"))
        if not paragraphs:
            return
        widget = paragraphs[min(index, len(paragraphs) - 1)]
        width = max(widget.content_region.width, 1)
        before = self.article.paragraphs[index][: offset - starts[index]]
        line = cell_len(before) // width
        self.scroll_to(y=max(widget.virtual_region.y + line - 1, 0), animate=False)

    # --- find in article -------------------------------------------------------------------
    def action_find(self) -> None:
        self.post_message(self.FindRequested())

    def action_find_step(self, delta: int) -> None:
        count = self.step_match(delta)
        self.post_message(self.Found(self.match_index, count))

    def find(self, needle: str) -> int:
        """Highlight every match of ``needle``, go to the first; returns how many there are."""
        if self.article is None:
            return 0
        self.matches = find_all(self.article.body, needle)
        self.match_index = -1
        self.focus_span = None
        if self.matches:
            return self.step_match(1)
        self._restyle()
        return 0

    def step_match(self, delta: int) -> int:
        """Go to the next (``delta`` 1) or previous (-1) match, wrapping; returns the count."""
        if not self.matches:
            return 0
        self.match_index = (self.match_index + delta) % len(self.matches)
        self.focus_span = self.matches[self.match_index]
        self._restyle()
        self.scroll_to_offset(self.focus_span[0])
        return len(self.matches)
