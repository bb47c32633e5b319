"""The fast paths of entity extraction agree with the plain versions they replace: the
gazetteer scanner, the learned tagger's vectorised scoring, the credit/copyright shortcuts,
the overlap check of candidate selection."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.search.config import load_config
from briefing.search.entities.candidates import Candidates
from briefing.search.entities.credits import COPYRIGHT_LINE_RE, COPYRIGHT_MARK_RE, CREDIT_BEFORE_RE, credit_before
from briefing.search.entities.finder import EntityFinder
from briefing.search.entities.gazetteer import Gazetteer
from briefing.search.entities.lexicon import shipped_lexicon
from briefing.search.entities.mentions import model_inputs
from briefing.search.entities.tagged_spans import TaggerSettings, model_active
from briefing.search.ingest.sources import ingest_file
from briefing.search.entities.fast_scorer import MAX_SPACE as _MAX_SPACE
from briefing.search.entities.tagger import shipped_tagger

from .conftest import ROOT


_GAZ: list[Gazetteer] = []


def _shipped_gazetteer() -> Gazetteer:
    if not _GAZ:
        _GAZ.append(Gazetteer.from_entries(load_config(use_user_file=False).gazetteer))
    return _GAZ[0]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return _shipped_gazetteer()


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for article in ingest_file(path):
            texts += [article.title, article.body]
    return texts


def _regex_scan(gaz: Gazetteer, text: str) -> list[tuple[int, int]]:
    """What Gazetteer.scan used to do: one lookahead alternation of every surface."""
    gaz._ensure_scanner()
    return [m.span(1) for m in gaz._scanner.finditer(text) if m.end(1) > m.start(1)]


def test_scan_matches_the_full_alternation(gaz, seed_texts):
    tricky = "SAMSUNG  electronics, Sk텔레콤 손  회장 손회장 softbank SoftBank 삼성삼성전자 \u212a"
    for text in seed_texts + [tricky, "", "x"]:
        assert [(h.start, h.end) for h in gaz.scan(text)] == _regex_scan(gaz, text)


@given(st.text(alphabet="삼성전자손 회장SKsk텔레콤LGlg\u00a0\t.·", max_size=30))
@settings(max_examples=300, deadline=None)
def test_scan_matches_on_random_text(text):
    gaz = _shipped_gazetteer()
    assert [(h.start, h.end) for h in gaz.scan(text)] == _regex_scan(gaz, text)


@pytest.mark.slow
def test_fast_tagger_is_bit_identical(gaz, seed_texts):
    tagger = shipped_tagger()
    assert tagger is not None
    texts = seed_texts + ["", "삼성전자", "  이재용 회장은 말했다.\n\n손정의 소프트뱅크 회장"]
    finder = EntityFinder(gaz, use_model=False)
    for text, (morphs, hints) in zip(texts, model_inputs(texts, gaz)):
        windows = model_active(_candidates(text, finder), TaggerSettings().window)
        for active in (None, windows):
            fast = tagger.predict(text, morphs, hints, active)
            reference = tagger.predict_reference(text, morphs, hints, active)
            assert fast[0] == reference[0]
            assert fast[1] == reference[1]  # margins too, exactly
            assert tagger.scored_spans(text, morphs, hints, active) == _spans(morphs, *reference)


def _candidates(text: str, finder: EntityFinder) -> Candidates:
    """The state a finder reads ``text`` in, before any candidate is found."""
    return Candidates(text, finder.tokens_many([text])[0], finder.gazetteer, finder.lexicon)


def _spans(morphs, labels, margins):
    """scored_spans over every morpheme, as it was written first."""
    out, cur = [], None
    for morph, label, margin in zip(morphs, labels, margins):
        if label.startswith("I-") and cur is not None and cur[2] == label[2:]:
            cur[1], cur[3] = morph[3], min(cur[3], margin)
            continue
        if cur is not None:
            out.append(tuple(cur))
            cur = None
        if label != "O":
            cur = [morph[2], morph[3], label[2:], margin]
    if cur is not None:
        out.append(tuple(cur))
    return out


def test_no_whitespace_above_the_space_table():
    assert chr(_MAX_SPACE).isspace()
    assert not any(chr(c).isspace() for c in range(_MAX_SPACE + 1, sys.maxunicode + 1))


_PIECES = ["사진", "자료", "제공", "출처", "영상", "그래픽", " ", "\t", "\u3000", "\xa0", "=", ":", "/",
           "가", "x", "ⓒ", "©", "copyright", "COPYRIGHT", "무단", "전재", "재배포", "금지", ".", "\r"]


@given(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join))
@settings(max_examples=500, deadline=None)
def test_credit_and_copyright_shortcuts_match_the_regexes(line):
    assert credit_before(line) == bool(CREDIT_BEFORE_RE.search(line))
    assert (COPYRIGHT_MARK_RE.search(line) is not None) == bool(COPYRIGHT_LINE_RE.fullmatch(line))


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8), st.integers(0, 3)), max_size=25))
@settings(max_examples=300, deadline=None)
def test_select_matches_the_pairwise_overlap_check(spans):
    ex = Candidates("", [], Gazetteer([]), shipped_lexicon())
    for start, length, priority in spans:
        ex.add(start, start + length, "org", f"n{start}", priority)
    expected, taken = [], []
    for c in sorted(ex.candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start)):
        if not any(c.start < b and a < c.end for a, b in taken):
            expected.append(c)
            taken.append((c.start, c.end))
    assert ex.select() == expected


def test_words_hold_the_tokens_that_start_inside_them(gaz, seed_texts):
    text = seed_texts[1]
    ex = _candidates(text, EntityFinder(gaz, use_model=False))
    assert [w.text for w in ex.words] == [m.group() for m in re.finditer(r"\S+", text)]
    for w in ex.words:
        assert w.tokens == [t for t in ex.tokens if w.start <= t.start < w.end]
