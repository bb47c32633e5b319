"""Jumps between articles: related articles (``]`` / ``[``), the jump history (back), the next or
previous article naming an entity of the sidebar, and filtering the search by an entity."""

from __future__ import annotations

from textual import on, work

from briefing.tui.app_state import AppState
from briefing.tui.messages import RelatedLoaded
from briefing.tui.session import RelatedCursor, add_entity_filter
from briefing.tui.widgets.entity_sidebar import EntitySidebar
from briefing.tui.widgets.search_bar import SearchBar


class Jumps(AppState):
    """Related, entity and back jumps; mixed into BriefingApp."""

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def load_related(self, anchor_id: str, delta: int) -> None:
        self.post_message(RelatedLoaded(anchor_id, self.ready_engine.related(anchor_id), delta))

    @work(thread=True, exclusive=True, group="jump", exit_on_error=False)
    def entity_jump(self, name: str, article_id: str, delta: int) -> None:
        target = self.ready_engine.adjacent(name, article_id, step=delta)
        self.call_from_thread(self._entity_jump_done, name, target, delta)

    def action_related(self, delta: int) -> None:
        if self.current_id is None:
            self.status_message = "open an article first (enter), then ] / [ jump to related ones"
            return
        cursor = self.related_cursor
        if cursor is None:
            self.load_related(self.current_id, delta)
        else:
            self._step_related(cursor, delta)

    def on_related_loaded(self, message: RelatedLoaded) -> None:
        self.related_cursor = cursor = RelatedCursor(message.anchor_id, message.related)
        self._step_related(cursor, message.delta)

    def _step_related(self, cursor: RelatedCursor, delta: int) -> None:
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
