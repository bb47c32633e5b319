"""Two briefings on one data dir: an app that starts while another process updates the index
waits for it (saying so) instead of failing with "the index could not be opened"."""

from __future__ import annotations

import fcntl

import pytest

from briefing.tui.app import BriefingApp
from tests.app_helpers import open_engine, seed_config, settle, sync
from briefing.tui.widgets.article_list import ArticleList

pytestmark = pytest.mark.slow


@sync
async def test_app_on_a_fresh_data_dir_waits_for_another_update(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    lock = open(data / "update.lock", "a+")  # noqa: SIM115 - another process's update, held below
    fcntl.flock(lock, fcntl.LOCK_EX)
    config = seed_config()
    engine = open_engine(data, config)
    app = BriefingApp(config, engine, freeze_timings=True, search_delay=0.0)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            try:
                for _ in range(200):  # not settle(): it waits for the worker, which waits for the lock
                    await pilot.pause(0.05)
                    if "waiting" in app.status_message:
                        break
                waiting, listed = app.status_message, list(app.query_one(ArticleList).article_ids)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)  # the other update ends (never left held: the app would wait)
                lock.close()
            assert "waiting for another briefing" in waiting and not listed, waiting
            await settle(pilot, rounds=400)
            assert app.corpus_size == 5
            assert len(app.query_one(ArticleList).article_ids) == 5
            assert "could not be opened" not in app.status_message
    finally:
        engine.close()
