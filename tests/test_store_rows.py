"""The article store's row format (issue 14: the store was 4x the raw text): articles, mentions
and events are compressed, one row per article, read back exactly as written; a store written
in the older format is rebuilt on the next update, with a notice."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from briefing.search import store as store_module
from briefing.search.config import load_config
from briefing.search.engine import Engine
from briefing.search.store import ROW_FORMAT, Store


def _engine(corpus: Path, data: Path) -> Engine:
    config = load_config(use_user_file=False)
    config.corpus_paths = [corpus]
    return Engine(config, data)


def test_rows_read_back_as_written_and_the_store_stays_small(tmp_path, seeds_dir):
    engine = _engine(seeds_dir, tmp_path / "data")
    engine.update()
    raw = sum(p.stat().st_size for p in seeds_dir.glob("*.txt"))
    db = sqlite3.connect(str(tmp_path / "data" / "store.sqlite"))
    stored = sum(len(r[0]) for r in db.execute("SELECT data FROM articles")) + \
        sum(len(r[0]) for r in db.execute("SELECT data FROM article_mentions")) + \
        sum(len(r[0]) for r in db.execute("SELECT data FROM article_events"))
    assert stored < raw  # compressed: the text of articles and events is in there once each
    assert engine.store.row_format() == ROW_FORMAT
    some = engine.list_articles()[0].id
    article, mentions = engine.article(some), engine.mentions(some)
    assert mentions and all(article.body[m.start:m.end] == m.text for m in mentions)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    events = engine.store.events()
    assert events and all(e["article_id"] for e in events)
    keys = [(e["sort_key"], e["article_id"]) for e in events]
    assert keys == sorted(keys)
    company = next(m.name for m in mentions if m.type == "company" and m.role == "story")
    assert some in engine.store.articles_mentioning(company, "company")
    assert company in engine.store.companies_by_article()[some]


def test_a_store_of_the_older_row_format_is_rebuilt_with_a_notice(tmp_path, seeds_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    engine = _engine(corpus, tmp_path / "data")
    engine.update()
    ids = sorted(s.id for s in engine.list_articles())
    engine.close()
    # make it look like a store of row format 1: plain JSON article rows, the old tables, no row_format
    db = sqlite3.connect(str(tmp_path / "data" / "store.sqlite"), isolation_level=None)
    for aid, data in db.execute("SELECT id, data FROM articles").fetchall():
        db.execute("UPDATE articles SET data=? WHERE id=?", (json.dumps(store_module.unpack_row(data)), aid))
        db.execute("INSERT INTO mentions VALUES (?,0,1,'x','company','x','story')", (aid,))
    db.execute("DELETE FROM article_mentions")
    db.execute("DELETE FROM meta WHERE key='row_format'")
    db.execute(f"UPDATE meta SET value=replace(value, '-s{ROW_FORMAT}', '') WHERE key='fingerprint'")
    db.close()
    old = Store(tmp_path / "data" / "store.sqlite")
    assert old.row_format() == "1" and old.article(ids[0]).title  # old rows still read
    old.close()

    engine = _engine(corpus, tmp_path / "data")
    assert engine.needs_update()
    report = engine.update()
    assert any("older version" in w for w in report.warnings)
    assert sorted(s.id for s in engine.list_articles()) == ids
    assert engine.store.row_format() == ROW_FORMAT and engine.mentions(ids[0])
    db = sqlite3.connect(str(tmp_path / "data" / "store.sqlite"))
    assert db.execute("SELECT COUNT(*) FROM mentions").fetchone()[0] == 0  # the old rows are gone
    assert not engine.update().warnings  # said once
