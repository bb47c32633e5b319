"""Big articles cost what their size says (issue 14): analysis reads bodies in bounded windows
(windows.text_windows), so one long article costs about what the same text costs as ordinary
articles, its memory stays flat, and offsets of mentions and events still slice the body.
corpus.max_article_chars cuts longer bodies, with a warning naming the file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.search.language.analysis import TextAnalyser
from briefing.search.language.windows import WINDOW_CHARS, text_windows
from briefing.search.config import load_config
from briefing.search.engine import Engine
from briefing.search.ingest.page import extract_page

from .conftest import ROOT

BIG_BYTES = 1_000_000  # of generated articles (~150), their text then joined into one article


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """Three folders holding the same ~1 MB of text: ordinary generated articles; their bodies
    as one article of a single paragraph; and as one article of one short sentence a line."""
    from bench.make_corpus import make_corpus

    root = tmp_path_factory.mktemp("big")
    folder = root / "folder"
    make_corpus(BIG_BYTES // 6500 + 1, folder, seed=11)
    paragraphs = [p for path in sorted(folder.glob("*.txt")) for p in extract_page(path.read_text("utf-8")).paragraphs]
    text = " ".join(paragraphs)
    for name, body in (("paragraph", text), ("sentences", "\n".join(re.split(r"(?<=[.!?])\s+", text)))):
        (root / name).mkdir()
        (root / name / "big.txt").write_text(f"한 편의 긴 기사\n\n{body}\n", encoding="utf-8")
    return root


def _index_in_child(corpus: Path, data: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("big_article_child.py")), str(corpus), str(data)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_one_big_article_costs_what_its_size_says_with_flat_memory(big_corpus, tmp_path):
    """Indexing ~1 MB as one article (a single paragraph; one short sentence a line) costs at
    most twice the CPU of the same text as ~150 ordinary articles, and its peak memory grows
    no more than theirs.

    Why 1 MB proves linearity: analysis works on windows of at most WINDOW_CHARS (8,000)
    characters, whatever the article's size, so a 5 MB article is five times the windows of a
    1 MB one at the same cost per window. The old code's superlinear steps (a whole-body Kiwi
    call, sentence and line scans per date, morphemes of the whole body kept) already showed at
    this size: the single paragraph had not finished after 400 CPU-seconds (6 s now, as the
    folder), the sentences took 3.5x the folder's CPU with 2.7x its memory growth."""
    folder = _index_in_child(big_corpus / "folder", tmp_path / "folder")
    assert folder["articles"] > 100
    for name in ("paragraph", "sentences"):
        big = _index_in_child(big_corpus / name, tmp_path / name)
        assert big["articles"] == 1 and not big["warnings"], name
        assert big["cpu_s"] <= 2.0 * folder["cpu_s"], (name, big, folder)
        grown, folder_grown = big["peak_mb"] - big["start_mb"], folder["peak_mb"] - folder["start_mb"]
        assert grown <= 1.3 * folder_grown + 20, (name, big, folder)


def test_windows_cover_the_text_and_cut_at_paragraphs_sentences_spaces_or_the_limit():
    text = ("첫 문단의 문장이다. " * 30 + "\n\n") * 10 + "가" * 3000 + " 끝."
    windows = text_windows(text, 1000)
    assert "".join(w for _, w in windows) == text
    assert all(text[o:o + len(w)] == w and 0 < len(w) <= 1000 for o, w in windows)
    assert windows[0][1].endswith("\n\n")  # a paragraph break in the window's second half
    run = [w for _, w in windows if "가" * 900 in w]
    assert run and all(len(w) <= 1000 for w in run)  # a run without spaces is cut at the limit
    sentences = text_windows("문장이다. " * 400, 1000)
    assert all(w.endswith(". ") for _, w in sentences[:-1])
    assert text_windows("짧은 글", 1000) == [(0, "짧은 글")]
    decomposed = "\u1100\u1161" * 700  # Hangul written as jamo: a window never starts with a vowel
    assert all(not ("\u1160" <= w[0] <= "\u11ff") for _, w in text_windows(decomposed, 1001))


def test_mentions_events_and_terms_of_a_windowed_article_slice_its_body(big_corpus, tmp_path):
    body = (big_corpus / "sentences" / "big.txt").read_text("utf-8")[: 4 * WINDOW_CHARS]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "long.txt").write_text(body, encoding="utf-8")
    config = load_config(use_user_file=False)
    config.corpus_paths = [corpus]
    engine = Engine(config, tmp_path / "data")
    engine.update()
    article = engine.article("long")
    assert len(article.body) > 3 * WINDOW_CHARS
    mentions = engine.mentions("long")
    assert mentions and max(m.start for m in mentions) > 2 * WINDOW_CHARS
    assert all(article.body[m.start:m.end] == m.text for m in mentions)
    events = engine.events(["long"])
    assert events and max(e.start for e in events) > 2 * WINDOW_CHARS
    assert all(article.body[e.start:e.end] == e.text for e in events)
    assert all(article.body[e.expr_start:e.expr_end] == e.expr for e in events)
    last = TextAnalyser.from_gazetteer(engine.config.gazetteer).analyze_terms(article.body[-300:], "query")[-1]
    assert any(h.id == "long" for h in engine.search(last).hits)
    spans = engine.highlight_spans("long", last)
    assert spans and spans[-1][0] > 3 * WINDOW_CHARS


def test_a_body_over_max_article_chars_is_cut_with_a_warning_naming_the_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "huge-report.txt").write_text("반도체 수출 늘어 올해 최대 기록 전망\n\n" + "반도체 수출이 늘었다. " * 400
                                            + "\n\n결론에서 고유어휘 전략을 설명했다. 그리고 다음 단계를 제시했다.\n",
                                            encoding="utf-8")
    config = load_config(use_user_file=False)
    config.corpus_paths = [corpus]
    config.max_article_chars = 3000
    engine = Engine(config, tmp_path / "data")
    report = engine.update()
    assert report.added == ["huge-report"]
    warned = [w for w in report.warnings if "max_article_chars" in w]
    assert len(warned) == 1 and warned[0].startswith("huge-report.txt:") and "3,000" in warned[0]
    body = engine.article("huge-report").body
    assert 2000 < len(body) <= 3000 and body.endswith("늘었다.")
    assert engine.article("huge-report").title == "반도체 수출 늘어 올해 최대 기록 전망" and "고유어휘" not in body
    assert engine.search("반도체").total == 1 and engine.search("고유어휘").total == 0
