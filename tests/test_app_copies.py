"""Wire copies in the app's result list (tui/copies_toggle.py): each story once, its row noting
the copies; the notes are kept between searches under the same groups."""

from __future__ import annotations

from dataclasses import dataclass

from briefing.search.feeds.copies import CopyGroup, WireCopies
from briefing.tui.copies_toggle import collapse_result


@dataclass
class Hit:  # the fields of a search hit the list uses
    id: str
    title: str
    publisher: str


@dataclass
class Result:
    hits: list[Hit]


def _result() -> Result:
    return Result([Hit(i, f"title {i}", p) for i, p in (("a", "한빛경제"), ("own", "중앙일보"), ("b", "동해일보"))])


COPIES = WireCopies([CopyGroup(("a", "b"), ("한빛경제", "동해일보"))])


def test_each_story_once_with_its_copies_noted():
    shown = collapse_result(_result(), COPIES, expand=False)
    assert [h.title for h in shown.hits] == ["title a · 2 copies: 한빛경제, 동해일보", "title own"]
    expanded = collapse_result(_result(), COPIES, expand=True)
    assert [h.id for h in expanded.hits] == ["a", "own", "b"]


def test_notes_are_kept_for_the_next_search():
    notes: dict[str, str] = {}
    first = collapse_result(_result(), COPIES, expand=False, notes=notes)
    assert notes == {"a": " · 2 copies: 한빛경제, 동해일보", "own": ""}
    notes["a"] = " · kept"
    again = collapse_result(_result(), COPIES, expand=False, notes=notes)
    assert [h.title for h in again.hits] == ["title a · kept", "title own"]
    assert [h.id for h in again.hits] == [h.id for h in first.hits]
