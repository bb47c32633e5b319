"""The briefing app: search bar, result list, reader, entity sidebar, timeline, status line.

The app only coordinates: every engine call runs in a thread worker that posts a typed message
back (:mod:`briefing.tui.messages`); worker errors are reported in one place,
:meth:`briefing.tui.startup.StartUp.on_worker_state_changed`. This module holds the layout (the panes
bound to the app's reactives with ``data_bind``) and the keys that only move the focus. The state is
typed in :mod:`briefing.tui.app_state`; each other idea is a mixin of its own module: start-up
(:mod:`briefing.tui.startup`), the session (:mod:`briefing.tui.session_keeper`), the search flow
(:mod:`briefing.tui.search_flow`), the side panes (:mod:`briefing.tui.side_panes`), opening articles
(:mod:`briefing.tui.article_opening`), jumps (:mod:`briefing.tui.jumps`), reader tools
(:mod:`briefing.tui.reader_tools`), marks and export (:mod:`briefing.tui.marks_export`), saved searches
(:mod:`briefing.tui.watchlist_flow`), feeds (:mod:`briefing.tui.feeds_refresh`) and wire copies
(:mod:`briefing.tui.copies_toggle`).
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label, ProgressBar, Static

from briefing.tui.article_opening import ArticleOpening
from briefing.tui.bindings import bindings_for, keymap_problems
from briefing.tui.commands_palette import BriefingCommands
from briefing.tui.copies_toggle import WireCopiesView
from briefing.tui.feeds_refresh import FeedRefresh
from briefing.tui.jumps import Jumps
from briefing.tui.marks_export import MarksAndExport
from briefing.tui.reader_tools import ReaderTools
from briefing.tui.screens.help import HelpScreen
from briefing.tui.search_flow import SearchFlow
from briefing.tui.session_keeper import SessionKeeper
from briefing.tui.side_panes import SidePanes
from briefing.tui.startup import StartUp
from briefing.tui.watchlist_flow import SavedSearchesView
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.entity_sidebar import EntitySidebar
from briefing.tui.widgets.find_bar import FindBar
from briefing.tui.widgets.reader import Reader
from briefing.tui.widgets.search_bar import SearchBar
from briefing.tui.widgets.status_line import StatusLine
from briefing.tui.widgets.timeline import TimelinePane
from briefing.tui.widgets.watchlist import WatchList


class BriefingApp(
    StartUp, SessionKeeper, SearchFlow, SidePanes, ArticleOpening, Jumps, ReaderTools, MarksAndExport,
    SavedSearchesView, FeedRefresh, WireCopiesView,
):
    """The terminal news-briefing browser; each mixin holds one idea (the order matters only for
    on_engine_ready and on_worker_state_changed, which Textual calls in each class of the MRO).
    Built with the arguments of :class:`briefing.tui.app_state.AppState`."""

    CSS_PATH = "app.tcss"
    TITLE = "briefing"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {BriefingCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield SearchBar(placeholder="Search: words, \"phrases\", -not, company:소프트뱅크 … (f1: syntax)",
                            id="search", suggester=self.suggester)
            yield Static("", id="query-error")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield ArticleList(id="results").data_bind(BriefingApp.sort)
                yield Reader(id="reader")
                yield FindBar(placeholder="find in the article (enter: back to the reader, n/N step, esc)",
                              id="find")
            with Vertical(id="right"):
                yield WatchList(id="saved")
                yield EntitySidebar(id="entities").data_bind(
                    BriefingApp.facets, BriefingApp.current_view, BriefingApp.entities_scope,
                    BriefingApp.result_count,
                )
                yield TimelinePane(id="timeline").data_bind(
                    BriefingApp.result_timeline, BriefingApp.current_view, BriefingApp.timeline_scope,
                    BriefingApp.result_count,
                )
        with Horizontal(id="progress"):
            yield Label("Building the index…", id="progress-label")
            yield ProgressBar(id="progress-bar", show_eta=False)
        yield StatusLine(id="status").data_bind(
            BriefingApp.corpus_size, BriefingApp.result_count, BriefingApp.elapsed_ms,
            BriefingApp.marked_count, BriefingApp.status_message, BriefingApp.freeze_timings,
        )
        yield Footer()

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        problems = keymap_problems(getattr(self.config, "keys", {}) or {})
        if problems:
            self.notify("config keys: " + "; ".join(problems), severity="warning", timeout=15)
        self.query_one("#reader").border_title = "Article"
        self.query_one("#entities").border_title = "Entities"
        self.query_one("#timeline").border_title = "Timeline"
        self.query_one(WatchList).show([(s.name, 0, 0) for s in self.saved])
        self.query_one("#progress").display = False
        self.query_one("#query-error").display = False
        search = self.query_one(SearchBar)
        if self.freeze_timings:
            search.cursor_blink = False
        self._restore_session(search)
        search.focus()  # keys typed while the index opens go into the query, never run commands
        self.status_message = "opening the index…"
        self.call_after_refresh(self._first_paint)
        self.open_engine()

    def handle_bindings_clash(self, clashed_bindings, node) -> None:
        """Tell the user once about keys of config.yaml that hide other keys."""
        user = sorted(f"{b.id} ({b.key})" for b in clashed_bindings if b.id)
        if user and not set(user) <= self._clashes_told:
            self._clashes_told.update(user)
            self.notify(f"key clash in config keys: {', '.join(user)} lost to another binding",
                        severity="warning")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Main-screen actions do nothing while a dialog is open."""
        if action in ("quit", "command_palette"):
            return True
        return self.screen is self.screen_stack[0] or action.startswith("app.")

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).focus()

    async def action_back(self) -> None:
        self.query_one(SearchBar).focus()

    def action_cursor_down(self) -> None:
        self.query_one(ArticleList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(ArticleList).action_cursor_up()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.keymap))


def run_app(ctx: Any) -> int:
    """Entry point used by ``briefing`` with no subcommand."""
    app = BriefingApp(ctx.config, engine_factory=lambda: ctx.engine, data_dir=ctx.data_dir)
    code = app.run()
    return int(code or 0)
