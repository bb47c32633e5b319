"""Ingestion of the bundled seeds measured against the hand-written gold."""

from __future__ import annotations

import re
from datetime import date

import pytest

from briefing.search.ingest.furniture import is_sentence
from briefing.search.ingest.sources import ingest_file
from briefing.search.ingest.page import normalize_line

from .conftest import TODAY


@pytest.fixture(scope="module")
def ingested(seeds_dir):
    return {p.stem: (ingest_file(p, today=TODAY)[0], p) for p in sorted(seeds_dir.glob("*.txt"))}


def test_every_gold_article_is_a_seed(ingested, gold):
    assert set(gold) == set(ingested)


def test_titles(ingested, gold):
    wrong = {i: a.title for i, (a, _) in ingested.items() if a.title != gold[i]["title"]}
    assert not wrong


def test_publishers(ingested, gold):
    wrong = {i: a.publisher for i, (a, _) in ingested.items() if a.publisher != gold[i]["publisher"]}
    assert not wrong


def test_bylines(ingested, gold):
    wrong = {i: a.byline for i, (a, _) in ingested.items() if sorted(a.byline) != sorted(gold[i]["byline"])}
    assert not wrong


def test_publication_dates_within_gold(ingested, gold):
    for aid, (article, _) in ingested.items():
        g = gold[aid]
        accepted = [g["published"], *g.get("published_ok", [])]
        accepted = [date.fromisoformat(str(d)) if d else None for d in accepted]
        assert article.published.value in accepted, (aid, article.published)
        assert article.published.evidence  # every answer says where it came from
        if article.published.value is None:
            assert article.published.confidence == 0.0


def test_no_boilerplate_line_in_any_body(ingested, gold):
    for aid, (article, _) in ingested.items():
        body_lines = set(article.paragraphs)
        for line in gold[aid]["boilerplate"]:
            assert line not in body_lines, (aid, line)
            assert line not in article.body, (aid, line)


def test_aggregator_list_never_reaches_the_body(ingested):
    for aid, (article, _) in ingested.items():
        assert not re.search(r"랭크뉴스\s+20\d\d\.\d\d\.\d\d", article.body), aid


# Reasons for which a prose line may legitimately be dropped.
_NOT_ARTICLE = {"author profile", "headline list of other articles", "page widget", "copyright", "title"}


def test_no_body_sentence_is_lost(seeds_dir, gold):
    from briefing.search.ingest.page import extract_page

    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        parts = extract_page(text, name=path.name, today=TODAY)
        dropped = {line: reason for line, reason in parts.dropped}
        boilerplate = set(gold[path.stem]["boilerplate"])
        for raw in text.splitlines():
            line = normalize_line(raw)
            if len(line) < 30 or not is_sentence(line) or line in boilerplate:
                continue
            if dropped.get(line) in _NOT_ARTICLE:
                continue
            # the sentence is in the body, give or take a trailing photo credit
            assert any(len(p) > 20 and line.startswith(p) for p in parts.paragraphs), (
                path.stem, line[:60])


def test_event_sentences_survive_cleaning(ingested, gold):
    """Every dated statement of the gold is still in the body (captions included)."""
    for aid, (article, _) in ingested.items():
        for event in gold[aid]["events"]:
            assert event["expr"].split("(")[0] in article.body, (aid, event["expr"])


def test_photo_credits_and_bylines_leave_the_body(ingested, gold):
    for aid, (article, _) in ingested.items():
        for name in gold[aid]["byline"]:
            assert f"{name} 기자" not in article.body
            assert f"{name} 특파원" not in article.body
        assert "[사진=" not in article.body and "사진 제공=" not in article.body


def test_ids_are_file_stems_and_hash_is_stable(seeds_dir):
    path = sorted(seeds_dir.glob("*.txt"))[0]
    a1, a2 = ingest_file(path, today=TODAY)[0], ingest_file(path, today=TODAY)[0]
    assert a1.id == path.stem
    assert a1.content_hash == a2.content_hash and len(a1.content_hash) >= 16
