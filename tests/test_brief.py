"""Markdown briefs: structure (parsed with markdown-it-py), content, safety when writing."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from briefing.search.brief.key_facts import key_sentences
from briefing.search.brief.plan import plan_brief
from briefing.search.brief.render import render_brief, write_brief
from briefing.search.errors import BriefingError

from .conftest import run_cli

SECTIONS = ["Key facts", "Timeline", "Entities", "Articles", "Sources"]


def _sections(md: str) -> dict[str, list]:
    """Tokens of each level-2 section, after stripping the front matter."""
    body = md.split("---\n", 2)[2]
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    out: dict[str, list] = {}
    current = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h2":
            current = tokens[i + 1].content
            out[current] = []
        elif current:
            out[current].append(tok)
    return out


@pytest.fixture()
def two(seed_engine):
    ids = [seed_engine.resolve_id("001"), seed_engine.resolve_id("003")]
    return seed_engine, plan_brief(seed_engine, ids, folder=Path("briefs"), today=date(2026, 1, 2))


def test_structure_parses_as_commonmark_with_tables(two):
    engine, plan = two
    md = render_brief(engine, plan, created=datetime(2026, 1, 2, 9, 0))
    assert md.startswith("---\n")
    front = yaml.safe_load(md.split("---\n")[1])
    assert set(front) == {"title", "created", "query", "articles", "tool"}
    assert front["articles"] == plan.article_ids and front["tool"].startswith("briefing ")
    tokens = MarkdownIt("commonmark").enable("table").parse(md.split("---\n", 2)[2])
    h1 = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"]
    assert h1 == [plan.title]
    h2 = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    assert h2 == SECTIONS
    sections = _sections(md)
    assert any(t.type == "table_open" for t in sections["Timeline"])
    assert any(t.type == "table_open" for t in sections["Entities"])
    assert sum(t.type == "list_item_open" for t in sections["Sources"]) == 2


def test_key_facts_are_verbatim_and_attributed(two):
    engine, plan = two
    md = render_brief(engine, plan)
    items = [t.content for t in _sections(md)["Key facts"] if t.type == "inline"]
    facts = [c for c in items if c.endswith(")") and "(" in c]
    assert len(facts) >= 6  # 3-5 per article
    bodies = {i: engine.article(i).body for i in plan.article_ids}
    for fact in facts:
        sentence, _, source = fact.rpartition(" (")
        assert sentence in bodies[source.rstrip(")")], fact


def test_key_sentences_pick_three_to_five_in_order(seed_engine):
    body = seed_engine.article("000").body
    picked = key_sentences(body)
    assert 3 <= len(picked) <= 5
    positions = [body.index(s) for s in picked]
    assert positions == sorted(positions)


def test_timeline_and_entities_content(two):
    engine, plan = two
    md = render_brief(engine, plan)
    timeline = "".join(t.content for t in _sections(md)["Timeline"] if t.type == "inline")
    assert "2025-02-04" in timeline and "2025-04-01" in timeline
    entities = [t.content for t in _sections(md)["Entities"] if t.type == "inline"]
    assert "손정의" in entities and "소프트뱅크" in entities


def test_unknown_date_says_unknown(seed_engine):
    plan = plan_brief(seed_engine, [seed_engine.resolve_id("004")])
    md = render_brief(seed_engine, plan)
    assert "- Date: unknown" in md


def test_snapshot_of_a_two_article_brief(two, snapshot, seeds_dir):
    engine, plan = two
    md = render_brief(engine, plan, created=datetime(2026, 1, 2, 9, 0))
    from briefing.search.brief.render import _md

    assert md.replace(_md(str(seeds_dir)), "<seeds>") == snapshot  # the checkout's path varies


def test_default_name_never_overwrites(two, tmp_path):
    engine, plan = two
    plan.path = tmp_path / plan.path.name
    first = write_brief(engine, plan)
    plan.path = tmp_path / first.name
    second = write_brief(engine, plan)
    assert first != second and second.name.endswith("-2.md") and first.exists()


def test_explicit_existing_file_is_refused(two, tmp_path):
    engine, plan = two
    target = tmp_path / "mine.md"
    target.write_text("keep me")
    plan.path, plan.auto_named = target, False
    with pytest.raises(BriefingError, match="exists"):
        write_brief(engine, plan)
    assert target.read_text() == "keep me"
    write_brief(engine, plan, overwrite=True)
    assert target.read_text().startswith("---")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder_is_a_clear_error(two, tmp_path):
    engine, plan = two
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    plan.path = locked / "b.md"
    with pytest.raises(BriefingError, match="cannot"):
        write_brief(engine, plan)


def test_folder_that_is_a_file_is_a_clear_error(two, tmp_path):
    engine, plan = two
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    plan.path = blocker / "sub" / "b.md"
    with pytest.raises(BriefingError, match="cannot"):
        write_brief(engine, plan)


def test_cli_export_acceptance(seed_data_dir, tmp_path):
    out = tmp_path / "brief.md"
    proc = run_cli("export", "001", "003", "-o", str(out), data_dir=seed_data_dir, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    md = out.read_text(encoding="utf-8")
    assert "| 2025-02-04 |" in md and "| 2025-04-01 |" in md
    assert "| 손정의 |" in md and "| 소프트뱅크 |" in md
    again = run_cli("export", "001", "-o", str(out), data_dir=seed_data_dir, cwd=tmp_path)
    assert again.returncode != 0 and "exists" in again.stderr and "Traceback" not in again.stderr
