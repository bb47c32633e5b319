"""Non-UI browsing state: search sequencing, filters, marks, related cursor, jump history."""

from __future__ import annotations

from briefing.search.engine import Related
from briefing.tui.bindings import KEY_SPECS, keymap_from_config, normalize_keys, unknown_key_ids
from briefing.tui.session import JumpHistory, Marks, RelatedCursor, SearchSequencer, Visit, add_entity_filter


def test_a_stale_search_never_overwrites_a_newer_one() -> None:
    seq = SearchSequencer()
    first, second = seq.next(), seq.next()
    assert seq.accept(second)
    assert not seq.accept(first)  # arrives late: dropped
    third = seq.next()
    assert not seq.accept(second)
    assert seq.accept(third)


def test_results_of_an_older_search_are_dropped_while_a_newer_one_runs() -> None:
    seq = SearchSequencer()
    first = seq.next()
    seq.next()
    assert not seq.accept(first)


def test_entity_filter_is_added_once_and_quoted_when_needed() -> None:
    assert add_entity_filter("", "company", "소프트뱅크") == "company:소프트뱅크"
    assert add_entity_filter("반도체", "person", "손정의") == "반도체 person:손정의"
    assert add_entity_filter("반도체 person:손정의", "person", "손정의") == "반도체 person:손정의"
    assert add_entity_filter("x", "person", "샘 올트먼") == 'x person:"샘 올트먼"'


def test_marks_toggle_and_keep_order() -> None:
    marks = Marks()
    assert marks.toggle("b") and marks.toggle("a")
    assert marks.ids == ["b", "a"]
    assert not marks.toggle("b")
    assert marks.ids == ["a"] and "b" not in marks and len(marks) == 1


def test_related_cursor_steps_within_bounds() -> None:
    related = [Related(str(i), f"t{i}", None, ["소프트뱅크"], 1.0) for i in range(2)]
    cursor = RelatedCursor("anchor", related)
    assert cursor.step(-1) is None
    assert cursor.step(1).id == "0"
    assert cursor.step(1).id == "1"
    assert cursor.step(1) is None and cursor.index == 1
    assert cursor.step(-1).id == "0"


def test_jump_history_is_last_in_first_out() -> None:
    history = JumpHistory(limit=2)
    for name in "abc":
        history.push(Visit(name, None, -1))
    assert len(history) == 2
    assert history.pop().article_id == "c"
    assert history.pop().article_id == "b"
    assert history.pop() is None


def test_every_binding_id_of_the_config_exists_and_keys_normalise() -> None:
    from tests.app_helpers import seed_config

    ids = {spec.id for spec in KEY_SPECS}
    assert set(seed_config().keys) == ids
    assert normalize_keys("/, ]") == "slash,right_square_bracket"
    assert keymap_from_config({"quit": "x", "nope": "y"}) == {"quit": "x"}
    assert unknown_key_ids({"quit": "x", "nope": "y"}) == ["nope"]
