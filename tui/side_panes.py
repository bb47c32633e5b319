"""The side panes: the entity sidebar and the timeline, each of the result set or of the open
article; hidden below 100 columns until asked for. The panes are bound to the app's state
(tui/app_state.py): this mixin loads that state and toggles the scopes."""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from briefing.tui.app_state import AppState
from briefing.tui.messages import FacetsLoaded, TimelineLoaded
from briefing.tui.widgets.timeline import TIMELINE_ARTICLES, TimelineData


class SidePanes(AppState):
    """Loads what the entity sidebar and the timeline show; mixed into BriefingApp."""

    def on_facets_loaded(self, message: FacetsLoaded) -> None:
        if message.seq != self.sequencer.shown:
            return
        self.facets = message.facets
        self.entities_scope = "results"

    def on_timeline_loaded(self, message: TimelineLoaded) -> None:
        if message.seq != self.sequencer.shown:
            return
        self.result_timeline = TimelineData(message.events, message.month_counts)

    def action_toggle_timeline(self) -> None:
        self.timeline_scope = "article" if self.timeline_scope == "results" else "results"

    def action_side_panes(self) -> None:
        """Below 100 columns the entity sidebar and the timeline are hidden until asked for."""
        if not self.screen.has_class("-narrow"):
            self.status_message = "the entity sidebar and the timeline show at 100 columns and more"
            return
        self.screen.toggle_class("-side-panes")

    @work(thread=True, exclusive=True, group="panes", exit_on_error=False)
    def load_side_panes(self, seq: int, ids: list[str]) -> None:
        """Entity counts and events of search ``seq`` (started on a timer once its list is shown)."""
        worker = get_current_worker()
        engine = self.ready_engine
        self.post_message(FacetsLoaded(seq, engine.facets(ids)))
        if worker.is_cancelled:  # a newer search started: it loads its own
            return
        events = engine.events(ids[:TIMELINE_ARTICLES])
        self.post_message(TimelineLoaded(seq, events, engine.month_counts(ids)))
