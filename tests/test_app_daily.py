"""Living in the app: the session kept per data dir, read state, history, quitting safely."""

from __future__ import annotations

import json

import pytest

from briefing.tui.app import BriefingApp
from briefing.tui.session_file import SESSION_FILE, QueryHistory, SessionState, load_session, save_session
from tests.app_helpers import settle, sync
from briefing.tui.widgets.article_list import ArticleList
from briefing.tui.widgets.reader import Reader
from briefing.tui.widgets.search_bar import SearchBar
from tests.test_app_keys import QUERY, config, engine, messages, run, search  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow


def new_app(config, engine, **kwargs) -> BriefingApp:
    return BriefingApp(config, engine, freeze_timings=True, search_delay=0.0,
                       preload_analyser=False, **kwargs)


def test_session_file_round_trips_and_survives_garbage(tmp_path) -> None:
    path = tmp_path / SESSION_FILE
    assert load_session(path) == SessionState()
    state = SessionState(query="반도체", sort="date", marks=["a"], open_id="a", scroll_y=3.0,
                         read=["a", "b"], history=["x", "반도체"])
    save_session(path, state)
    assert load_session(path) == state
    path.write_text("{not json", encoding="utf-8")
    assert load_session(path) == SessionState()
    path.write_text(json.dumps({"sort": "sideways", "marks": "oops", "scroll_y": 2}), encoding="utf-8")
    loaded = load_session(path)
    assert loaded.sort == "relevance" and loaded.marks == [] and loaded.scroll_y == 2.0


def test_query_history_steps_back_and_returns_to_the_draft() -> None:
    history = QueryHistory(["a", "b"])
    history.add("c")
    history.add("a")  # moved to the end
    assert history.queries == ["b", "c", "a"]
    assert history.older("draft") == "a"
    assert history.older("a") == "c"
    assert history.newer() == "a"
    assert history.newer() == "draft"
    assert history.newer() is None


@sync
async def test_marks_query_sort_open_article_and_scroll_come_back(config, engine, messages):
    app = new_app(config, engine)
    async with run(app, messages, size=(100, 30)) as pilot:
        await search(pilot, QUERY)
        await pilot.press("enter", "space", "s")  # mark the first result, sort by date
        await settle(pilot)
        marked = app.marks.ids
        await pilot.press("enter")  # open the highlighted article
        await settle(pilot)
        opened = app.current_id
        reader = app.query_one(Reader)
        reader.focus()
        await pilot.press("j", "j", "j")
        await pilot.pause(0.1)
        scrolled = reader.scroll_y
        assert scrolled > 0
        await pilot.press("q")  # marks are kept, so no question
    assert app.return_code == 0
    saved = load_session(engine.data_dir / SESSION_FILE)
    assert saved.marks == marked and saved.query == QUERY and saved.sort == "date"

    again = new_app(config, engine)
    async with run(again, messages, size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.query_one(SearchBar).value == QUERY
        assert again.sort == "date" and again.marks.ids == marked
        assert again.current_id == opened
        await pilot.pause(0.1)
        assert again.query_one(Reader).scroll_y == scrolled
        assert again.result.query == QUERY


@sync
async def test_typing_at_start_replaces_the_remembered_query(config, engine, messages):
    save_session(engine.data_dir / SESSION_FILE, SessionState(query="삼성전자"))
    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await pilot.press(*QUERY)
        await settle(pilot)
        assert app.query_text == QUERY and app.result.query == QUERY


@sync
async def test_marks_of_articles_removed_by_a_reindex_are_dropped(config, engine, messages):
    known = engine.list_articles()[0].id
    save_session(engine.data_dir / SESSION_FILE,
                 SessionState(marks=[known, "gone_0000"], open_id="gone_0000", read=["gone_0000"]))
    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await settle(pilot)
        assert app.marks.ids == [known] and app.current_id is None and "gone_0000" not in app.read


@sync
async def test_unread_titles_are_bold_and_u_toggles(config, engine, messages):
    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await settle(pilot)
        results = app.query_one(ArticleList)
        first = results.article_ids[0]
        assert first in results.unread_ids()
        await pilot.press("enter", "enter")  # to the list, open the first
        await settle(pilot)
        assert first not in results.unread_ids()
        results.focus()
        await pilot.press("u")
        assert first in results.unread_ids() and "unread" in app.status_message
        await pilot.press("u")
        assert first not in results.unread_ids()


@sync
async def test_up_and_down_in_the_search_bar_walk_the_history(config, engine, messages):
    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await settle(pilot)
        for query in ("삼성전자", QUERY):
            app.query_one(SearchBar).value = query
            await settle(pilot)
            await pilot.press("enter", "slash")  # enter remembers the query
        app.query_one(SearchBar).value = "draft"
        await pilot.press("up")
        assert app.query_text == QUERY
        await pilot.press("up")
        assert app.query_text == "삼성전자"
        await pilot.press("down", "down")
        assert app.query_text == "draft"
        await pilot.press("enter", "q")  # quitting saves the session
    assert load_session(engine.data_dir / SESSION_FILE).history == ["삼성전자", QUERY, "draft"]


@sync
async def test_q_asks_when_marks_cannot_be_kept(config, engine, messages):
    from briefing.tui.screens.confirm import ConfirmScreen

    app = new_app(config, engine, remember=False)
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("enter", "space", "q")
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        await pilot.press("n")
        assert app.is_running
        await pilot.press("q", "y")
    assert app.return_code == 0


@pytest.mark.parametrize("query", ['"unclosed', "company:", "노벨상 company:"])
@sync
async def test_an_invalid_query_never_lists_the_whole_corpus(config, engine, messages, query):
    app = new_app(config, engine)
    async with run(app, messages, size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*query)
        await settle(pilot)
        error = app.query_one("#query-error")
        assert error.display
        text = str(error.render())
        assert "quote" in text or "needs a value" in text
        shown = app.query_one(ArticleList).article_ids
        assert len(shown) < engine.corpus_size and app.result_count < engine.corpus_size


def test_completion_of_field_names_and_entity_values() -> None:
    from briefing.tui.completion import complete

    names = {"company": ["소프트뱅크", "삼성전자"], "person": ["손정의", "Masayoshi Son"]}
    assert complete("반도체 comp", names) == "반도체 company:"
    assert complete("pers", names) == "person:"
    assert complete("company:", names) == "company:소프트뱅크"
    assert complete("x company:삼", names) == "x company:삼성전자"
    assert complete("person:mas", names) == 'person:"Masayoshi Son"'
    assert complete('-person:"Mas', names) == '-person:"Masayoshi Son"'
    assert complete("company:없는", names) is None
    assert complete("company:삼성전자", names) is None
    assert complete("반도체", names) is None


@sync
async def test_tab_completes_an_entity_name_from_the_index(config, engine, messages):
    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press(*"comp", "tab")
        assert app.query_text == "company:"
        await pilot.press("소")
        await settle(pilot)
        await pilot.pause(0.1)
        await pilot.press("tab")
        assert app.query_text.startswith("company:소") and len(app.query_text) > len("company:소")
        await settle(pilot)
        assert app.result_count > 0


@sync
async def test_help_shows_the_query_syntax(config, engine, messages):
    from textual.widgets import DataTable

    from briefing.tui.screens.help import HelpScreen

    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        cells = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert 'person:"Masayoshi Son"' in cells and "date:2025-02..2025-04" in cells


async def open_first(pilot) -> None:
    await settle(pilot)
    await pilot.press("enter", "enter")
    await settle(pilot)


@sync
async def test_enter_on_an_event_scrolls_to_its_sentence_and_the_timeline_keeps_its_cursor(
    config, engine, messages
):
    from briefing.tui.widgets.reader import FOCUS_STYLE
    from briefing.tui.widgets.timeline import EventList

    app = new_app(config, engine)
    async with run(app, messages, size=(100, 30)) as pilot:
        await settle(pilot)
        events = app.query_one(EventList)
        events.focus()
        # the event latest in its article, so the reader has to scroll to it
        order = [i for i, o in enumerate(events._options) if o.id is not None]
        pick = max(order, key=lambda i: events.events[int(events._options[i].id)].start)
        events.highlighted = pick
        event = events.highlighted_event
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.1)
        reader = app.query_one(Reader)
        assert app.current_id == event.article_id
        assert reader.focus_span == (event.start, event.end)
        assert events.highlighted == pick and app.focused is events
        from briefing.tui.widgets.reader import body_text

        body = body_text(reader.article, [], [], reader.focus_span)
        assert any(str(s.style) == FOCUS_STYLE and s.start == event.start for s in body.spans)
        if event.start > 600:
            assert reader.scroll_y > 0
        await pilot.press("j", "enter")  # step to the next event: the cursor moved on
        await settle(pilot)
        assert events.highlighted != pick or len(order) == 1


@sync
async def test_find_in_the_article_with_n_and_N(config, engine, messages):
    app = new_app(config, engine)
    async with run(app, messages, size=(100, 30)) as pilot:
        await open_first(pilot)
        reader = app.query_one(Reader)
        reader.focus()
        word = reader.article.paragraphs[-1].split()[0]
        expected = reader.article.body.casefold().count(word.casefold())
        await pilot.press("slash", *word, "enter")
        assert app.focused is reader
        assert len(reader.matches) == expected and reader.match_index == 0
        assert f"match 1/{expected}" in app.status_message
        await pilot.press("n")
        assert reader.match_index == (1 % expected)
        await pilot.press("N")
        assert reader.match_index == 0
        await pilot.press("ctrl+f", "escape")
        assert app.focused is reader
        await pilot.press("ctrl+f", *"없는말없는말", "enter")
        assert reader.matches == [] and "no match" in app.status_message


@sync
async def test_z_fills_the_screen_with_the_reader(config, engine, messages):
    app = new_app(config, engine)
    async with run(app, messages, size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("z")
        await pilot.pause()
        assert not app.query_one(ArticleList).display or app.query_one(ArticleList).region.height == 0
        assert app.query_one(Reader).region.width > 100
        await pilot.press("z")
        await pilot.pause()
        assert app.query_one(ArticleList).region.height > 0


@sync
async def test_o_opens_the_source_y_copies_and_pipe_runs_the_pager(config, engine, messages,
                                                                   monkeypatch):
    import contextlib
    import subprocess
    import webbrowser

    opened, ran = [], []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: ran.append((cmd, kw["input"])))
    monkeypatch.setenv("PAGER", "most -s")
    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await open_first(pilot)
        app.query_one(Reader).focus()
        article = app.query_one(Reader).article
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        monkeypatch.setattr(app, "copy_to_clipboard", lambda text: opened.append(("clip", text)))
        await pilot.press("o")
        await settle(pilot)
        assert opened and (opened[0] == article.url or opened[0].startswith("file://"))
        await pilot.press("y")
        assert ("clip", article.id) in opened and article.id in app.status_message
        await pilot.press("vertical_line")
        assert ran and ran[0][0] == ["most", "-s"] and article.title in ran[0][1]


@sync
async def test_keys_right_after_enter_go_to_the_list_not_the_query(config, engine, messages):
    from textual import events

    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await settle(pilot)
        for key, char in (("enter", "\r"), ("j", "j"), ("j", "j")):  # one burst from the terminal
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert app.query_text == ""
        assert isinstance(app.focused, ArticleList) and app.focused.highlighted == 2


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
@sync
async def test_layouts_keep_titles_readable_and_side_panes_collapse(config, engine, messages, size):
    from rich.cells import cell_len

    app = new_app(config, engine)
    async with run(app, messages, size=size) as pilot:
        await settle(pilot)
        results = app.query_one(ArticleList)
        right = app.query_one("#right")
        titles = {h.id: h.title for h in app.result.hits}
        for article_id, row in zip(results.article_ids, results.row_texts()):
            shown = row.rstrip().removesuffix("…")
            title = titles[article_id]
            kept = max(n for n in range(len(title) + 1) if title[:n] in shown)
            assert cell_len(title[:kept]) >= min(cell_len(title), 30), (size, row)
        if size[0] < 100:
            assert not right.display or right.region.width == 0
            await pilot.press("enter", "b")
            await pilot.pause()
            assert right.region.width > 0
            await pilot.press("b")
            await pilot.pause()
            assert right.region.width == 0
        else:
            assert right.region.width > 0


def test_columns_drop_publisher_first_then_the_date() -> None:
    from datetime import date

    from briefing.search.engine import Hit
    from briefing.tui.widgets.article_list import TITLE_MIN, choose_columns

    hits = [Hit("a", "제목", "매일경제", date(2025, 4, 2), 0.9), Hit("b", "제목", None, None, 0.0)]
    wide, mid, narrow = choose_columns(100, hits), choose_columns(TITLE_MIN + 16, hits), choose_columns(40, hits)
    assert wide.publisher and wide.date
    assert not mid.publisher and mid.date
    assert not narrow.publisher and not narrow.date
    nobody = [Hit("a", "제목", None, date(2025, 4, 2), 0.9)]
    assert choose_columns(100, nobody).publisher == 0  # a column of "—" is no use


@sync
async def test_star_marks_every_result_and_again_unmarks(config, engine, messages):
    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await search(pilot, QUERY)
        await pilot.press("enter", "asterisk")
        assert app.marks.ids == [h.id for h in app.result.hits] and app.marked_count > 1
        assert "marked" in app.status_message and "results" in app.status_message
        await pilot.press("asterisk")
        assert app.marks.ids == []


@sync
async def test_export_dialog_edits_title_and_file_and_shows_the_real_name(config, engine, messages,
                                                                        monkeypatch):
    from textual.widgets import Checkbox, Input, Static

    from briefing.search.brief.render import target_path
    from briefing.tui.screens.export import ExportDialog

    edited = []
    monkeypatch.setattr(BriefingApp, "run_external",
                        lambda self, var, default, path=None, text=None: edited.append((var, path)))
    app = new_app(config, engine)
    async with run(app, messages, size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "space", "e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        taken = dialog.plan.path
        taken.parent.mkdir(parents=True, exist_ok=True)
        taken.write_text("old", encoding="utf-8")
        dialog.query_one("#export-brief-title", Input).value = "반도체 주간 브리프"
        await pilot.pause()
        target = str(dialog.query_one("#export-target", Static).render())
        assert str(target_path(dialog.current_plan())) in target and "-2" in target  # the real name
        dialog.query_one("#export-file", Input).value = taken.name  # a name of my own that exists
        await pilot.pause()
        assert "exists" in str(dialog.query_one("#export-target", Static).render())
        dialog.query_one("#export-file", Input).value = "weekly"
        dialog.query_one(Checkbox).value = True
        await pilot.pause()
        assert "weekly.md" in str(dialog.query_one("#export-target", Static).render())
        dialog.action_write()
        await settle(pilot)
        written = taken.parent / "weekly.md"
        assert written.exists() and "반도체 주간 브리프" in written.read_text(encoding="utf-8")
        assert taken.read_text(encoding="utf-8") == "old"
        assert edited == [("EDITOR", written)]
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("escape")
        assert "cancelled" in app.status_message


def test_keymap_problems_name_the_binding_ids() -> None:
    from briefing.search.config import load_config
    from briefing.tui.bindings import keymap_problems

    shipped = load_config(use_user_file=False).keys
    assert keymap_problems(shipped) == []  # the shipped table has no unintended clash
    problems = keymap_problems({**shipped, "mark": "j", "quit": "ctrl+banana", "nope": "x"})
    assert "quit: unknown key name 'ctrl+banana'" in problems
    assert "cursor_down and mark are both on 'j'" in problems
    assert "unknown binding id 'nope'" in problems
    assert keymap_problems({**shipped, "toggle_sort": "o"}) == ["open_url and toggle_sort are both on 'o'"]


@sync
async def test_bad_remaps_are_reported_at_start(config, engine, messages):
    config.keys = {**config.keys, "mark": "j", "quit": "ctrl+banana"}
    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await settle(pilot)
        notes = " ".join(str(n.message) for n in app._notifications)
        assert "ctrl+banana" in notes and "quit" in notes and "cursor_down and mark" in notes


@sync
async def test_S_saves_a_search_and_the_watchlist_counts_new_articles(config, engine, messages):
    from briefing.tui.saved_searches import SAVED_FILE, SavedSearch, load_saved, store_saved
    from briefing.tui.widgets.watchlist import WatchList

    hits = [h.id for h in engine.search(QUERY).hits]
    # saved earlier, when only the first result existed: the others are new
    store_saved(engine.data_dir / SAVED_FILE, [SavedSearch("softbank", QUERY, hits[:1])])
    app = new_app(config, engine)
    async with run(app, messages) as pilot:
        await settle(pilot)
        watch = app.query_one(WatchList)
        label = str(watch.get_option_at_index(0).prompt)
        assert f"{len(hits) - 1} new/{len(hits)}" in label
        await pilot.press("enter", "w", "enter")
        await settle(pilot)
        assert app.query_text == QUERY and app.result.query == QUERY
        assert f"{len(hits) - 1} new" not in str(watch.get_option_at_index(0).prompt)
        assert set(load_saved(engine.data_dir / SAVED_FILE)[0].seen) >= set(hits)
        app.query_one(SearchBar).value = "삼성전자"
        await settle(pilot)
        await pilot.press("enter", "S")
        await pilot.pause()
        await pilot.press("ctrl+u", *"samsung", "enter")
        await settle(pilot)
        saved = load_saved(engine.data_dir / SAVED_FILE)
        assert [s.name for s in saved] == ["softbank", "samsung"] and saved[1].query == "삼성전자"
        assert watch.option_count == 2


def test_briefing_saved_add_list_remove(tmp_path) -> None:
    from tests.conftest import run_cli
    from tests.app_helpers import copy_data_dir, seed_index

    data = copy_data_dir(seed_index(), tmp_path / "data")
    added = run_cli("saved", "add", "softbank", QUERY, "--data-dir", str(data))
    assert added.returncode == 0, added.stderr
    listed = run_cli("saved", "list", "--json", data_dir=data)
    rows = json.loads(listed.stdout)
    assert rows[0]["name"] == "softbank" and rows[0]["new"] == 0 and rows[0]["results"] > 0
    bad = run_cli("saved", "add", "broken", '"unclosed', data_dir=data)
    assert bad.returncode != 0 and "quote" in bad.stderr
    assert run_cli("saved", "remove", "softbank", data_dir=data).returncode == 0
    assert json.loads(run_cli("saved", "list", "--json", data_dir=data).stdout) == []
    assert run_cli("saved", "remove", "softbank", data_dir=data).returncode == 2
