"""The app's `r`: the followed feeds are fetched in a worker with progress, and the new
articles appear in the result list without a restart."""

from __future__ import annotations

import pytest

from briefing.search.feeds.fetch import follow
from briefing.tui.app import BriefingApp
from briefing.tui.feeds_refresh import FeedsFetched, FeedsProgress
from tests.app_helpers import open_engine, seed_config, settle, sync
from briefing.tui.widgets.article_list import ArticleList

pytestmark = pytest.mark.slow


def followed_app(site, quick, data_dir, *feeds: str, on_start: bool = False, fetched: bool = False):
    """An app (and its engine) on a data dir that follows ``feeds`` of the fixture site."""
    from briefing.search.feeds.fetch import fetch_feeds

    for path in feeds:
        follow(data_dir, site.base + path, settings=quick)
    if fetched:
        fetch_feeds(data_dir, quick)
    config = seed_config()
    config.fetch = {"delay_s": 0, "timeout_s": 0.5, "retries": 0, "on_start": on_start}
    engine = open_engine(data_dir, config)
    return BriefingApp(config, engine, freeze_timings=True, search_delay=0.0), engine


@sync
async def test_r_fetches_indexes_and_shows_new_articles(site, quick, tmp_path):
    app, engine = followed_app(site, quick, tmp_path / "data", "/b/atom.xml")
    messages: list = []
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(pilot, rounds=200)
        before = list(app.query_one(ArticleList).article_ids)
        assert not site.hits("/b/atom.xml")[1:]  # nothing fetched at start-up (fetch.on_start: false)
        await pilot.press("enter")  # out of the search bar, where the app starts
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot, rounds=400)
        shown = app.query_one(ArticleList).article_ids
        titles = {engine.article(i).title for i in shown}
        assert "포스코, 광양에 리튬 정제공장 2단계 착공" in titles and shown != before
        assert any(isinstance(m, FeedsProgress) for m in messages)
        (done,) = [m for m in messages if isinstance(m, FeedsFetched)]
        assert done.summary == "feeds: 3 new (동해일보 3)" and app.status_message.startswith("feeds: 3 new")
        assert app.corpus_size == 3
    engine.close()


@sync
async def test_fetch_on_start(site, quick, tmp_path):
    app, engine = followed_app(site, quick, tmp_path / "data", "/b/atom.xml", on_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, rounds=400)
        assert len(site.hits("/b/atom.xml")) == 2  # follow's check, then the start-up fetch
        assert app.corpus_size == 3
    engine.close()


@sync
async def test_wire_copies_shown_once_and_c_expands_them(site, quick, tmp_path):
    app, engine = followed_app(site, quick, tmp_path / "data", "/a/rss.xml", "/b/atom.xml", fetched=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, rounds=200)
        results = app.query_one(ArticleList)
        rows = results.row_texts()
        assert len(rows) == 7 and app.corpus_size == 8
        (wire,) = [r for r in rows if "copies" in r]
        assert "2 copies: " in wire and "한빛경제" in wire and "동해일보" in wire
        await pilot.press("enter")  # out of the search bar, where the app starts
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert len(results.row_texts()) == 8
        assert sum("2 copies" in r for r in results.row_texts()) == 2
        await pilot.press("c")
        await settle(pilot)
        assert len(results.row_texts()) == 7
    engine.close()


@sync
async def test_feeds_screen_shows_the_fetch_log_and_r_refreshes(site, quick, tmp_path):
    from textual.widgets import DataTable

    from briefing.tui.screens.feeds import FeedsScreen

    app, engine = followed_app(site, quick, tmp_path / "data", "/a/rss.xml", "/b/atom.xml", fetched=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, rounds=200)
        await pilot.press("enter")  # out of the search bar, where the app starts
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FeedsScreen)
        table = screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["한빛경제 산업", "동해일보"]
        assert rows[0][1] == "5" and rows[0][3:] == ["ok", "5", "5"] and rows[1][3:] == ["ok", "3", ""]
        errors = str(screen.query_one("#feeds-errors").render())
        assert "/a/news/missing: HTTP 404" in errors
        await pilot.press("r")
        await settle(pilot, rounds=200)
        assert not isinstance(app.screen, FeedsScreen)
        assert app.status_message.startswith("feeds: 0 new")
        assert site.hits("/a/rss.xml")[-1].headers.get("If-None-Match")
    engine.close()
