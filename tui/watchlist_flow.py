"""Saved searches in the watchlist pane: ``S`` saves the query under a name, each row counts the
articles new since it was last opened, enter runs one (tui/saved_searches.py holds the file)."""

from __future__ import annotations

from textual import on, work

from briefing.search.errors import QueryError

from briefing.tui.app_state import AppState
from briefing.tui.saved_searches import add_saved, mark_seen, store_saved
from briefing.tui.screens.name_prompt import NamePrompt
from briefing.tui.search_flow import SEARCH_LIMIT
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.search_bar import SearchBar
from briefing.tui.widgets.watchlist import WatchList


class SavedSearchesView(AppState):
    """The watchlist of saved searches; mixed into BriefingApp."""

    @work(thread=True, exclusive=True, group="saved", exit_on_error=False)
    def count_saved(self) -> None:
        """Results and new results of every saved search, for the watchlist."""
        rows = []
        for search in list(self.saved):
            try:
                ids = [h.id for h in self.ready_engine.search(search.query, limit=SEARCH_LIMIT,
                                                        snippets=False).hits]
            except QueryError:
                ids = []
            rows.append((search.name, len(search.new_ids(ids)), len(ids)))
        self.call_from_thread(self.query_one(WatchList).show, rows)

    def action_save_search(self) -> None:
        if self.saved_path is None:
            self.status_message = "saved searches need a data dir"
            return
        query = self.query_text.strip()
        if not query:
            self.status_message = "type a query first, then S saves it"
            return

        def named(name: str | None) -> None:
            if not name:
                self.status_message = "not saved"
                return
            ids = [h.id for h in self.result.hits] if self.result is not None else []
            self.saved = add_saved(self.saved, name, query, ids)
            self._store_saved()
            self.status_message = f"saved {name!r}: {query}"

        self.push_screen(NamePrompt("Save this search as", query), named)

    def _store_saved(self) -> None:
        try:
            if self.saved_path is not None:  # (saved searches exist only with a data dir)
                store_saved(self.saved_path, self.saved)
        except OSError as exc:
            self.notify(f"cannot save the searches: {exc.strerror or exc}", severity="warning")
        self.count_saved()

    def action_watchlist(self) -> None:
        if self.screen.has_class("-narrow"):
            self.screen.add_class("-side-panes")
        self.query_one(WatchList).focus()

    @on(WatchList.OpenSaved)
    def _open_saved(self, message: WatchList.OpenSaved) -> None:
        search = next((s for s in self.saved if s.name == message.name), None)
        if search is None:
            return
        self._opening_saved = search.name
        bar = self.query_one(SearchBar)
        bar.value = search.query
        self.dispatch_search()
        self.query_one(ArticleList).focus()

    def saved_search_shown(self, result) -> None:
        """A saved search just opened from the watchlist is on screen: its results are seen now."""
        if self._opening_saved is not None and result.query == self.query_text:
            mark_seen(self.saved, self._opening_saved, [h.id for h in result.hits])
            self._opening_saved = None
            self._store_saved()
