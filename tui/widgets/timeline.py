"""The timeline pane: a sparkline of articles per month and the events grouped by month."""

from __future__ import annotations

from typing import Any, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import Label, OptionList, Sparkline
from textual.widgets.option_list import Option

from briefing.tui.bindings import bindings_for, list_bindings
from briefing.tui.cells import fit, plural
from briefing.tui.messages import ArticleView

NO_DATE = "undated"
EVENT_CELLS = 64  # an event's date and sentence are cut here, then wrap to the pane
# the result-set timeline lists the events of the best-ranked results only: thousands of events
# would take the UI thread a quarter of a second to lay out and nobody reads them in a pane
TIMELINE_ARTICLES = 30


class TimelineData(NamedTuple):
    """The events and the article counts per month (``YYYY-MM``) of a result set."""

    events: list[Any]
    month_counts: list[tuple[str, int]]


def month_of(event) -> str:
    """``YYYY-MM`` of an event, the year alone if only that is known, or "undated"."""
    value = getattr(event, "value", None)
    return value[:7] if value else NO_DATE


def group_by_month(events: list) -> list[tuple[str, list]]:
    """Events grouped by month, in the order given (the engine returns them chronological)."""
    groups: dict[str, list] = {}
    for event in events:
        groups.setdefault(month_of(event), []).append(event)
    return list(groups.items())


def fill_months(month_counts: list[tuple[str, int]]) -> list[int]:
    """Counts per month with empty months in between filled with 0 (for the sparkline)."""
    if not month_counts:
        return []
    counts = dict(month_counts)
    months = sorted(counts)
    year, month = map(int, months[0].split("-"))
    last = months[-1]
    series = []
    while True:
        key = f"{year:04d}-{month:02d}"
        series.append(counts.get(key, 0))
        if key >= last or len(series) > 1200:
            return series
        month += 1
        if month == 13:
            year, month = year + 1, 1


class EventList(OptionList):
    """The events; ``open_article`` posts the event's article id."""

    BINDINGS = list_bindings() + bindings_for("open")

    class OpenEvent(Message):
        """Open ``article_id`` at the event's sentence (``span``: offsets in the body)."""

        def __init__(self, article_id: str, span: tuple[int, int] | None = None) -> None:
            super().__init__()
            self.article_id, self.span = article_id, span

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.events: list = []

    def show(self, events: list) -> None:
        """One option per event (wrapped by the list), under a heading per month."""
        self.events = list(events)
        position = {id(event): n for n, event in enumerate(self.events)}
        options: list = []
        for month, items in group_by_month(self.events):
            options.append(Option(Text(month, style="bold"), disabled=True))
            for event in items:
                index = position[id(event)]
                label = f"{event.value or '?'} {event.text}"
                options.append(Option(Text(fit(label, EVENT_CELLS, pad=False)), id=str(index)))
        if not options:
            options.append(Option(Text("no dated events", style="dim"), disabled=True))
        self.set_options(options)
        self.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)

    @property
    def highlighted_event(self):
        option = self.highlighted_option
        return self.events[int(option.id)] if option is not None and option.id else None

    def action_open_article(self) -> None:
        if (event := self.highlighted_event) is not None:
            span = (event.start, event.end) if getattr(event, "end", 0) > event.start else None
            self.post_message(self.OpenEvent(event.article_id, span))


class TimelinePane(Vertical):
    """Sparkline + month range label + event list, for the result set or the open article
    (``timeline_scope``), bound to the app's state."""

    # bound to the app's reactives (data_bind in BriefingApp.compose)
    result_timeline: var[TimelineData | None] = var(None)  # None until the first result set's
    current_view: var[ArticleView | None] = var(None)
    timeline_scope: var[str] = var("results")  # or "article"
    result_count: var[int] = var(0)

    def watch_timeline_scope(self, old: str, new: str) -> None:
        if old != new:  # (binding passes the first scope again: nothing to show yet)
            self._show_scope()

    def watch_result_timeline(self, data: TimelineData | None) -> None:
        if data is not None and self.timeline_scope == "results":
            self._show_scope()

    def watch_current_view(self) -> None:
        if self.timeline_scope == "article":  # the result-set timeline keeps its cursor
            self._show_scope()

    def _show_scope(self) -> None:
        if self.timeline_scope == "article":
            view = self.current_view
            if view is None:
                self.show([], [], "article (none open)")
            else:
                self.show(view.events, view.month_counts, "this article")
            return
        data = self.result_timeline or TimelineData([], [])
        scope = plural(self.result_count, "result")
        if self.result_count > TIMELINE_ARTICLES:
            scope += f", events of the top {TIMELINE_ARTICLES}"
        self.show(data.events, data.month_counts, scope)

    def compose(self) -> ComposeResult:
        yield Sparkline([], summary_function=max, id="sparkline")
        yield Label("", id="month-range")
        yield EventList(id="events")

    def show(self, events: list, month_counts: list[tuple[str, int]], scope: str) -> None:
        self.border_title = f"Timeline · {scope}"
        series = fill_months(month_counts)
        self.query_one(Sparkline).data = series
        months = [m for m, _ in month_counts]
        total = sum(n for _, n in month_counts)
        label = f"{months[0]} … {months[-1]} · {plural(total, 'article')}" if months else "no dated articles"
        self.query_one("#month-range", Label).update(Text(label))
        self.query_one(EventList).show(events)
