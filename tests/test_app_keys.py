"""Pilot tests for every key of the app, on the real engine over the bundled seeds."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from briefing.tui.app import BriefingApp
from briefing.tui.bindings import KEY_SPECS
from briefing.tui.messages import ArticleLoaded, RelatedLoaded, SearchDone, SearchFailed
from briefing.tui.screens.export import ExportDialog
from briefing.tui.screens.help import HelpScreen, help_rows
from tests.app_helpers import copy_data_dir, open_engine, seed_config, seed_index, settle, sync
from briefing.tui.widgets.article_list import MARK_FLAG, ArticleList
from briefing.tui.widgets.entity_sidebar import EntitySidebar
from briefing.tui.widgets.reader import Reader
from briefing.tui.widgets.search_bar import SearchBar
from briefing.tui.widgets.timeline import EventList

pytestmark = pytest.mark.slow

QUERY = "소프트뱅크"


@pytest.fixture
def config(tmp_path):
    return seed_config(export_folder=tmp_path / "briefs")


@pytest.fixture
def engine(tmp_path, config):
    engine = open_engine(copy_data_dir(seed_index(), tmp_path / "data"), config)
    yield engine
    engine.close()


@pytest.fixture
def messages():
    return []


@pytest.fixture
def make_app(config, engine):
    def make(**kwargs) -> BriefingApp:
        kwargs.setdefault("search_delay", 0.0)
        return BriefingApp(config, engine, freeze_timings=True, **kwargs)

    return make


def run(app: BriefingApp, messages: list, size=(120, 40)):
    return app.run_test(size=size, message_hook=messages.append)


async def search(pilot, text: str) -> None:
    if not isinstance(pilot.app.focused, SearchBar):
        await pilot.press("slash")
    for char in text:
        await pilot.press(char)
    await settle(pilot)


async def open_result(pilot, article_id: str) -> None:
    results = pilot.app.query_one(ArticleList)
    results.focus()
    results.highlighted = results.article_ids.index(article_id)
    await pilot.press("enter")
    await settle(pilot)


def of_type(messages: list, kind: type) -> list:
    return [m for m in messages if isinstance(m, kind)]


@sync
async def test_opens_on_the_index_and_lists_every_article(make_app, engine, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        assert app.ready and app.corpus_size == engine.corpus_size == 5
        assert app.query_one(ArticleList).article_ids == [h.id for h in engine.search("").hits]
        assert isinstance(app.focused, SearchBar)  # typing at once searches, never runs commands
        assert of_type(messages, SearchDone)


@sync
async def test_slash_focuses_search_and_typing_searches(make_app, engine, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # to the list, then "/" comes back to the search bar
        assert isinstance(app.focused, ArticleList)
        await pilot.press("slash")
        assert isinstance(app.focused, SearchBar)
        for char in QUERY:
            await pilot.press(char)
        await settle(pilot)
        shown = app.query_one(ArticleList).article_ids
        assert shown == [h.id for h in engine.search(QUERY).hits]
        assert 0 < len(shown) < engine.corpus_size
        for article_id in shown:
            assert any(m.name == QUERY for m in engine.mentions(article_id))
        assert app.result_count == len(shown)
        assert of_type(messages, SearchDone)[-1].result.query == QUERY
        names = app.query_one(EntitySidebar).names
        assert QUERY in names and "손정의" in names


@sync
async def test_enter_moves_to_the_list_and_escape_goes_back(make_app, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await search(pilot, QUERY)
        await pilot.press("enter")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("escape")
        assert isinstance(app.focused, SearchBar)


@sync
async def test_j_k_and_arrows_move_the_cursor(make_app, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        results = app.query_one(ArticleList)
        await pilot.press("enter")
        assert results.highlighted == 0
        await pilot.press("j")
        assert results.highlighted == 1
        await pilot.press("down")
        assert results.highlighted == 2
        await pilot.press("k")
        await pilot.press("up")
        assert results.highlighted == 0


@sync
async def test_enter_opens_the_article_with_highlights(make_app, engine, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await search(pilot, QUERY)
        await pilot.press("enter", "j", "enter")
        await settle(pilot)
        expected = app.query_one(ArticleList).article_ids[1]
        assert app.current_id == expected
        loaded = of_type(messages, ArticleLoaded)[-1].view
        assert loaded.article.id == expected and loaded.spans
        body = loaded.article.body
        assert all(QUERY in body[s:e] or body[s:e] in QUERY for s, e in loaded.spans)
        assert app.query_one(EntitySidebar).border_title == "Entities · this article"


@sync
async def test_related_jumps_name_the_shared_companies_and_backspace_returns(
    make_app, engine, messages
):
    app = make_app()
    async with run(app, messages) as pilot:
        await search(pilot, QUERY)
        start = app.query_one(ArticleList).article_ids[-1]
        await open_result(pilot, start)
        related = engine.related(start)
        assert related
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert of_type(messages, RelatedLoaded)[-1].anchor_id == start
        assert app.current_id == related[0].id
        assert all(name in app.status_message for name in related[0].shared)
        if len(related) > 1:
            await pilot.press("right_square_bracket")
            await settle(pilot)
            assert app.current_id == related[1].id
            await pilot.press("left_square_bracket")
            await settle(pilot)
            assert app.current_id == related[0].id
        else:
            await pilot.press("left_square_bracket")
            await settle(pilot)
            assert "no more related" in app.status_message
        while len(app.history):
            await pilot.press("backspace")
            await settle(pilot)
        assert app.current_id == start
        await pilot.press("backspace")
        assert "no earlier article" in app.status_message


@sync
async def test_sidebar_n_p_jump_by_date_and_f_filters(make_app, engine, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        start = app.query_one(ArticleList).article_ids[0]
        await open_result(pilot, start)
        sidebar = app.query_one(EntitySidebar)
        sidebar.focus()
        entity_type, name = sidebar.highlighted_entity
        expected_next = engine.adjacent(name, start, step=1)
        await pilot.press("n")
        await settle(pilot)
        assert app.current_id == (expected_next or start)
        here = app.current_id
        assert app.query_one(EntitySidebar).highlighted_entity == (entity_type, name)
        expected_prev = engine.adjacent(name, here, step=-1)
        await pilot.press("p")
        await settle(pilot)
        assert app.current_id == (expected_prev or here)
        app.query_one(EntitySidebar).focus()
        await pilot.press("f")
        await settle(pilot)
        assert app.query_text.endswith(f"{entity_type}:{name}")
        expected = [h.id for h in engine.search(app.query_text).hits]
        assert app.query_one(ArticleList).article_ids == expected
        assert all(any(m.name == name for m in engine.mentions(i)) for i in expected)


@sync
async def test_t_toggles_the_timeline_and_enter_opens_an_event(make_app, engine, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        events = app.query_one(EventList)
        assert app.timeline_scope == "results"
        assert len(events.events) == len(engine.events(app.query_one(ArticleList).article_ids))
        await open_result(pilot, app.query_one(ArticleList).article_ids[0])
        await pilot.press("t")
        assert app.timeline_scope == "article"
        assert {e.article_id for e in events.events} <= {app.current_id}
        await pilot.press("t")
        assert app.timeline_scope == "results"
        assert events.events, "the seeds have dated events"
        events.focus()
        target = events.highlighted_event.article_id
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_id == target


@sync
async def test_space_marks_and_e_exports_the_brief(make_app, config, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        results = app.query_one(ArticleList)
        first = results.article_ids[0]
        await pilot.press("enter", "space")
        assert app.marks.ids == [first] and app.marked_count == 1
        assert results.row_texts()[0].startswith(MARK_FLAG)
        assert results.highlighted == 1  # marking moves down
        await pilot.press("k", "space")
        assert app.marks.ids == []
        await pilot.press("k", "space", "space")
        assert app.marks.ids == results.article_ids[:2]
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        assert set(app.screen.plan.article_ids) == set(app.marks.ids)
        await pilot.press("enter")
        await settle(pilot)
        written = list(config.export_folder.rglob("*"))
        assert [p for p in written if p.is_file()], "the brief file was written"
        assert "brief written" in app.status_message


@sync
async def test_s_toggles_sort(make_app, engine, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("enter", "s")
        await settle(pilot)
        assert app.sort == "date"
        last = of_type(messages, SearchDone)[-1].result
        assert last.sort == "date"
        assert app.query_one(ArticleList).article_ids == [h.id for h in engine.search("", sort="date").hits]
        await pilot.press("s")
        await settle(pilot)
        assert of_type(messages, SearchDone)[-1].result.sort == "relevance"


@sync
async def test_tab_cycles_panes(make_app, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(6):
            await pilot.press("tab")
            seen.append(type(app.focused))
        assert {Reader, EntitySidebar, EventList, SearchBar, ArticleList} <= set(seen)
        before = app.focused
        await pilot.press("tab", "shift+tab")
        assert app.focused is before


@sync
async def test_question_mark_shows_every_key(make_app, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("f1")  # works in the search bar, where "?" is a character
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert {row[1] for row in help_rows(app.keymap)} >= {s.id for s in KEY_SPECS}
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@sync
async def test_ctrl_p_palette_offers_and_runs_actions(make_app, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        for char in "Sort results":
            await pilot.press(char if char != " " else "space")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.sort == "date"


@sync
async def test_q_quits_with_status_zero(make_app, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("enter", "q")
    assert app.return_code == 0


@sync
async def test_q_in_the_search_bar_is_typed_not_quit(make_app, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("q", "u", "a", "l")
        await settle(pilot)
        assert app.is_running and app.query_one(SearchBar).value == "qual"
        assert of_type(messages, SearchDone)[-1].result.query == "qual"


@sync
async def test_keys_typed_before_the_index_opens_become_the_query(config, engine, messages):
    import threading

    gate = threading.Event()

    def factory():
        gate.wait(5)
        return engine

    app = BriefingApp(config, engine_factory=factory, freeze_timings=True, search_delay=0.0)
    async with run(app, messages) as pilot:
        await pilot.press("q", "s", "t", "e", "slash")  # quit, sort, timeline, export, search keys
        assert not app.ready and app.is_running
        gate.set()
        await settle(pilot)
        assert app.query_one(SearchBar).value == "qste/"
        assert app.sort == "relevance" and app.timeline_scope == "results"
        assert of_type(messages, SearchDone)[-1].result.query == "qste/"


@sync
async def test_keys_can_be_remapped_in_config(config, engine, messages):
    config.keys = {**config.keys, "quit": "x", "toggle_sort": "g"}
    app = BriefingApp(config, engine, freeze_timings=True, search_delay=0.0)
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("enter", "g")
        assert app.sort == "date"
        await pilot.press("q")
        assert app.is_running
        await pilot.press("x")
    assert app.return_code == 0


@sync
async def test_a_malformed_query_keeps_old_results(make_app, messages):
    app = make_app()
    async with run(app, messages) as pilot:
        await search(pilot, QUERY)
        before = app.query_one(ArticleList).article_ids
        for char in ' "':
            await pilot.press(char if char != " " else "space")
        await settle(pilot)
        failed = of_type(messages, SearchFailed)
        error = app.query_one("#query-error")
        assert failed and error.display and failed[-1].error in str(error.render())
        assert app.query_one(ArticleList).article_ids == before
        await pilot.press("backspace")
        await settle(pilot)
        assert not app.query_one("#query-error").display


class SlowFirstSearch:
    """Delegates to the engine; the first query with text is slow, to arrive after a newer one."""

    def __init__(self, engine) -> None:
        self._engine, self._slowed = engine, False

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def search(self, query, **kwargs):
        import time

        if query.strip() and not self._slowed:
            self._slowed = True
            time.sleep(0.6)
        return self._engine.search(query, **kwargs)


@sync
async def test_a_stale_search_never_overwrites_a_newer_one(config, engine, messages):
    app = BriefingApp(config, SlowFirstSearch(engine), freeze_timings=True, search_delay=0.0)
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("소")  # slow search for "소" starts
        await pilot.pause(0.05)
        app.query_one(SearchBar).value = QUERY  # a newer search overtakes it
        await settle(pilot)
        await pilot.pause(0.8)
        await settle(pilot)
        assert app.result.query == QUERY
        assert app.query_one(ArticleList).article_ids == [h.id for h in engine.search(QUERY).hits]
        done = of_type(messages, SearchDone)
        assert all(m.result.query != "소" or m.seq < app.sequencer.shown for m in done)


@sync
async def test_first_run_builds_the_index_with_progress(config, tmp_path, messages):
    data_dir = tmp_path / "fresh"
    app = BriefingApp(config, engine_factory=lambda: open_engine(data_dir, config),
                      freeze_timings=True, search_delay=0.0)
    async with run(app, messages) as pilot:
        await settle(pilot, rounds=200)
        assert app.ready and app.corpus_size == app.engine.corpus_size > 0
        assert app.timings["first_paint"] < app.timings["searchable"]  # painted before indexing
        from briefing.tui.messages import IndexProgress

        assert of_type(messages, IndexProgress)
        assert len(app.query_one(ArticleList).article_ids) == app.corpus_size
    app.engine.close()


@sync
async def test_the_palette_has_a_command_for_every_action_and_each_runs(make_app, messages,
                                                                     monkeypatch):
    import webbrowser

    from briefing.tui.commands_palette import PALETTE_COMMANDS

    monkeypatch.setattr(webbrowser, "open", lambda url: True)
    monkeypatch.setenv("PAGER", "true")

    assert [c.spec.id for c in PALETTE_COMMANDS] == [s.id for s in KEY_SPECS]
    assert len({c.__name__ for c in PALETTE_COMMANDS}) == len(KEY_SPECS)
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")  # open the first article so every action has a target
        await settle(pilot)
        for command in PALETTE_COMMANDS:
            if command.spec.id == "quit":
                continue
            await command.run(app)
            await settle(pilot)
            while len(app.screen_stack) > 1:  # help / export dialog
                app.pop_screen()
                await pilot.pause()
        errors = [n for n in app._notifications if n.severity == "error"]
        assert not errors, [n.message for n in errors]
        await PALETTE_COMMANDS[-1].run(app)
        await pilot.pause()
        if app.is_running:  # asked whether to drop the marks
            await pilot.press("y")
    assert app.return_code == 0


class Wrapped:
    """Delegates to the real engine except for the methods given as overrides."""

    def __init__(self, engine, **overrides) -> None:
        self._engine, self._overrides = engine, overrides

    def __getattr__(self, name):
        return self._overrides.get(name) or getattr(self._engine, name)


@sync
async def test_worker_errors_are_notified_and_the_app_keeps_running(config, engine, messages):
    from briefing.search.errors import BriefingError

    calls = []

    def boom(ids):  # the first search fails, later ones work
        calls.append(ids)
        if len(calls) == 1:
            raise RuntimeError("facets exploded")
        return engine.facets(ids)

    def cannot_write(plan):
        raise BriefingError(f"cannot write {plan.path}: read-only folder")

    broken = Wrapped(engine, facets=boom, write_brief=cannot_write)
    app = BriefingApp(config, broken, freeze_timings=True, search_delay=0.0)
    async with run(app, messages) as pilot:
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("facets exploded" in n for n in notes)
        assert app.is_running
        await pilot.press("enter", "s")  # search again (sorted by date): this one succeeds
        await settle(pilot)
        assert app.query_one(ArticleList).article_ids
        await pilot.press("space", "e")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert any("read-only folder" in n.message for n in errors)
        assert not list(config.export_folder.rglob("*.md"))


@sync
async def test_a_key_clash_in_config_is_reported_once(config, engine, messages):
    config.keys = {**config.keys, "quit": "s"}  # s is also toggle_sort
    app = BriefingApp(config, engine, freeze_timings=True, search_delay=0.0)
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press("enter", "j", "k", "j")
        warnings = [n.message for n in app._notifications if "key clash" in n.message]
        assert len(warnings) == 1 and "toggle_sort (s)" in warnings[0]
