"""The timeline pane: a sparkline of articles per month and the events grouped by month."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, Sparkline
from textual.widgets.option_list import Option

from briefing.tui.bindings import bindings_for, list_bindings
from briefing.tui.cells import fit, plural

NO_DATE = "undated"
EVENT_CELLS = 64  # an event's date and sentence are cut here, then wrap to the pane


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
    """Sparkline + month range label + event list, for an article or the result set."""

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
