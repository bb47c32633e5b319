"""Marks, read state and the export of marked articles to a Markdown brief (planned in a worker,
edited in a dialog, written in a worker)."""

from __future__ import annotations

from textual import work

from briefing.tui.app_state import AppState
from briefing.tui.cells import plural
from briefing.tui.messages import BriefWritten
from briefing.tui.screens.export import ExportChoice, ExportDialog
from briefing.tui.widgets.article_list import ArticleList


class MarksAndExport(AppState):
    """Marking, read state and export; mixed into BriefingApp."""

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

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def plan_export(self, ids: list[str], query: str) -> None:
        engine = self.ready_engine
        plan = engine.plan_brief(ids, query=query or None)
        titles = {}
        for article_id in plan.article_ids:
            titles[article_id] = engine.article(article_id).title
        self.call_from_thread(self._show_export_dialog, plan, titles)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write_export(self, plan, edit: bool = False) -> None:
        self.post_message(BriefWritten(self.ready_engine.write_brief(plan), edit))

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
