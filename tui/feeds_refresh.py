"""The app's feed refresh (``r``): fetch the followed feeds in a thread worker with a progress
bar, index what is new, and re-run the search so new articles appear without a restart.
With ``fetch.on_start: true`` in the config the refresh also runs once the index is open."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Label, ProgressBar
from textual.worker import Worker, WorkerState

from briefing.tui.app_state import AppState
from briefing.tui.messages import EngineReady


class FeedsProgress(Message):
    """Fetching advanced: ``done`` of ``total`` feeds or pages, ``label`` says which."""

    def __init__(self, done: int, total: int, label: str) -> None:
        super().__init__()
        self.done, self.total, self.label = done, total, label


class FeedsFetched(Message):
    """A refresh finished: ``summary`` is one line for the user (new counts per feed)."""

    def __init__(self, summary: str, new: int, failures: int) -> None:
        super().__init__()
        self.summary, self.new, self.failures = summary, new, failures


def fetch_summary(report) -> str:
    """``3 new (한빛경제 산업 2, 동해일보 1), 1 failure`` for the status line."""
    per_feed = ", ".join(f"{f.name} {f.new}" for f in report.feeds if f.new)
    text = f"feeds: {len(report.new)} new" + (f" ({per_feed})" if per_feed else "")
    if report.failures:
        n = len(report.failures)
        text += f", {n} failure{'s' if n != 1 else ''} (briefing feed list --json)"
    return text


class FeedRefresh(AppState):
    """The feed refresh; mixed into BriefingApp."""

    _feeds_on_start_done = False

    def action_refresh_feeds(self) -> None:
        if not self.ready:
            self.notify("the index is still opening; refresh when it is ready", severity="warning")
            return
        if any(w.group == "feeds" and w.is_running for w in self.workers):
            self.notify("already fetching the feeds")
            return
        self.status_message = "fetching feeds…"
        self.refresh_feeds()

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def refresh_feeds(self) -> None:
        from briefing.search.feeds.client import FetchSettings
        from briefing.search.feeds.fetch import fetch_feeds
        from briefing.search.feeds.state import FeedState

        engine = self.ready_engine
        state = FeedState(engine.data_dir)
        followed = state.feeds()
        state.close()
        if not followed:
            self.post_message(FeedsFetched("no feeds followed yet: `briefing feed add URL`", 0, 0))
            return
        settings = FetchSettings.from_config(getattr(self.config, "fetch", {}) or {})

        def progress(done: int, total: int, label: str) -> None:
            self.post_message(FeedsProgress(done, total, label))

        report = fetch_feeds(engine.data_dir, settings, progress=progress)
        summary = fetch_summary(report)
        self.post_message(FeedsFetched(summary, len(report.new), len(report.failures)))
        if report.new or engine.needs_update():
            engine.update(progress=self._progress, wait=True)
            self.post_message(EngineReady(engine.corpus_size, summary))  # re-runs the search

    def action_show_feeds(self) -> None:
        self.load_feeds_screen()

    @work(thread=True, exclusive=True, group="feeds-screen", exit_on_error=False)
    def load_feeds_screen(self) -> None:
        from briefing.tui.screens.feeds import feed_rows

        rows = feed_rows(self.engine.data_dir) if self.engine is not None else []
        self.call_from_thread(self._push_feeds_screen, rows)

    def _push_feeds_screen(self, rows) -> None:
        from briefing.tui.screens.feeds import FeedsScreen

        def closed(refresh: bool | None) -> None:
            if refresh:
                self.action_refresh_feeds()

        self.push_screen(FeedsScreen(rows), closed)

    def on_feeds_progress(self, message: FeedsProgress) -> None:
        self.status_message = f"fetching {message.done}/{message.total}"
        try:
            self.query_one("#progress").display = True
            self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)
            self.query_one("#progress-label", Label).update(Text(f"Fetching {message.label[:40]} "))
        except NoMatches:
            pass

    def on_feeds_fetched(self, message: FeedsFetched) -> None:
        try:
            self.query_one("#progress").display = False
        except NoMatches:
            pass
        self.status_message = message.summary
        self.notify(message.summary, title="feeds", severity="warning" if message.failures else "information")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed refresh (notified by the app) hides the progress bar."""
        if event.worker.group == "feeds" and event.state == WorkerState.ERROR:
            self.on_feeds_fetched(FeedsFetched("fetching the feeds failed", 0, 1))

    def on_engine_ready(self, message: EngineReady) -> None:
        """Runs after the app's own handler (Textual calls each class's handler in the MRO)."""
        if self._feeds_on_start_done:
            return
        self._feeds_on_start_done = True
        if (getattr(self.config, "fetch", {}) or {}).get("on_start"):
            self.call_later(self.action_refresh_feeds)
