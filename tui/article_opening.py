"""Opening an article in the reader: from the result list, from a timeline event (scrolled to its
sentence), or restored from the session; the article actions apply to."""

from __future__ import annotations

from textual import on, work

from briefing.tui.app_state import AppState
from briefing.tui.messages import ArticleLoaded, ArticleView
from briefing.tui.session import Visit
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.reader import Reader
from briefing.tui.widgets.search_bar import SearchBar
from briefing.tui.widgets.timeline import EventList


class ArticleOpening(AppState):
    """Loads and shows articles in the reader; mixed into BriefingApp."""

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(self, article_id: str, query: str, note: str) -> None:
        engine = self.ready_engine
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
        self.entities_scope = "article"  # (the timeline shows it too if its scope is the article)

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

    @on(SearchBar.OpenFromList)
    def action_open_article(self) -> None:
        article_id = self.query_one(ArticleList).highlighted_id
        if article_id:
            self.open_article(article_id)

    def action_full_reader(self) -> None:
        self.screen.toggle_class("-full-reader")
        if self.screen.has_class("-full-reader"):
            self.query_one(Reader).focus()
