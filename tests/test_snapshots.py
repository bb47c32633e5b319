"""Snapshot tests of the app's main views at 120x40, 80x24 and 60x20, on the real engine over the seeds.

Update after a deliberate visual change with ``pytest tests/test_snapshots.py --snapshot-update``
and review the report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from briefing.tui.app import BriefingApp
from tests.app_helpers import copy_data_dir, open_engine, seed_config, seed_index, settle
from briefing.tui.widgets.entity_sidebar import EntitySidebar

pytestmark = pytest.mark.slow

SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24"),
         pytest.param((60, 20), id="60x20")]
QUERY = "소프트뱅크"


class _FixedDate(date):
    @classmethod
    def today(cls) -> "_FixedDate":
        return cls(2025, 6, 1)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the export folder is relative: the dialog shows the same path
    monkeypatch.setattr("briefing.search.brief.plan.date", _FixedDate)  # the file name carries today's date
    config = seed_config(export_folder=Path("briefs"))
    engine = open_engine(copy_data_dir(seed_index(), tmp_path / "data"), config)
    yield BriefingApp(config, engine, freeze_timings=True, search_delay=0.0, preload_analyser=False)
    engine.close()


async def _search(pilot) -> None:
    await settle(pilot)
    await pilot.press(*QUERY)
    await settle(pilot)


async def first_screen(pilot) -> None:
    await settle(pilot)


async def a_search(pilot) -> None:
    await _search(pilot)
    await pilot.press("enter", "enter")  # to the list, open the first result
    await settle(pilot)


def _show_side_panes(pilot) -> None:
    """Below 100 columns the sidebar and timeline are hidden until b."""
    if pilot.app.screen.has_class("-narrow"):
        pilot.app.action_side_panes()


async def entity_filter(pilot) -> None:
    await _search(pilot)
    _show_side_panes(pilot)
    sidebar = pilot.app.query_one(EntitySidebar)
    sidebar.focus()
    await pilot.press("j", "f")
    await settle(pilot)


async def timeline(pilot) -> None:
    await _search(pilot)
    _show_side_panes(pilot)
    await pilot.press("enter", "j", "enter")
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)


async def help_screen(pilot) -> None:
    await settle(pilot)
    await pilot.press("f1")  # "?" would be typed into the search bar, where the app starts
    await settle(pilot)


async def export_dialog(pilot) -> None:
    await _search(pilot)
    await pilot.press("enter", "space", "space", "e")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "scene", [first_screen, a_search, entity_filter, timeline, help_screen, export_dialog],
    ids=lambda f: f.__name__,
)
def test_snapshot(snap_compare, app, scene, size) -> None:
    assert snap_compare(app, terminal_size=size, run_before=scene)
