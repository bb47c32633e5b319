"""Counts in pane titles read as English: "1 result", "1 article" (not "1 results")."""

from __future__ import annotations

import pytest

from briefing.tui.app import BriefingApp
from tests.app_helpers import copy_data_dir, open_engine, seed_config, seed_index, settle, sync
from briefing.tui.widgets.timeline import TimelinePane

pytestmark = pytest.mark.slow


@sync
async def test_one_result_is_singular_in_the_timeline(tmp_path):
    config = seed_config()
    engine = open_engine(copy_data_dir(seed_index(), tmp_path / "data"), config)
    app = BriefingApp(config, engine, freeze_timings=True, search_delay=0.0)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press(*"키옥시아")
            await settle(pilot, rounds=60)
            assert app.result_count == 1
            pane = app.query_one(TimelinePane)
            assert str(pane.border_title) == "Timeline · 1 result"
            assert str(pane.query_one("#month-range").render()).endswith("· 1 article")
    finally:
        engine.close()
