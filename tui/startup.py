"""Start-up of the app: open the index (building or updating it first when needed) in a worker
with a progress bar, then load the analyser and the completion names; drop remembered articles a
re-index removed; the one place worker errors reach the user."""

from __future__ import annotations

import gc

from rich.text import Text
from textual import work
from textual.widgets import Label, ProgressBar
from textual.worker import Worker, WorkerState

from briefing.search.errors import BriefingError, IndexBusy

from briefing.tui.app_state import AppState
from briefing.tui.messages import AnalyserReady, EngineReady, IndexProgress
from briefing.tui.session import Marks
from briefing.tui.widgets.reader import Reader


class StartUp(AppState):
    """Opening the index and the background loads; mixed into BriefingApp."""

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def open_engine(self) -> None:
        engine = self.engine
        if engine is None:
            if self._engine_factory is None:
                raise RuntimeError("BriefingApp needs an engine or an engine_factory")
            engine = self.engine = self._engine_factory()
        if engine.corpus_size == 0:
            report = self._update(engine)
            self.post_message(EngineReady(engine.corpus_size, report_summary(report),
                                          known_ids=self._known_ids(engine)))
            return
        self.post_message(EngineReady(engine.corpus_size, known_ids=self._known_ids(engine)))
        if engine.needs_update():
            report = self._update(engine)
            self.post_message(EngineReady(engine.corpus_size, report_summary(report),
                                          known_ids=self._known_ids(engine)))

    def _update(self, engine):
        """Update the index; while another briefing (the CLI, a second app) updates this data dir,
        say so and wait for it: the update that follows finds its work done."""
        try:
            return engine.update(progress=self._progress)
        except IndexBusy:
            self.post_message(IndexProgress(0, 0, "waiting for another briefing updating this data dir"))
            return engine.update(progress=self._progress, wait=True)

    def _known_ids(self, engine) -> frozenset[str] | None:
        """Ids in the index, to drop remembered articles a re-index removed."""
        if self.session_path is None or not hasattr(engine, "list_articles"):
            return None
        return frozenset(a.id for a in engine.list_articles())

    def _progress(self, done: int, total: int, label: str) -> None:
        self.post_message(IndexProgress(done, total, label))

    @work(thread=True, exclusive=True, group="warm", exit_on_error=False)
    def warm_engine(self) -> None:
        """The searcher's arrays, read now rather than at the first keystrokes (Engine.warm)."""
        self.ready_engine.warm()

    @work(thread=True, group="analyser", exit_on_error=False)
    def load_analyser(self) -> None:
        from briefing.search.language.kiwi import warm_up

        warm_up()
        self.post_message(AnalyserReady())

    @work(thread=True, exclusive=True, group="names", exit_on_error=False)
    def load_names(self) -> None:
        """Entity names for completion, most frequent first."""
        engine = self.ready_engine
        if not hasattr(engine, "entities"):
            return
        names: dict[str, list[str]] = {}
        for entity in engine.entities():
            names.setdefault(entity.type, []).append(entity.name)
        self.suggester.names = names

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

    def on_index_progress(self, message: IndexProgress) -> None:
        self.query_one("#progress").display = True
        bar = self.query_one(ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)
        self.query_one("#progress-label", Label).update(Text(f"Indexing {message.label} "))
        # no total: a wait (for another process's update), said as it is
        self.status_message = f"indexing {message.done}/{message.total}" if message.total else message.label

    def on_engine_ready(self, message: EngineReady) -> None:
        self.query_one("#progress").display = False
        self.corpus_size = message.corpus_size
        first = not self.ready
        self.ready = True
        self.probe.milestone("index_open")
        self.status_message = message.summary
        self._index_summary = message.summary  # kept on the status line until the next search
        if message.known_ids is not None:
            self._forget_unknown(message.known_ids, restore=first)
        if first or message.summary:
            self.dispatch_search()
            self.load_names()
            self.count_saved()
        self.warm_engine()  # after every (re)index: at start-up, after an update or a feed refresh
        self.settle_heap()  # the article list was read before this message was sent

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
        self.probe.milestone("analyser")
        self.settle_heap()

    def settle_heap(self) -> None:
        """Move what exists now out of the garbage collector's sight, once a load has finished
        (the index, the store, Kiwi, the article list, the copy groups). Otherwise each full
        collection walks it all and stalls a keystroke every second or so: 85-110 ms on 10k
        articles; on 100k, 116 ms on average with the 100,000 article summaries left in sight."""
        gc.freeze()

    def _first_paint(self) -> None:
        self.probe.milestone("first_paint")


def report_summary(report) -> str:
    """``index: 3 added, 1 changed in 0.4 s`` for the status line ("" without a report)."""
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
