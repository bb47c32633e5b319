"""Every key of the app: one table of binding ids, default keys, actions and descriptions.

Users remap by id in config.yaml ``keys:`` (comma-separated Textual key names or characters);
:func:`keymap_from_config` turns that into what ``App.set_keymap`` takes.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import Keys, _character_to_key


@dataclass(frozen=True)
class KeySpec:
    """One bindable action: ``where`` names the widget whose BINDINGS carry it."""

    id: str
    keys: str
    action: str
    label: str  # short, for the footer
    where: str
    description: str  # one line, for the help screen and the palette
    show: bool = True


KEY_SPECS: tuple[KeySpec, ...] = (
    KeySpec("focus_search", "slash", "focus_search", "Search", "app",
            "Focus the search bar (results update as you type)"),
    KeySpec("to_list", "enter", "to_list", "Results", "search", "Move from the search bar to the results"),
    KeySpec("complete", "tab", "complete", "Complete", "search",
            "Search bar: accept the grey completion (field names, company:/person:/place:/org: "
            "names; right arrow too), else the next pane", show=False),
    KeySpec("history_prev", "up", "history_prev", "Older query", "search",
            "Search bar: the previous query of the history", show=False),
    KeySpec("history_next", "down", "history_next", "Newer query", "search",
            "Search bar: the next query of the history", show=False),
    KeySpec("back", "escape", "back", "Back", "app", "Back to the search bar", show=False),
    KeySpec("cursor_down", "j,down", "cursor_down", "Down", "list", "Move down", show=False),
    KeySpec("cursor_up", "k,up", "cursor_up", "Up", "list", "Move up", show=False),
    KeySpec("open_article", "enter", "open_article", "Open", "open",
            "Open the highlighted article (or the event's article) in the reader"),
    KeySpec("related_next", "right_square_bracket", "related(1)", "Related", "app",
            "Jump to the next related article (shared companies, most specific first)"),
    KeySpec("related_prev", "left_square_bracket", "related(-1)", "Prev related", "app",
            "Jump to the previous related article", show=False),
    KeySpec("jump_back", "backspace", "jump_back", "Back", "app",
            "Go back through the jump history"),
    KeySpec("entity_next", "n", "entity_step(1)", "Next w/ entity", "sidebar",
            "Entity sidebar: next article (by date) mentioning the entity"),
    KeySpec("entity_prev", "p", "entity_step(-1)", "Prev w/ entity", "sidebar",
            "Entity sidebar: previous article (by date) mentioning the entity"),
    KeySpec("entity_filter", "f", "entity_filter", "Filter", "sidebar",
            "Entity sidebar: filter the results to the entity (adds company:… to the query)"),
    KeySpec("find", "slash", "find", "Find", "reader", "Reader: find in the article (n / N: next, previous)"),
    KeySpec("find_anywhere", "ctrl+f", "find", "Find", "app", "Find in the open article", show=False),
    KeySpec("find_next", "n", "find_step(1)", "Next match", "reader", "Reader: next find match",
            show=False),
    KeySpec("find_prev", "N", "find_step(-1)", "Prev match", "reader", "Reader: previous find match",
            show=False),
    KeySpec("full_reader", "z", "full_reader", "Full", "app", "Full-screen reader on / off"),
    KeySpec("open_url", "o", "open_url", "Open URL", "app",
            "Open the article's source URL (else its file) in the system browser", show=False),
    KeySpec("copy_id", "y", "copy('id')", "Copy id", "app", "Copy the article id to the clipboard",
            show=False),
    KeySpec("copy_url", "Y", "copy('url')", "Copy URL", "app",
            "Copy the article's source URL (else its file path) to the clipboard", show=False),
    KeySpec("pipe", "vertical_line", "pipe", "Pager", "app",
            "Show the article text in $PAGER (less by default)", show=False),
    KeySpec("side_panes", "b", "side_panes", "Side panes", "app",
            "Below 100 columns: show / hide the entity sidebar and the timeline"),
    KeySpec("save_search", "S", "save_search", "Save search", "app",
            "Save the current query in the watchlist (asks for a name)"),
    KeySpec("watchlist", "w", "watchlist", "Watchlist", "app",
            "Go to the saved searches (enter runs one; new articles are counted)", show=False),
    KeySpec("toggle_timeline", "t", "toggle_timeline", "Timeline", "app",
            "Timeline: switch between the current article and the result set"),
    KeySpec("mark", "space", "mark", "Mark", "app", "Mark / unmark the article for the brief (the cursor moves down)"),
    KeySpec("mark_all", "asterisk", "mark_all", "Mark all", "app",
            "Mark every result (again: unmark them)", show=False),
    KeySpec("toggle_read", "u", "toggle_read", "Read/unread", "app",
            "Mark the article read / unread (unread titles are bold)", show=False),
    KeySpec("export", "e", "export", "Export", "app", "Export the marked articles as a brief"),
    KeySpec("toggle_sort", "s", "toggle_sort", "Sort", "app", "Sort results by relevance / date"),
    KeySpec("refresh_feeds", "r", "refresh_feeds", "Refresh", "app",
            "Fetch the followed feeds in the background; new articles appear once indexed", show=False),
    KeySpec("show_feeds", "F", "show_feeds", "Feeds", "app",
            "Feeds: each followed feed with its last fetch, new articles and errors", show=False),
    KeySpec("toggle_copies", "c", "toggle_copies", "Copies", "app",
            "Wire copies: list every copy of a story, or each story once with its copies noted", show=False),
    KeySpec("help", "question_mark,f1", "help", "Help", "app",
            "Show every key and the query syntax (f1 also works in the search bar)"),
    KeySpec("quit", "q", "quit", "Quit", "app", "Quit briefing"),
)

SPECS_BY_ID = {spec.id: spec for spec in KEY_SPECS}


def bindings_for(where: str) -> list[BindingType]:
    """Textual bindings (with ids and descriptions) for one place in the app."""
    out: list[BindingType] = []
    for spec in KEY_SPECS:
        if spec.where == where:
            out.append(
                Binding(spec.keys, spec.action, spec.label, show=spec.show,
                        tooltip=spec.description, id=spec.id)
            )
    return out


def list_bindings() -> list[BindingType]:
    """Bindings shared by every list-like pane (results, entities, timeline)."""
    return bindings_for("list")


def normalize_keys(value: str) -> str:
    """``"j, down"`` -> ``"j,down"``; single characters become Textual key names (``/``->slash)."""
    keys = [k.strip() for k in value.split(",") if k.strip()]
    return ",".join(_character_to_key(k) if len(k) == 1 else k for k in keys)


def keymap_from_config(keys: dict[str, str]) -> dict[str, str]:
    """The keymap for ``App.set_keymap``: known ids only, keys normalised."""
    return {bid: normalize_keys(v) for bid, v in keys.items() if bid in SPECS_BY_ID and v.strip()}


def unknown_key_ids(keys: dict[str, str]) -> list[str]:
    """Ids in the config ``keys:`` that no binding has (reported once as a warning)."""
    return sorted(k for k in keys if k not in SPECS_BY_ID)


def keys_for(spec_id: str, keymap: dict[str, str]) -> str:
    """The keys currently bound to ``spec_id``, for the help screen."""
    return keymap.get(spec_id) or SPECS_BY_ID[spec_id].keys


MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_KEY_NAMES = {k.value for k in Keys} | {_character_to_key(chr(c)) for c in range(32, 127)}
# the widgets each ``where`` binds in: two bindings can only clash where these meet
_WIDGETS = {
    "app": {"search", "results", "entities", "events", "reader", "find"},
    "search": {"search"},
    "list": {"results", "entities", "events", "reader"},
    "open": {"results", "events"},
    "sidebar": {"entities"},
    "reader": {"reader"},
}


def is_key_name(key: str) -> bool:
    """True for what Textual can bind: ``j``, ``J``, ``slash``, ``f1``, ``ctrl+f``, ``shift+tab``."""
    *mods, base = key.split("+")
    if any(m not in MODIFIERS for m in mods) or not base:
        return False
    return len(base) == 1 or base in _KEY_NAMES or base in ("space", "backspace")


def _effective(keys: dict[str, str]) -> dict[str, list[str]]:
    remapped = keymap_from_config(keys)
    return {s.id: (remapped.get(s.id) or s.keys).split(",") for s in KEY_SPECS}


def _clashes(bound: dict[str, list[str]]) -> set[tuple[str, str, str]]:
    out = set()
    specs = list(KEY_SPECS)
    for i, a in enumerate(specs):
        for b in specs[i + 1:]:
            if not _WIDGETS[a.where] & _WIDGETS[b.where]:
                continue
            for key in set(bound[a.id]) & set(bound[b.id]):
                out.add((a.id, b.id, key))
    return out


def keymap_problems(keys: dict[str, str]) -> list[str]:
    """What is wrong with the ``keys:`` of a config, one line each, naming the binding ids:
    unknown ids, key names Textual does not know, and keys that now do two things in one place
    (clashes the shipped defaults already have on purpose, like ``enter``, are not reported)."""
    problems = [f"unknown binding id {bid!r}" for bid in unknown_key_ids(keys)]
    for bid, value in keys.items():
        if bid in SPECS_BY_ID:
            for key in normalize_keys(value).split(","):
                if key and not is_key_name(key):
                    problems.append(f"{bid}: unknown key name {key!r}")
    wanted = _clashes(_effective(keys)) - _clashes(_effective({}))
    for a, b, key in sorted(wanted):
        problems.append(f"{a} and {b} are both on {key!r}")
    return problems
