"""The search flow: the query typed is throttled into a search worker; its result list shows first
(the first rows, then the rest) and the side panes follow once typing pauses; a query error keeps
the last valid results; the search bar's history and sort toggle."""

from __future__ import annotations

import time

from rich.text import Text
from textual import on, work
from textual.widgets import Static

from briefing.search.errors import QueryError

from briefing.tui.app_state import AppState
from briefing.tui.messages import RowsCompleted, SearchDone, SearchFailed
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.search_bar import SearchBar

SEARCH_LIMIT = 200
# facets and events wait until the result list is on screen (laying out the side panes in the
# same refresh would delay the list), then follow once typing pauses this long: a newer search
# cancels them (the UI thread lays out hundreds of sidebar and timeline rows, which would hold
# up the next keystroke's list)
SIDE_PANES_DELAY_S = 0.25
# a search first shows this many rows (a tall terminal's worth); the rest follow with the side panes
FIRST_ROWS = 40


class SearchFlow(AppState):
    """From the search bar to the result list; mixed into BriefingApp."""

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, seq: int, query: str, sort: str) -> None:
        try:
            result = self.ready_engine.search(query, limit=SEARCH_LIMIT, sort=sort, snippets=False)
        except QueryError as exc:
            self.post_message(SearchFailed(seq, str(exc)))
            return
        result = self.collapse_copies(result)  # wire copies once (tui/copies_toggle.py)
        self.post_message(SearchDone(seq, result))  # the side panes follow (_list_is_shown)

    @property
    def search_pending(self) -> bool:
        """A search, or the side panes of the one shown, wait on a timer (tests settle on it)."""
        return self._pending_timer is not None or self._panes_timer is not None

    @property
    def query_text(self) -> str:
        return self.screen_stack[0].query_one(SearchBar).value  # also while a dialog is open

    @on(SearchBar.Changed, "#search")
    def _query_changed(self) -> None:
        self.schedule_search()

    def schedule_search(self) -> None:
        """Throttle: search at once after a quiet spell, else once the delay has passed."""
        if self._pending_timer is not None:
            self._pending_timer.stop()
            self._pending_timer = None
        wait = self._last_dispatch + self.search_delay - time.perf_counter()
        if wait <= 0:
            self.dispatch_search()
        else:
            self._pending_timer = self.set_timer(wait, self.dispatch_search)

    def dispatch_search(self) -> None:
        self._pending_timer = None
        if not self.ready:
            return  # EngineReady runs the search for whatever is typed by then
        self._last_dispatch = time.perf_counter()
        self.cancel_side_panes()
        seq = self.sequencer.next()
        self._search_started[seq] = self._last_dispatch
        self.run_search(seq, self.query_text, self.sort)
        self.save_soon()

    def on_search_done(self, message: SearchDone) -> None:
        if not self.sequencer.accept(message.seq):
            return
        same_query = self.result is not None and self.result.query == message.result.query
        self.result = message.result
        self.result_count = message.result.total
        self.elapsed_ms = message.result.elapsed_ms
        self.status_message, self._index_summary = self._index_summary, ""
        self._show_query_error("")
        self.saved_search_shown(message.result)
        if message.result.matched == "most" and not self.status_message:
            self.status_message = "few articles have every word: showing those with most of them"
        self.query_one(ArticleList).show(message.result.hits[:FIRST_ROWS], set(self.marks.ids),
                                         keep_highlight=same_query)
        started = self._search_started.pop(message.seq, None)
        if started is not None:
            self.call_after_refresh(self._log_render, message.seq, started)
        else:
            self.call_after_refresh(self._list_is_shown, message.seq)

    def _list_is_shown(self, seq: int) -> None:
        """The list of search ``seq`` is on screen: the rest of its rows and its side panes follow
        after SIDE_PANES_DELAY_S, unless a newer search starts first (see dispatch_search)."""
        if self.result is None or seq != self.sequencer.shown or seq != self.sequencer.issued:
            return  # a failed or superseded search: the newer one loads its own
        ids = [h.id for h in self.result.hits]

        def follow() -> None:
            self._panes_timer = None
            if len(ids) > FIRST_ROWS:
                self.post_message(RowsCompleted(seq))
            self.load_side_panes(seq, ids)

        self.cancel_side_panes()
        self._panes_timer = self.set_timer(SIDE_PANES_DELAY_S, follow)

    def cancel_side_panes(self) -> None:
        """Drop the side panes waiting to load, or loading, for an older search."""
        if self._panes_timer is not None:
            self._panes_timer.stop()
            self._panes_timer = None
        self.workers.cancel_group(self, "panes")

    def _log_render(self, seq: int, started: float) -> None:
        now = time.perf_counter()
        self._list_is_shown(seq)
        # the first result list is on screen: load Kiwi now (its loader holds the GIL for a
        # second or two)
        if self.probe.milestone("searchable", now) and self._preload_analyser:
            self.load_analyser()
        self.probe.list_rendered(seq, started, now)

    def on_rows_completed(self, message: RowsCompleted) -> None:
        if message.seq == self.sequencer.shown and self.result is not None:
            self.query_one(ArticleList).show(self.result.hits, set(self.marks.ids), keep_highlight=True)

    def _show_query_error(self, error: str) -> None:
        if error == self._query_error:
            return  # most searches: no error before, none now; no relayout
        self._query_error = error
        box = self.query_one("#query-error", Static)
        box.update(Text(f"⚠ {error}  (f1: query syntax)" if error else ""))
        box.display = bool(error)

    def on_search_failed(self, message: SearchFailed) -> None:
        if message.seq >= self.sequencer.issued:
            self._show_query_error(message.error)
            self.status_message = "query error: the results of the last valid query stay"
            if self.result is not None and not self.result.query.strip():
                # the last valid query was empty: the whole corpus is no answer to this one
                self.result = None
                self.result_count = 0
                self.query_one(ArticleList).show([], set())
                self.status_message = "query error: nothing searched"
            started = self._search_started.pop(message.seq, None)
            if started is not None:
                self.call_after_refresh(self._log_render, message.seq, started)

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self.dispatch_search()
        self.save_soon()

    @on(SearchBar.ToList)
    def action_to_list(self) -> None:
        self.query_history.add(self.query_text)
        self.query_one(ArticleList).focus()

    @on(SearchBar.LateKey)
    def _late_key(self, message: SearchBar.LateKey) -> None:
        self.post_message(message.key)  # handled again, now that the list has the focus

    @on(SearchBar.StepHistory)
    def _step_history(self, message: SearchBar.StepHistory) -> None:
        bar = self.query_one(SearchBar)
        if message.delta < 0:
            query = self.query_history.older(bar.value)
        else:
            query = self.query_history.newer()
        if query is None:
            self.status_message = "no older query in the history" if message.delta < 0 else ""
            return
        bar.value = query
        bar.cursor_position = len(query)
