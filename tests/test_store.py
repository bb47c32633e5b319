"""The article store's updates: written while an update runs, visible only once committed, and
gone without a trace when the update fails."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from briefing.search.ingest.sources import ingest_file
from briefing.search.store import SourceState, Store


@pytest.fixture()
def articles(seeds_dir):
    found = [a for p in sorted(seeds_dir.iterdir())[:2] for a in ingest_file(p)]
    return [dataclasses.replace(a, id=f"a{n}") for n, a in enumerate(found)]


def _state(article) -> SourceState:
    return SourceState(article.source_path, 1, 1, article.content_hash, (article.id,))


def test_an_update_is_invisible_until_it_commits(tmp_path: Path, articles):
    first, second = articles
    store = Store(tmp_path / "store.sqlite")
    store.write(articles=[(first, [], [{"sort_key": "2025"}])], sources=[_state(first)])
    assert store.ids() == ["a0"]
    with store.update(remove_ids={"a0"}, remove_paths=[first.source_path]) as update:
        update.add([(second, [], [])])
        assert store.ids() == ["a0"] and store.article("a0").title == first.title  # readers: the old state
        update.commit(sources=[_state(second)], meta={"fingerprint": "x"})
    assert store.ids() == ["a1"]
    assert store.article("a0") is None  # the cache of the old state is gone too
    assert store.events() == [] and store.get_meta("fingerprint") == "x"
    assert list(store.sources()) == [second.source_path]


def test_a_failed_update_leaves_the_store_as_it_was(tmp_path: Path, articles):
    first, second = articles
    store = Store(tmp_path / "store.sqlite")
    store.write(articles=[(first, [], [])], sources=[_state(first)])
    with pytest.raises(RuntimeError):
        with store.update(remove_ids={"a0"}) as update:
            update.add([(second, [], [])])
            raise RuntimeError("the indexer was interrupted")
    assert store.ids() == ["a0"] and list(store.sources()) == [first.source_path]
    with store.update() as update:  # the write lock was released
        update.commit(sources=[])
