"""The session kept per data dir: restored at start, saved soon after each change and at exit;
quitting asks first when marks would be lost (tui/session_file.py holds the file format)."""

from __future__ import annotations

from briefing.tui.app_state import AppState
from briefing.tui.cells import plural
from briefing.tui.screens.confirm import ConfirmScreen
from briefing.tui.session_file import save_session
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.reader import Reader
from briefing.tui.widgets.search_bar import SearchBar


class SessionKeeper(AppState):
    """Restores and saves the session; mixed into BriefingApp."""

    def _restore_session(self, search: SearchBar) -> None:
        state = self.session
        self.sort = state.sort
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

    async def action_quit(self) -> None:
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
