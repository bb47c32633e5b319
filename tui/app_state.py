"""The state BriefingApp's mixins share, typed in one place: the reactives bound to the panes
(``data_bind`` in :meth:`briefing.tui.app.BriefingApp.compose`), the session, marks and history,
and the engine. Each mixin (tui/search_flow.py, tui/jumps.py, …) subclasses AppState and holds one
idea; the methods one mixin calls on another are declared at the end, for type checkers only."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from textual.app import App
from textual.reactive import reactive, var
from textual.timer import Timer

from briefing.tui.bindings import keymap_from_config
from briefing.tui.completion import QuerySuggester
from briefing.tui.engine_protocol import AppEngine
from briefing.tui.messages import ArticleView
from briefing.tui.probe import AppProbe
from briefing.tui.saved_searches import SAVED_FILE, SavedSearch, load_saved
from briefing.tui.session import JumpHistory, Marks, RelatedCursor, SearchSequencer
from briefing.tui.session_file import SESSION_FILE, QueryHistory, SessionState, load_session
from briefing.tui.widgets.timeline import TimelineData

if TYPE_CHECKING:
    from textual.worker import Worker

    from briefing.tui.widgets.search_bar import SearchBar

SEARCH_DELAY_S = 0.15  # the search throttle (tui/search_flow.py)


class AppState(App[int]):
    """BriefingApp's state; the base of each of its mixins."""

    # the status line and the result list's title
    corpus_size: reactive[int] = reactive(0)
    result_count: reactive[int] = reactive(0)
    elapsed_ms: reactive[float] = reactive(0.0)
    sort: reactive[str] = reactive("relevance")
    marked_count: reactive[int] = reactive(0)
    status_message: reactive[str] = reactive("")
    freeze_timings: reactive[bool] = reactive(False)
    ready: reactive[bool] = reactive(False)
    # the side panes: the result set's entities and timeline (each load shows again), the open
    # article (each opening shows again), what the sidebar shows ("" until the first of them) and
    # what the timeline shows
    facets: var[dict[str, list[Any]]] = var(dict, always_update=True)
    result_timeline: var[TimelineData | None] = var(None, always_update=True)
    current_view: var[ArticleView | None] = var(None, always_update=True)
    entities_scope: var[str] = var("")
    timeline_scope: reactive[str] = reactive("results")

    def __init__(
        self,
        config: Any,
        engine: AppEngine | None = None,
        *,
        engine_factory: Callable[[], AppEngine] | None = None,
        freeze_timings: bool = False,
        search_delay: float = SEARCH_DELAY_S,
        preload_analyser: bool = True,
        data_dir: Path | None = None,
        remember: bool = True,
        probe: AppProbe | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.engine: AppEngine | None = engine  # made by engine_factory in open_engine if None
        self._engine_factory = engine_factory
        self.search_delay = search_delay
        self._preload_analyser = preload_analyser
        self.keymap: dict[str, str] = keymap_from_config(getattr(config, "keys", {}) or {})
        self.probe = probe or AppProbe()  # milestones and renders, for bench/bench_app.py and tests
        self.set_reactive(AppState.freeze_timings, freeze_timings)
        self._init_search()
        folder = data_dir or getattr(engine, "data_dir", None)
        self._init_session(Path(folder) if remember and folder else None)

    def _init_search(self) -> None:
        self.sequencer = SearchSequencer()
        self.marks = Marks()
        self.history = JumpHistory()
        self.related_cursor: RelatedCursor | None = None
        self.current_id: str | None = None
        self.result: Any = None  # the SearchResult shown (briefing.search.model)
        self._last_dispatch = 0.0
        self._pending_timer: Timer | None = None
        self._panes_timer: Timer | None = None  # loads the side panes once the list is shown and typing pauses
        self._search_started: dict[int, float] = {}
        self._clashes_told: set[str] = set()
        self._index_summary = ""
        self._query_error = ""
        self._restore_scroll: float | None = None
        self._pending_focus: tuple[int, int] | None = None  # body span to scroll to on open
        self.suggester = QuerySuggester()

    def _init_session(self, folder: Path | None) -> None:
        """The session and saved searches of the data dir ``folder`` (None: nothing remembered)."""
        self.session_path: Path | None = folder / SESSION_FILE if folder else None
        self.session = load_session(self.session_path) if self.session_path else SessionState()
        self.query_history = QueryHistory(self.session.history)
        self.read: set[str] = set(self.session.read)
        self._save_timer: Timer | None = None
        self._save_failed = False
        self.saved_path: Path | None = folder / SAVED_FILE if folder else None
        self.saved: list[SavedSearch] = load_saved(self.saved_path) if self.saved_path else []
        self._opening_saved: str | None = None

    @property
    def timings(self) -> dict[str, float]:
        """Start-up milestones (see :class:`briefing.tui.probe.AppProbe`)."""
        return self.probe.timings

    @property
    def ready_engine(self) -> AppEngine:
        """The engine, for the workers that run once it is open."""
        if self.engine is None:
            raise RuntimeError("the engine is not open yet")
        return self.engine

    if TYPE_CHECKING:  # the methods one mixin calls on another (see each mixin)
        @property
        def query_text(self) -> str: ...
        def dispatch_search(self) -> None: ...
        def cancel_side_panes(self) -> None: ...
        def load_side_panes(self, seq: int, ids: list[str]) -> Worker[None]: ...
        def collapse_copies(self, result: Any) -> Any: ...
        def settle_heap(self) -> None: ...
        def save_soon(self) -> None: ...
        def _restore_session(self, search: SearchBar) -> None: ...
        def open_engine(self) -> Worker[None]: ...
        def load_analyser(self) -> Worker[None]: ...
        def load_names(self) -> Worker[None]: ...
        def _first_paint(self) -> None: ...
        def _progress(self, done: int, total: int, label: str) -> None: ...
        def open_article(self, article_id: str, *, remember: bool = True, new_anchor: bool = True,
                         note: str = "") -> None: ...
        def focused_article_id(self) -> str | None: ...
        def count_saved(self) -> Worker[None]: ...
        def saved_search_shown(self, result: Any) -> None: ...
        def run_external(self, variable: str, default: str, path: Any = None,
                         text: str | None = None) -> None: ...
