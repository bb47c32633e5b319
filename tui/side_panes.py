"""The side panes: the entity sidebar and the timeline, each of the result set or of the open
article; hidden below 100 columns until asked for."""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from briefing.tui.app_mixin import AppMixin
from briefing.tui.cells import plural
from briefing.tui.messages import FacetsLoaded, TimelineLoaded
from briefing.tui.widgets.entity_sidebar import EntitySidebar
from briefing.tui.widgets.timeline import TimelinePane

# the result-set timeline lists the events of the best-ranked results only: thousands of events
# would take the UI thread a quarter of a second to lay out and nobody reads them in a pane
TIMELINE_ARTICLES = 30


class SidePanes(AppMixin):
    """Fills the entity sidebar and the timeline; mixed into BriefingApp."""

    def on_facets_loaded(self, message: FacetsLoaded) -> None:
        if message.seq != self.sequencer.shown:
            return
        self.result_facets = message.facets
        self._show_sidebar("results")

    def on_timeline_loaded(self, message: TimelineLoaded) -> None:
        if message.seq != self.sequencer.shown:
            return
        self.result_events, self.result_months = message.events, message.month_counts
        self._show_timeline()

    def _show_sidebar(self, scope: str) -> None:
        """Entities of the article just opened, or of the result set just found."""
        sidebar = self.query_one(EntitySidebar)
        if scope == "article" and self.current_view is not None:
            sidebar.show(self.current_view.entities, "this article")
        else:
            sidebar.show(self.result_facets, plural(self.result_count, "result"))

    def _show_timeline(self) -> None:
        pane = self.query_one(TimelinePane)
        if self.timeline_scope == "article":
            if self.current_view is None:
                pane.show([], [], "article (none open)")
            else:
                pane.show(self.current_view.events, self.current_view.month_counts, "this article")
        else:
            scope = plural(self.result_count, "result")
            if self.result_count > TIMELINE_ARTICLES:
                scope += f", events of the top {TIMELINE_ARTICLES}"
            pane.show(self.result_events, self.result_months, scope)

    def action_toggle_timeline(self) -> None:
        self.timeline_scope = "article" if self.timeline_scope == "results" else "results"
        self._show_timeline()

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
        self.post_message(FacetsLoaded(seq, self.engine.facets(ids)))
        if worker.is_cancelled:  # a newer search started: it loads its own
            return
        events = self.engine.events(ids[:TIMELINE_ARTICLES])
        self.post_message(TimelineLoaded(seq, events, self.engine.month_counts(ids)))
