"""Key tests of tests/test_app_keys.py run again over the in-memory engine (tests/fake_engine.py):
the same test functions, another back end (Harlequin runs its tests over every adapter the same
way): the app needs no more of an engine than tui/engine_protocol.py lists. They need no index and
no analyser, but they are not much faster: Textual's run_test and the settle pauses dominate."""

from __future__ import annotations

import pytest

from tests.fake_engine import FakeEngine
from tests.test_app_keys import (  # noqa: F401  (fixtures and the tests run here over the fake)
    config,
    make_app,
    messages,
    test_enter_moves_to_the_list_and_escape_goes_back,
    test_j_k_and_arrows_move_the_cursor,
    test_opens_on_the_index_and_lists_every_article,
    test_q_in_the_search_bar_is_typed_not_quit,
    test_q_quits_with_status_zero,
    test_s_toggles_sort,
)


@pytest.fixture
def engine(tmp_path):
    return FakeEngine(tmp_path / "data")
