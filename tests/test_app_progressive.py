"""While the user types, the result list comes first and the side panes wait for a pause."""

from __future__ import annotations

import pytest

import briefing.tui.search_flow as app_module
from briefing.tui.messages import FacetsLoaded, RowsCompleted, SearchDone, TimelineLoaded
from briefing.tui.widgets.article_list import ArticleList
from tests.test_app_keys import config, engine, make_app, messages, run  # noqa: F401  (fixtures)
from tests.app_helpers import settle, sync

pytestmark = pytest.mark.slow


@sync
async def test_first_rows_then_the_rest_with_the_side_panes(make_app, messages, monkeypatch):
    monkeypatch.setattr(app_module, "FIRST_ROWS", 2)
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        messages.clear()
        app.query_one("#search").value = "삼성전자"
        await settle(pilot)
        kinds = [type(m) for m in messages if isinstance(m, (SearchDone, RowsCompleted, FacetsLoaded, TimelineLoaded))]
        assert kinds[:4] == [SearchDone, RowsCompleted, FacetsLoaded, TimelineLoaded]
        assert app.result.total > 2
        assert len(app.query_one(ArticleList).article_ids) == len(app.result.hits)


@sync
async def test_side_panes_of_a_superseded_search_are_never_loaded(make_app, messages, monkeypatch):
    monkeypatch.setattr(app_module, "SIDE_PANES_DELAY_S", 0.5)
    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        messages.clear()
        for text in ("소", "소프트뱅크"):
            app.query_one("#search").value = text
            await pilot.pause(0.15)  # less than the pause the side panes wait for
        await settle(pilot)
        done = [m.result.query for m in messages if isinstance(m, SearchDone)]
        loaded = {m.seq for m in messages if isinstance(m, FacetsLoaded)}
        assert done == ["소", "소프트뱅크"]
        assert len(loaded) == 1 and loaded == {app.sequencer.shown}
        assert app.result.query == "소프트뱅크"


@sync
async def test_long_lived_objects_are_frozen_once_the_analyser_is_loaded(make_app, messages):
    import gc

    gc.unfreeze()
    app = make_app(preload_analyser=True)
    try:
        async with run(app, messages) as pilot:
            await settle(pilot)
            for _ in range(200):
                if "analyser" in app.timings:
                    break
                await pilot.pause(0.05)
            assert "analyser" in app.timings
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@sync
async def test_two_enters_in_one_burst_open_the_first_result(make_app, messages):
    from textual import events

    from briefing.tui.messages import ArticleLoaded
    from briefing.tui.widgets.search_bar import SearchBar

    app = make_app()
    async with run(app, messages) as pilot:
        await settle(pilot)
        await pilot.press(*"소프트뱅크")
        await settle(pilot)
        bar = app.query_one(SearchBar)
        for _ in range(2):  # as a terminal delivers them: both queued before either is handled
            app.post_message(events.Key("enter", "\r"))
        await settle(pilot)
        assert isinstance(app.focused, ArticleList)
        loaded = [m for m in messages if isinstance(m, ArticleLoaded)]
        assert loaded and loaded[-1].view.article.id == app.result.hits[0].id
        assert not bar._leaving


@sync
async def test_a_probe_passed_in_sees_the_milestones_and_each_result_list(make_app, messages):
    """The bench watches the app through this hook only (bench/bench_app.py's RenderLog)."""
    from briefing.tui.probe import AppProbe

    class Renders(AppProbe):
        def __init__(self) -> None:
            super().__init__()
            self.renders: list[tuple[int, float, float]] = []

        def list_rendered(self, seq: int, dispatched: float, rendered: float) -> None:
            self.renders.append((seq, dispatched, rendered))

    probe = Renders()
    app = make_app(probe=probe)
    async with run(app, messages) as pilot:
        await settle(pilot)
        before = len(probe.renders)
        app.query_one("#search").value = "삼성전자"
        await settle(pilot)
        assert len(probe.renders) > before
        seq, dispatched, rendered = probe.renders[-1]
        assert seq == app.sequencer.shown and dispatched <= rendered
        assert {"created", "first_paint", "index_open", "searchable"} <= set(probe.timings)
        assert app.timings is probe.timings
