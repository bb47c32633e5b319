"""Wire copies in the app's result list: each story once, its row noting "N copies" and their
publishers; ``c`` expands every copy (and collapses them again)."""

from __future__ import annotations

import dataclasses
from typing import Any

from textual import work

from briefing.tui.app_state import AppState
from briefing.tui.messages import EngineReady


def copies_note(publisher: str | None, others: list[tuple[str, str | None]]) -> str:
    """`` · 2 copies: 한빛경제, 동해일보`` for a row with copies, else ''."""
    if not others:
        return ""
    names = dict.fromkeys([publisher or "?"] + [p or "?" for _, p in others])
    return f" · {len(others) + 1} copies: {', '.join(names)}"


def collapse_result(result, copies, expand: bool, notes: dict[str, str] | None = None):
    """The search result with each wire story once (unless ``expand``), titles noting copies.
    ``notes`` keeps each article's note for the next search (a large group takes a while)."""
    if copies is None or not copies.groups:
        return result
    notes = {} if notes is None else notes
    by_id = {h.id: h for h in result.hits}
    ids = [h.id for h in result.hits] if expand else [i for i, _ in copies.collapse(list(by_id))]
    hits = []
    for i in ids:
        h = by_id[i]
        note = notes.get(i)
        if note is None:
            note = notes[i] = copies_note(h.publisher, copies.others(i))
        hits.append(dataclasses.replace(h, title=h.title + note) if note else h)
    return dataclasses.replace(result, hits=hits)


class WireCopiesView(AppState):
    """Mixed into BriefingApp; the groups load in a worker once the index is open (the first
    time after a large update this shingles every new article), searches use them from then on."""

    expand_copies = False
    # the groups and each article's note under them, replaced together (searches run in threads)
    wire_copies: tuple[Any, dict[str, str]] = (None, {})

    @property
    def wire_groups(self) -> Any:
        return self.wire_copies[0]

    def collapse_copies(self, result):
        """Called by the search worker on each result."""
        groups, notes = self.wire_copies
        return collapse_result(result, groups, self.expand_copies, notes)

    def action_toggle_copies(self) -> None:
        self.expand_copies = not self.expand_copies
        self.notify("showing every copy of wire stories" if self.expand_copies
                    else "showing each wire story once")
        self.dispatch_search()

    @work(thread=True, exclusive=True, group="copies", exit_on_error=False)
    def load_copies(self) -> None:
        groups = self.ready_engine.copies()
        self.call_from_thread(self._copies_loaded, groups)

    def _copies_loaded(self, groups) -> None:
        had = self.wire_groups
        self.wire_copies = (groups, {})
        self.settle_heap()
        if groups.groups or (had is not None and had.groups):
            self.dispatch_search()

    def on_engine_ready(self, message: EngineReady) -> None:
        """After every (re)index: recompute the groups (runs after the app's own handler)."""
        self.load_copies()
