"""The briefing app: search bar, result list, reader, entity sidebar, timeline, status line.

The app only coordinates: every engine call runs in a thread worker that posts a typed message
back (:mod:`tui.messages`); worker errors are reported in one place,
:meth:`BriefingApp.on_worker_state_changed`.
"""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path
from typing import Callable

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Footer, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from search.errors import BriefingError, QueryError

from .cells import plural
from .bindings import bindings_for, keymap_from_config, keymap_problems
from .commands_palette import BriefingCommands
from .copies_toggle import WireCopiesView
from .feeds_refresh import FeedRefresh
from .completion import QuerySuggester
from .messages import (
    AnalyserReady,
    ArticleLoaded,
    ArticleView,
    BriefWritten,
    EngineReady,
    FacetsLoaded,
    IndexProgress,
    RelatedLoaded,
    RowsCompleted,
    SearchDone,
    SearchFailed,
    TimelineLoaded,
)
from .screens.confirm import ConfirmScreen
from .screens.export import ExportChoice, ExportDialog
from .screens.help import HelpScreen
from .screens.name_prompt import NamePrompt
from .saved_searches import SAVED_FILE, add_saved, load_saved, mark_seen, store_saved
from .session_file import SESSION_FILE, QueryHistory, SessionState, load_session, save_session
from .session import JumpHistory, Marks, RelatedCursor, SearchSequencer, Visit, add_entity_filter
from .widgets.article_list import ArticleList
from .widgets.entity_sidebar import EntitySidebar
from .widgets.find_bar import FindBar
from .widgets.reader import Reader, article_text
from .widgets.search_bar import SearchBar
from .widgets.status_line import StatusLine
from .widgets.timeline import EventList, TimelinePane
from .widgets.watchlist import WatchList

SEARCH_DELAY_S = 0.15
SEARCH_LIMIT = 200
# the result-set timeline lists the events of the best-ranked results only: thousands of events
# would take the UI thread a quarter of a second to lay out and nobody reads them in a pane
TIMELINE_ARTICLES = 30
# facets and events wait (at most this long) until the result list is on screen: laying out the
# side panes in the same refresh would delay the list
LIST_FIRST_WAIT_S = 0.5
# ... and follow once typing pauses this long: a newer search cancels them (the UI thread lays
# out hundreds of sidebar and timeline rows, which would hold up the next keystroke's list)
SIDE_PANES_DELAY_S = 0.25
# a search first shows this many rows (a tall terminal's worth); the rest follow with the side panes
FIRST_ROWS = 40


class BriefingApp(FeedRefresh, WireCopiesView, App[int]):
    """The terminal news-briefing browser."""

    CSS_PATH = "app.tcss"
    TITLE = "briefing"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {BriefingCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    corpus_size: reactive[int] = reactive(0)
    result_count: reactive[int] = reactive(0)
    elapsed_ms: reactive[float] = reactive(0.0)
    sort: reactive[str] = reactive("relevance")
    timeline_scope: reactive[str] = reactive("results")
    marked_count: reactive[int] = reactive(0)
    status_message: reactive[str] = reactive("")
    freeze_timings: reactive[bool] = reactive(False)
    ready: reactive[bool] = reactive(False)

    def __init__(
        self,
        config,
        engine=None,
        *,
        engine_factory: Callable[[], object] | None = None,
        freeze_timings: bool = False,
        search_delay: float = SEARCH_DELAY_S,
        preload_analyser: bool = True,
        data_dir: Path | None = None,
        remember: bool = True,
    ) -> None:
        super().__init__()
        self.config = config
        self.engine = engine
        self._engine_factory = engine_factory
        self.search_delay = search_delay
        self._preload_analyser = preload_analyser
        self.keymap: dict[str, str] = keymap_from_config(getattr(config, "keys", {}) or {})
        self.sequencer = SearchSequencer()
        self.marks = Marks()
        self.history = JumpHistory()
        self.related_cursor: RelatedCursor | None = None
        self.current_id: str | None = None
        self.current_view: ArticleView | None = None
        self.result = None
        self.result_facets: dict = {}
        self.result_events: list = []
        self.result_months: list[tuple[str, int]] = []
        self._last_dispatch = 0.0
        self._pending_timer = None
        self._clashes_told: set[str] = set()
        self._index_summary = ""
        self._search_started: dict[int, float] = {}
        self._list_shown: dict[int, threading.Event] = {}  # search seq -> its list is on screen
        self.timings: dict[str, float] = {"created": time.perf_counter()}
        self.render_log: list[tuple[int, float, float]] = []  # (seq, dispatched, rendered) perf_counter
        self.set_reactive(BriefingApp.freeze_timings, freeze_timings)
        folder = data_dir or getattr(engine, "data_dir", None)
        self.session_path: Path | None = Path(folder) / SESSION_FILE if remember and folder else None
        self.session = load_session(self.session_path) if self.session_path else SessionState()
        self.query_history = QueryHistory(self.session.history)
        self.read: set[str] = set(self.session.read)
        self._save_timer = None
        self._save_failed = False
        self._restore_scroll: float | None = None
        self._pending_focus: tuple[int, int] | None = None  # body span to scroll to on open
        self.suggester = QuerySuggester()
        self.saved_path: Path | None = Path(folder) / SAVED_FILE if remember and folder else None
        self.saved = load_saved(self.saved_path) if self.saved_path else []
        self._opening_saved: str | None = None
        self._query_error = ""

    # --- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield SearchBar(placeholder="Search: words, \"phrases\", -not, company:소프트뱅크 … (f1: syntax)",
                            id="search", suggester=self.suggester)
            yield Static("", id="query-error")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield ArticleList(id="results")
                yield Reader(id="reader")
                yield FindBar(placeholder="find in the article (enter: back to the reader, n/N step, esc)",
                              id="find")
            with Vertical(id="right"):
                yield WatchList(id="saved")
                yield EntitySidebar(id="entities")
                yield TimelinePane(id="timeline")
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
        self.query_one("#results").border_title = "Results · by relevance"
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

    # --- session: restored at start, saved soon after each change and at exit ------------------
    def _restore_session(self, search: SearchBar) -> None:
        state = self.session
        self.sort = state.sort
        self.query_one(ArticleList).border_title = f"Results · by {self.sort}"
        for article_id in state.marks:
            self.marks.toggle(article_id)
        self.marked_count = len(self.marks)
        if self.session_path is not None:
            self.query_one(ArticleList).set_read(self.read)
        if state.query:
            search.value = state.query
            search.select_all()  # typing replaces the old query; right arrow keeps it

    def save_soon(self) -> None:
        """Save the session shortly (many changes in a burst make one write)."""
        if self.session_path is None:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(0.5, self.save_session)

    def save_session(self) -> None:
        """Write the session file now; a failure is told once and marks then ask before quit."""
        self._save_timer = None
        if self.session_path is None or not self.screen_stack:
            return
        main = self.screen_stack[0]
        if not main.query(SearchBar) or not main.query(Reader):
            return  # shutting down: the last save ran in exit()
        state = self.session
        state.query, state.sort, state.marks = self.query_text, self.sort, self.marks.ids
        state.read, state.history = sorted(self.read), self.query_history.queries
        state.open_id = self.current_id
        state.scroll_y = main.query_one(Reader).scroll_y if self.current_id else 0.0
        try:
            save_session(self.session_path, state)
            self._save_failed = False
        except OSError as exc:
            if not self._save_failed:
                self.notify(f"cannot save the session in {self.session_path.parent}: "
                            f"{exc.strerror or exc}", severity="warning")
            self._save_failed = True

    def exit(self, *args, **kwargs) -> None:
        """Save the session (while the widgets still exist), then exit."""
        if self.ready and self.screen_stack and self.screen_stack[0].query(SearchBar):
            self.save_session()  # (before the index opened nothing was restored yet)
        super().exit(*args, **kwargs)

    def _first_paint(self) -> None:
        self.timings.setdefault("first_paint", time.perf_counter())

    def handle_bindings_clash(self, clashed_bindings, node) -> None:
        """Tell the user once about keys of config.yaml that hide other keys."""
        user = sorted(f"{b.id} ({b.key})" for b in clashed_bindings if b.id)
        if user and not set(user) <= self._clashes_told:
            self._clashes_told.update(user)
            self.notify(f"key clash in config keys: {', '.join(user)} lost to another binding",
                        severity="warning")

    # --- workers: the only place that talks to the engine ------------------------------------
    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def open_engine(self) -> None:
        if self.engine is None:
            self.engine = self._engine_factory()
        engine = self.engine
        if engine.corpus_size == 0:
            report = engine.update(progress=self._progress)
            self.post_message(EngineReady(engine.corpus_size, _report_summary(report),
                                          known_ids=self._known_ids(engine)))
            return
        self.post_message(EngineReady(engine.corpus_size, known_ids=self._known_ids(engine)))
        if engine.needs_update():
            report = engine.update(progress=self._progress)
            self.post_message(EngineReady(engine.corpus_size, _report_summary(report),
                                          known_ids=self._known_ids(engine)))

    def _known_ids(self, engine) -> frozenset[str] | None:
        """Ids in the index, to drop remembered articles a re-index removed."""
        if self.session_path is None or not hasattr(engine, "list_articles"):
            return None
        return frozenset(a.id for a in engine.list_articles())

    def _progress(self, done: int, total: int, label: str) -> None:
        self.post_message(IndexProgress(done, total, label))

    @work(thread=True, group="analyser", exit_on_error=False)
    def load_analyser(self) -> None:
        from search.kiwi import warm_up

        warm_up()
        self.post_message(AnalyserReady())

    @work(thread=True, exclusive=True, group="names", exit_on_error=False)
    def load_names(self) -> None:
        """Entity names for completion, most frequent first."""
        if not hasattr(self.engine, "entities"):
            return
        names: dict[str, list[str]] = {}
        for entity in self.engine.entities():
            names.setdefault(entity.type, []).append(entity.name)
        self.suggester.names = names

    @work(thread=True, exclusive=True, group="saved", exit_on_error=False)
    def count_saved(self) -> None:
        """Results and new results of every saved search, for the watchlist."""
        rows = []
        for search in list(self.saved):
            try:
                ids = [h.id for h in self.engine.search(search.query, limit=SEARCH_LIMIT,
                                                        snippets=False).hits]
            except QueryError:
                ids = []
            rows.append((search.name, len(search.new_ids(ids)), len(ids)))
        self.call_from_thread(self.query_one(WatchList).show, rows)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, seq: int, query: str, sort: str) -> None:
        try:
            result = self.engine.search(query, limit=SEARCH_LIMIT, sort=sort, snippets=False)
        except QueryError as exc:
            self.post_message(SearchFailed(seq, str(exc)))
            return
        result = self.collapse_copies(result)  # wire copies once (tui/copies_toggle.py)
        shown = self._list_shown[seq] = threading.Event()
        self.post_message(SearchDone(seq, result))  # shown first: facets and events follow
        worker = get_current_worker()
        ids = [h.id for h in result.hits]
        shown.wait(LIST_FIRST_WAIT_S)
        settled = time.monotonic() + SIDE_PANES_DELAY_S
        while time.monotonic() < settled and not worker.is_cancelled:
            time.sleep(0.02)
        if worker.is_cancelled:  # a newer search started: it will load its own
            return
        if len(ids) > FIRST_ROWS:
            self.post_message(RowsCompleted(seq))
        self.post_message(FacetsLoaded(seq, self.engine.facets(ids)))
        if worker.is_cancelled:
            return
        self.post_message(TimelineLoaded(seq, self.engine.events(ids[:TIMELINE_ARTICLES]), self.engine.month_counts(ids)))

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, article_id: str, query: str, note: str) -> None:
        engine = self.engine
        article = engine.article(article_id)
        spans = engine.highlight_spans(article.id, query) if query.strip() else []
        view = ArticleView(
            article=article,
            spans=spans,
            mentions=engine.mentions(article.id),
            entities=engine.article_entities(article.id),
            events=engine.events([article.id]),
            month_counts=engine.month_counts([article.id]),
        )
        self.post_message(ArticleLoaded(view, note))

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def load_related(self, anchor_id: str, delta: int) -> None:
        self.post_message(RelatedLoaded(anchor_id, self.engine.related(anchor_id), delta))

    @work(thread=True, exclusive=True, group="jump", exit_on_error=False)
    def entity_jump(self, name: str, article_id: str, delta: int) -> None:
        target = self.engine.adjacent(name, article_id, step=delta)
        self.call_from_thread(self._entity_jump_done, name, target, delta)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def plan_export(self, ids: list[str], query: str) -> None:
        plan = self.engine.plan_brief(ids, query=query or None)
        titles = {}
        for article_id in plan.article_ids:
            titles[article_id] = self.engine.article(article_id).title
        self.call_from_thread(self._show_export_dialog, plan, titles)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write_export(self, plan, edit: bool = False) -> None:
        self.post_message(BriefWritten(self.engine.write_brief(plan), edit))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker errors reach the user."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, BriefingError):
            self.notify(str(error), title="briefing", severity="error", markup=False)
        else:
            self.notify(f"{type(error).__name__}: {error}", title="internal error", severity="error", markup=False)
        if event.worker.group == "engine":
            self.query_one("#progress").display = False
            self.status_message = (
                "background index update failed; showing the existing index"
                if self.ready else "the index could not be opened"
            )

    # --- engine messages ---------------------------------------------------------------------
    def on_index_progress(self, message: IndexProgress) -> None:
        self.query_one("#progress").display = True
        bar = self.query_one(ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)
        self.query_one("#progress-label", Label).update(Text(f"Indexing {message.label} "))
        self.status_message = f"indexing {message.done}/{message.total}"

    def on_engine_ready(self, message: EngineReady) -> None:
        self.query_one("#progress").display = False
        self.corpus_size = message.corpus_size
        first = not self.ready
        self.ready = True
        self.timings.setdefault("index_open", time.perf_counter())
        self.status_message = message.summary
        self._index_summary = message.summary  # kept on the status line until the next search
        if message.known_ids is not None:
            self._forget_unknown(message.known_ids, restore=first)
        if first or message.summary:
            self.dispatch_search()
            self.load_names()
            self.count_saved()

    def _forget_unknown(self, known: frozenset[str], restore: bool) -> None:
        """Drop marks, read state and the open article of articles no longer indexed."""
        state = self.session
        state.marks, state.open_id = self.marks.ids, self.current_id or state.open_id
        state.read = sorted(self.read)
        state.keep_known(set(known))
        if len(state.marks) != len(self.marks):
            self.marks = Marks()
            for article_id in state.marks:
                self.marks.toggle(article_id)
            self.marked_count = len(self.marks)
        self.read.intersection_update(known)
        if self.current_id is not None and self.current_id not in known:
            self.current_id = self.current_view = None
            self.query_one(Reader).clear("the article was removed from the index")
        elif restore and state.open_id:
            self._restore_scroll = state.scroll_y
            self.open_article(state.open_id, remember=False, note="where you left off")

    def on_analyser_ready(self, message: AnalyserReady) -> None:
        self.timings.setdefault("analyser", time.perf_counter())
        # The index, the store and Kiwi are loaded: move what exists now out of the collector's
        # sight. Otherwise each full collection walks it all (85-110 ms, measured on 10k articles)
        # and stalls a keystroke every few seconds.
        gc.freeze()

    # --- search ------------------------------------------------------------------------------
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
        seq = self.sequencer.next()
        self._search_started[seq] = self._last_dispatch
        self.run_search(seq, self.query_text, self.sort)
        self.save_soon()

    def on_search_done(self, message: SearchDone) -> None:
        if not self.sequencer.accept(message.seq):
            self._list_is_shown(message.seq)
            return
        same_query = self.result is not None and self.result.query == message.result.query
        self.result = message.result
        self.result_count = message.result.total
        self.elapsed_ms = message.result.elapsed_ms
        self.status_message, self._index_summary = self._index_summary, ""
        self._show_query_error("")
        if self._opening_saved is not None and message.result.query == self.query_text:
            mark_seen(self.saved, self._opening_saved, [h.id for h in message.result.hits])
            self._opening_saved = None
            self._store_saved()
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
        """Let the search worker go on to the side panes (see LIST_FIRST_WAIT_S)."""
        shown = self._list_shown.pop(seq, None)
        if shown is not None:
            shown.set()

    def _log_render(self, seq: int, started: float) -> None:
        now = time.perf_counter()
        self._list_is_shown(seq)
        if "searchable" not in self.timings:  # the first result list is on screen
            self.timings["searchable"] = now
            if self._preload_analyser:
                # Kiwi's loader holds the GIL for a second or two: load it once the list is up
                self.load_analyser()
        self.render_log.append((seq, started, now))

    def on_rows_completed(self, message: RowsCompleted) -> None:
        if message.seq == self.sequencer.shown and self.result is not None:
            self.query_one(ArticleList).show(self.result.hits, set(self.marks.ids), keep_highlight=True)

    def on_facets_loaded(self, message: FacetsLoaded) -> None:
        if message.seq != self.sequencer.shown:
            return
        self.result_facets = message.facets
        self._show_sidebar("results")

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

    def on_timeline_loaded(self, message: TimelineLoaded) -> None:
        if message.seq != self.sequencer.shown:
            return
        self.result_events, self.result_months = message.events, message.month_counts
        self._show_timeline()

    # --- article -----------------------------------------------------------------------------
    def open_article(self, article_id: str, *, remember: bool = True, new_anchor: bool = True,
                     note: str = "") -> None:
        """Open an article in the reader (the jump history remembers the one left)."""
        if not self.ready:
            return
        self.query_history.add(self.query_text)
        if remember and self.current_id and self.current_id != article_id:
            cursor = self.related_cursor
            self.history.push(Visit(self.current_id, cursor.anchor_id if cursor else None,
                                    cursor.index if cursor else -1))
        if new_anchor:
            self.related_cursor = None
        self.load_article(article_id, self.query_text, note)

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        view = message.view
        self.current_id = view.article.id
        self.current_view = view
        reader = self.query_one(Reader)
        focus, self._pending_focus = self._pending_focus, None
        reader.show(view.article, view.spans, view.mentions, message.note, focus=focus)
        if self._restore_scroll:
            self.call_after_refresh(reader.scroll_to, y=self._restore_scroll, animate=False)
        self._restore_scroll = None
        self.status_message = message.note
        if view.article.id not in self.read:
            self.read.add(view.article.id)
            self.query_one(ArticleList).set_read(self.read if self.session_path else None)
        self.save_soon()
        self._show_sidebar("article")
        if self.timeline_scope == "article":  # the result-set timeline keeps its cursor
            self._show_timeline()

    @on(ArticleList.OpenArticle)
    def _open_from_list(self, message: ArticleList.OpenArticle) -> None:
        self.open_article(message.article_id)

    @on(EventList.OpenEvent)
    def _open_from_timeline(self, message: EventList.OpenEvent) -> None:
        self._pending_focus = message.span
        if message.article_id == self.current_id and self.current_view is not None:
            view = self.current_view  # same article: only move to the sentence
            self._pending_focus = None
            self.query_one(Reader).show(view.article, view.spans, view.mentions,
                                        "event from the timeline", focus=message.span)
            return
        self.open_article(message.article_id, note="event from the timeline")

    def focused_article_id(self) -> str | None:
        """The article actions apply to: the open one, else the highlighted result."""
        if isinstance(self.focused, ArticleList):
            return self.focused.highlighted_id or self.current_id
        return self.current_id or self.query_one(ArticleList).highlighted_id

    # --- panes -------------------------------------------------------------------------------
    def _show_sidebar(self, scope: str) -> None:
        """Entities of the article just opened, or of the result set just found."""
        sidebar = self.query_one(EntitySidebar)
        if scope == "article" and self.current_view is not None:
            sidebar.show(self.current_view.entities, "this article")
        else:
            sidebar.show(self.result_facets, f"{self.result_count} results")

    def _show_timeline(self) -> None:
        pane = self.query_one(TimelinePane)
        if self.timeline_scope == "article":
            if self.current_view is None:
                pane.show([], [], "article (none open)")
            else:
                pane.show(self.current_view.events, self.current_view.month_counts, "this article")
        else:
            scope = f"{self.result_count} results"
            if self.result_count > TIMELINE_ARTICLES:
                scope += f", events of the top {TIMELINE_ARTICLES}"
            pane.show(self.result_events, self.result_months, scope)

    # --- reader actions ----------------------------------------------------------------------
    def _open_article_or_say(self):
        article = self.query_one(Reader).article
        if article is None:
            self.status_message = "open an article first (enter)"
        return article

    @on(Reader.FindRequested)
    def action_find(self) -> None:
        if self._open_article_or_say() is None:
            return
        bar = self.query_one(FindBar)
        bar.add_class("-open")
        bar.focus()

    @on(FindBar.Changed, "#find")
    def _find_changed(self, message: FindBar.Changed) -> None:
        count = self.query_one(Reader).find(message.value)
        self._say_found(0 if count else -1, count, message.value)

    @on(FindBar.Submitted, "#find")
    def _find_submitted(self) -> None:
        self.query_one(Reader).focus()

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        bar = self.query_one(FindBar)
        bar.remove_class("-open")
        self.query_one(Reader).focus()

    @on(Reader.Found)
    def _found(self, message: Reader.Found) -> None:
        self._say_found(message.index, message.count, self.query_one(FindBar).value)

    def _say_found(self, index: int, count: int, needle: str) -> None:
        if not needle.strip():
            self.status_message = ""
        elif count:
            self.status_message = f"match {index + 1}/{count} for {needle!r} (n / N)"
        else:
            self.status_message = f"no match for {needle!r} in this article"

    def action_side_panes(self) -> None:
        """Below 100 columns the entity sidebar and the timeline are hidden until asked for."""
        if not self.screen.has_class("-narrow"):
            self.status_message = "the entity sidebar and the timeline show at 100 columns and more"
            return
        self.screen.toggle_class("-side-panes")

    # --- saved searches ------------------------------------------------------------------------
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

    def action_full_reader(self) -> None:
        self.screen.toggle_class("-full-reader")
        if self.screen.has_class("-full-reader"):
            self.query_one(Reader).focus()

    def _source_link(self, article) -> str:
        from pathlib import Path as _Path

        return article.url or _Path(article.source_path).resolve().as_uri()

    def action_open_url(self) -> None:
        article = self._open_article_or_say()
        if article is not None:
            self.open_in_browser(self._source_link(article))

    @work(thread=True, group="browser", exit_on_error=False)
    def open_in_browser(self, url: str) -> None:
        import webbrowser

        opened = webbrowser.open(url)
        message = f"opened {url}" if opened else f"no browser found for {url}"
        self.call_from_thread(setattr, self, "status_message", message)

    def action_copy(self, what: str) -> None:
        article = self._open_article_or_say() if what == "url" else None
        if what == "url" and article is None:
            return
        value = self._source_link(article) if article is not None else self.focused_article_id()
        if not value:
            self.status_message = "no article to copy the id of"
            return
        self.copy_to_clipboard(value)
        self.status_message = f"copied {value}"

    def action_pipe(self) -> None:
        article = self._open_article_or_say()
        if article is None:
            return
        self.run_external("PAGER", "less", text=article_text(article, [], []).plain + "\n")

    # --- actions -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Main-screen actions do nothing while a dialog is open."""
        if action in ("quit", "command_palette"):
            return True
        return self.screen is self.screen_stack[0] or action.startswith("app.")

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).focus()

    def action_back(self) -> None:
        self.query_one(SearchBar).focus()

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

    @on(SearchBar.OpenFromList)
    def action_open_article(self) -> None:
        article_id = self.query_one(ArticleList).highlighted_id
        if article_id:
            self.open_article(article_id)

    def action_cursor_down(self) -> None:
        self.query_one(ArticleList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(ArticleList).action_cursor_up()

    def action_related(self, delta: int) -> None:
        if self.current_id is None:
            self.status_message = "open an article first (enter), then ] / [ jump to related ones"
            return
        cursor = self.related_cursor
        if cursor is None:
            self.load_related(self.current_id, delta)
        else:
            self._step_related(delta)

    def on_related_loaded(self, message: RelatedLoaded) -> None:
        self.related_cursor = RelatedCursor(message.anchor_id, message.related)
        self._step_related(message.delta)

    def _step_related(self, delta: int) -> None:
        cursor = self.related_cursor
        target = cursor.step(delta)
        if target is None:
            what = "no related articles" if not cursor.related else "no more related articles"
            self.status_message = f"{what} ({'next' if delta > 0 else 'previous'})"
            return
        shared = ", ".join(target.shared) or "nothing named"
        note = f"related {cursor.index + 1}/{len(cursor.related)}: shares {shared}"
        self.open_article(target.id, new_anchor=False, note=note)

    def action_jump_back(self) -> None:
        visit = self.history.pop()
        if visit is None:
            self.status_message = "no earlier article in the jump history"
            return
        if visit.anchor_id:
            if self.related_cursor and self.related_cursor.anchor_id == visit.anchor_id:
                self.related_cursor.index = visit.related_index
        else:
            self.related_cursor = None
        self.open_article(visit.article_id, remember=False, new_anchor=False, note="back")

    def action_entity_step(self, delta: int) -> None:
        entity = self.query_one(EntitySidebar).highlighted_entity
        if entity:
            self._entity_action(EntitySidebar.EntityAction("step", *entity, delta=delta))

    def action_entity_filter(self) -> None:
        entity = self.query_one(EntitySidebar).highlighted_entity
        if entity:
            self._entity_action(EntitySidebar.EntityAction("filter", *entity))

    @on(EntitySidebar.EntityAction)
    def _entity_action(self, message: EntitySidebar.EntityAction) -> None:
        if message.kind == "filter":
            search = self.query_one(SearchBar)
            search.value = add_entity_filter(search.value, message.entity_type, message.name)
            self.dispatch_search()
            return
        article_id = self.focused_article_id()
        if article_id is None:
            self.status_message = "no article to start from"
            return
        self.entity_jump(message.name, article_id, message.delta)

    def _entity_jump_done(self, name: str, target: str | None, delta: int) -> None:
        if target is None:
            where = "later" if delta > 0 else "earlier"
            self.status_message = f"no {where} article mentions {name}"
            return
        self.open_article(target, note=f"{'next' if delta > 0 else 'previous'} article with {name}")

    def action_toggle_timeline(self) -> None:
        self.timeline_scope = "article" if self.timeline_scope == "results" else "results"
        self._show_timeline()

    def action_mark(self) -> None:
        article_id = self.focused_article_id()
        if article_id is None:
            return
        marked = self.marks.toggle(article_id)
        self._marks_changed(f"{'marked' if marked else 'unmarked'} {article_id}")
        if isinstance(self.focused, ArticleList):
            self.focused.action_cursor_down()  # space, space, space marks a run of results

    def action_mark_all(self) -> None:
        """Mark every result; if all are marked already, unmark them."""
        ids = [h.id for h in self.result.hits] if self.result is not None else []
        if not ids:
            self.status_message = "no results to mark"
            return
        unmark = all(i in self.marks for i in ids)
        for article_id in ids:
            if (article_id in self.marks) == unmark:
                self.marks.toggle(article_id)
        self._marks_changed(f"{'unmarked' if unmark else 'marked'} {plural(len(ids), 'result')}")

    def _marks_changed(self, message: str) -> None:
        self.marked_count = len(self.marks)
        self.query_one(ArticleList).set_marked(set(self.marks.ids))
        self.status_message = message
        self.save_soon()

    def action_toggle_read(self) -> None:
        article_id = self.focused_article_id()
        if article_id is None:
            return
        if article_id in self.read:
            self.read.discard(article_id)
            self.status_message = f"{article_id} marked unread"
        else:
            self.read.add(article_id)
            self.status_message = f"{article_id} marked read"
        self.query_one(ArticleList).set_read(self.read if self.session_path else None)
        self.save_soon()

    def action_export(self) -> None:
        if not hasattr(self.engine, "plan_brief"):
            self.notify("export not available in this version of the engine", severity="warning")
            return
        ids = self.marks.ids or ([self.current_id] if self.current_id else [])
        if not ids:
            self.notify("mark articles with space (or open one) first, then press e",
                        severity="warning")
            return
        self.plan_export(ids, self.query_text)

    def _show_export_dialog(self, plan, titles: dict[str, str]) -> None:
        def done(choice: ExportChoice | None) -> None:
            if choice is None:
                self.status_message = "export cancelled: nothing written"
                return
            self.write_export(choice.plan, choice.edit)

        self.push_screen(ExportDialog(plan, titles), done)

    def on_brief_written(self, message: BriefWritten) -> None:
        self.status_message = f"brief written: {message.path}"
        self.notify(f"brief written: {message.path}", title="export", markup=False)
        if message.edit:
            self.run_external("EDITOR", "vi", message.path)

    def run_external(self, variable: str, default: str, path=None, text: str | None = None) -> None:
        """Hand the terminal to ``$variable`` (else ``default``) with a file or text on stdin."""
        import os
        import shlex
        import subprocess

        command = shlex.split(os.environ.get(variable) or default) or [default]
        if path is not None:
            command.append(str(path))
        try:
            with self.suspend():
                subprocess.run(command, input=text, text=True, check=False)
        except Exception as exc:  # no terminal to hand over (headless), or no such program
            self.status_message = f"cannot run {command[0]}: {exc}"
            return
        self.status_message = f"back from {command[0]}"

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self.query_one(ArticleList).border_title = f"Results · by {self.sort}"
        self.dispatch_search()
        self.save_soon()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.keymap))

    def action_quit(self) -> None:
        """Quit; asks first when marked articles would be lost."""
        if isinstance(self.screen, ConfirmScreen):
            return
        if not self.marks_would_be_lost():
            self.exit(0)
            return
        n = len(self.marks)

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit(0)

        self.push_screen(ConfirmScreen(f"Quit and lose {plural(n, 'marked article')}?",
                                       "Export them first with e, or answer n to stay."), answered)

    def marks_would_be_lost(self) -> bool:
        """Marks are kept in the session file; they are lost only if it cannot be written."""
        if not self.marks:
            return False
        if self.session_path is None:
            return True
        self.save_session()
        return self._save_failed


def _report_summary(report) -> str:
    if report is None:
        return ""
    parts = [f"{len(report.added)} added"]
    if report.changed:
        parts.append(f"{len(report.changed)} changed")
    if report.removed:
        parts.append(f"{len(report.removed)} removed")
    if report.skipped:
        parts.append(f"{len(report.skipped)} skipped")
    return "index: " + ", ".join(parts) + f" in {report.elapsed_s:.1f} s"


def run_app(ctx) -> int:
    """Entry point used by ``briefing`` with no subcommand."""
    app = BriefingApp(ctx.config, engine_factory=lambda: ctx.engine, data_dir=ctx.data_dir)
    code = app.run()
    return int(code or 0)
