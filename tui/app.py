"""The briefing app: search bar, result list, reader, entity sidebar, timeline, status line.

The app only coordinates: every engine call runs in a thread worker that posts a typed message
back (:mod:`tui.messages`); worker errors are reported in one place,
:meth:`BriefingApp.on_worker_state_changed`.
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Callable

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Footer, Label, ProgressBar
from textual.worker import Worker, WorkerState, get_current_worker

from search.errors import BriefingError, QueryError

from .bindings import bindings_for, keymap_from_config, unknown_key_ids
from .commands_palette import BriefingCommands
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
from .screens.export import ExportDialog
from .screens.help import HelpScreen
from .session import JumpHistory, Marks, RelatedCursor, SearchSequencer, Visit, add_entity_filter
from .widgets.article_list import ArticleList
from .widgets.entity_sidebar import EntitySidebar
from .widgets.reader import Reader
from .widgets.search_bar import SearchBar
from .widgets.status_line import StatusLine
from .widgets.timeline import EventList, TimelinePane

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


class BriefingApp(App[int]):
    """The terminal news-briefing browser."""

    CSS_PATH = "app.tcss"
    TITLE = "briefing"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {BriefingCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

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

    # --- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SearchBar(placeholder="Search: words, \"phrases\", -not, company:소프트뱅크 …",
                        id="search")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield ArticleList(id="results")
                yield Reader(id="reader")
            with Vertical(id="right"):
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
        unknown = unknown_key_ids(getattr(self.config, "keys", {}) or {})
        if unknown:
            self.notify(f"config keys: unknown binding ids {', '.join(unknown)}", severity="warning")
        self.query_one("#results").border_title = "Results · by relevance"
        self.query_one("#reader").border_title = "Article"
        self.query_one("#entities").border_title = "Entities"
        self.query_one("#timeline").border_title = "Timeline"
        self.query_one("#progress").display = False
        search = self.query_one(SearchBar)
        if self.freeze_timings:
            search.cursor_blink = False
        self.query_one(ArticleList).focus()  # "/" then focuses the search bar
        self.status_message = "opening the index…"
        self.call_after_refresh(self._first_paint)
        self.open_engine()

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
            self.post_message(EngineReady(engine.corpus_size, _report_summary(report)))
            return
        self.post_message(EngineReady(engine.corpus_size))
        if engine.needs_update():
            report = engine.update(progress=self._progress)
            self.post_message(EngineReady(engine.corpus_size, _report_summary(report)))

    def _progress(self, done: int, total: int, label: str) -> None:
        self.post_message(IndexProgress(done, total, label))

    @work(thread=True, group="analyser", exit_on_error=False)
    def load_analyser(self) -> None:
        from search.kiwi import warm_up

        warm_up()
        self.post_message(AnalyserReady())

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, seq: int, query: str, sort: str) -> None:
        try:
            result = self.engine.search(query, limit=SEARCH_LIMIT, sort=sort, snippets=False)
        except QueryError as exc:
            self.post_message(SearchFailed(seq, str(exc)))
            return
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
    def write_export(self, plan) -> None:
        self.post_message(BriefWritten(self.engine.write_brief(plan)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker errors reach the user."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, BriefingError):
            self.notify(str(error), title="briefing", severity="error")
        else:
            self.notify(f"{type(error).__name__}: {error}", title="internal error", severity="error")
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
        if first or message.summary:
            self.dispatch_search()

    def on_analyser_ready(self, message: AnalyserReady) -> None:
        self.timings.setdefault("analyser", time.perf_counter())
        # The index, the store and Kiwi are loaded: move what exists now out of the collector's
        # sight. Otherwise each full collection walks it all (85-110 ms, measured on 10k articles)
        # and stalls a keystroke every few seconds.
        gc.freeze()

    # --- search ------------------------------------------------------------------------------
    @property
    def query_text(self) -> str:
        return self.query_one(SearchBar).value

    @on(SearchBar.Changed)
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

    def on_search_done(self, message: SearchDone) -> None:
        if not self.sequencer.accept(message.seq):
            self._list_is_shown(message.seq)
            return
        same_query = self.result is not None and self.result.query == message.result.query
        self.result = message.result
        self.result_count = message.result.total
        self.elapsed_ms = message.result.elapsed_ms
        self.status_message, self._index_summary = self._index_summary, ""
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

    def on_search_failed(self, message: SearchFailed) -> None:
        if message.seq >= self.sequencer.issued:
            self.status_message = message.error
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
        self.query_one(Reader).show(view.article, view.spans, view.mentions, message.note)
        self.status_message = message.note
        self._show_sidebar("article")
        self._show_timeline()

    @on(ArticleList.OpenArticle)
    def _open_from_list(self, message: ArticleList.OpenArticle) -> None:
        self.open_article(message.article_id)

    @on(EventList.OpenEvent)
    def _open_from_timeline(self, message: EventList.OpenEvent) -> None:
        self.open_article(message.article_id, note="opened from the timeline")

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
        self.query_one(ArticleList).focus()

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
        self.marked_count = len(self.marks)
        self.query_one(ArticleList).set_marked(set(self.marks.ids))
        self.status_message = f"{'marked' if marked else 'unmarked'} {article_id[:12]}"

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
        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.write_export(plan)

        self.push_screen(ExportDialog(plan, titles), done)

    def on_brief_written(self, message: BriefWritten) -> None:
        self.status_message = f"brief written: {message.path}"
        self.notify(f"brief written: {message.path}", title="export")

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self.query_one(ArticleList).border_title = f"Results · by {self.sort}"
        self.dispatch_search()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.keymap))

    def action_quit(self) -> None:
        self.exit(0)


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
    app = BriefingApp(ctx.config, engine_factory=lambda: ctx.engine)
    code = app.run()
    return int(code or 0)
