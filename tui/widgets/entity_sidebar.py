"""The entity sidebar: companies, people, places and orgs with counts."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.message import Message
from textual.reactive import var
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.tui.bindings import bindings_for, list_bindings
from briefing.tui.cells import fit, plural, row_width
from briefing.tui.messages import ArticleView

TYPE_HEADINGS = (("company", "Companies"), ("person", "People"), ("place", "Places"), ("org", "Orgs"))
SEPARATOR = "\t"


class EntitySidebar(OptionList):
    """Lists entities grouped by type; n/p/f post messages about the highlighted one. Shows the
    result set's entities or the open article's (``entities_scope``), bound to the app's state."""

    BINDINGS = list_bindings() + bindings_for("sidebar")

    # bound to the app's reactives (data_bind in BriefingApp.compose)
    facets: var[dict[str, list[Any]]] = var(dict)
    current_view: var[ArticleView | None] = var(None)
    entities_scope: var[str] = var("")  # "results", "article", or "" before either is known
    result_count: var[int] = var(0)

    class EntityAction(Message):
        """``kind`` is "step" (with ``delta``) or "filter"."""

        def __init__(self, kind: str, entity_type: str, name: str, delta: int = 0) -> None:
            super().__init__()
            self.kind, self.entity_type, self.name, self.delta = kind, entity_type, name, delta

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._groups: dict = {}
        self._scope = ""
        self._width = 0

    def watch_entities_scope(self) -> None:
        self._show_scope()

    def watch_facets(self) -> None:
        if self.entities_scope == "results":
            self._show_scope()

    def watch_current_view(self) -> None:
        if self.entities_scope == "article":
            self._show_scope()

    def _show_scope(self) -> None:
        """Entities of the article just opened, or of the result set just found."""
        if self.entities_scope == "article" and self.current_view is not None:
            self.show(self.current_view.entities, "this article")
        elif self.entities_scope:
            self.show(self.facets, plural(self.result_count, "result"))

    def show(self, groups: dict, scope: str) -> None:
        """``groups``: type -> list of EntityCount; ``scope`` goes in the border title."""
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        self._groups, self._scope = groups, scope
        self.border_title = f"Entities · {scope}"
        width = self._width = row_width(self, 12)
        options: list = []
        for etype, heading in TYPE_HEADINGS:
            items = groups.get(etype) or []
            if not items:
                continue
            options.append(Option(Text(heading, style="bold underline"), disabled=True))
            for item in items:
                count = str(item.count)
                label = fit(item.name, width - len(count) - 3) + " " + count
                options.append(Option(Text(" " + label), id=f"{etype}{SEPARATOR}{item.name}"))
        if not options:
            options.append(Option(Text("no entities", style="dim"), disabled=True))
        self.set_options(options)
        ids = [o.id for o in options]
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.highlighted = ids.index(keep) if keep is not None and keep in ids else first

    def on_resize(self) -> None:
        if self._scope and row_width(self, 12) != self._width:
            self.show(self._groups, self._scope)

    @property
    def names(self) -> list[str]:
        """Entity names shown, in order (for tests and the status line)."""
        return [item.name for etype, _ in TYPE_HEADINGS for item in self._groups.get(etype) or []]

    @property
    def highlighted_entity(self) -> tuple[str, str] | None:
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        etype, name = option.id.split(SEPARATOR, 1)
        return etype, name

    def action_entity_step(self, delta: int) -> None:
        if entity := self.highlighted_entity:
            self.post_message(self.EntityAction("step", *entity, delta=delta))

    def action_entity_filter(self) -> None:
        if entity := self.highlighted_entity:
            self.post_message(self.EntityAction("filter", *entity))
