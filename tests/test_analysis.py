"""Korean analysis: particles, decompounding, aliases, offsets, analysing once, pickling, two gazetteers."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.search.index.tokenizers import korean_analyzer
from briefing.search.language.aliases import aliases_from_gazetteer, gazetteer_fingerprint
from briefing.search.language.analysis import TextAnalyser
from briefing.search.config import GazetteerEntry

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
PLAIN = TextAnalyser()  # no gazetteer: no aliases


@pytest.fixture
def aliases() -> TextAnalyser:
    """An analyser with a small alias map."""
    return TextAnalyser({"softbank": "소프트뱅크", "openai": "오픈AI", "samsung electronics": "삼성전자"})


def _tokens(text: str, mode: str = "index", analyser: TextAnalyser = PLAIN):
    ana = korean_analyzer(analyser)
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in ana(text, positions=True, chars=True, mode=mode)
    ]


def test_particles_and_endings_are_dropped():
    terms = PLAIN.analyze_terms("삼성전자가 반도체를 만들었다", mode="query")
    assert "삼성전자" in terms and "반도체" in terms
    assert not {"가", "를", "었", "다"} & set(terms)


def test_particle_attached_word_gives_the_same_terms_as_the_bare_word():
    assert PLAIN.query_groups("소프트뱅크와") == PLAIN.query_groups("소프트뱅크")


def test_latin_is_lowercased_and_numbers_kept():
    terms = PLAIN.analyze_terms("HBM 생산에 2025년 AI")
    assert "hbm" in terms and "ai" in terms and "2025" in terms
    assert "HBM" not in terms


def test_compound_noun_is_emitted_whole_and_as_parts_at_one_position():
    toks = _tokens("삼성전자가 발표했다")
    by_text = {t[0]: t for t in toks}
    assert {"삼성전자", "삼성", "전자"} <= set(by_text)
    assert by_text["삼성"][1] == by_text["전자"][1] == by_text["삼성전자"][1]
    text = "삼성전자가 발표했다"
    assert text[by_text["삼성"][2] : by_text["삼성"][3]] == "삼성"
    assert text[by_text["전자"][2] : by_text["전자"][3]] == "전자"


def test_query_mode_does_not_split_compounds():
    terms = PLAIN.analyze_terms("삼성전자", mode="query")
    assert terms == ["삼성전자"]


def test_short_and_implausible_nouns_are_not_split():
    assert PLAIN.decompose("반도체") == ()  # 반도+체: a one-character part
    assert PLAIN.decompose("회장") == ()  # two characters: never split
    parts = PLAIN.decompose("삼성전자")
    assert [p for p, _s, _e in parts] == ["삼성", "전자"]
    assert PLAIN.decompose("카테고리") == ()  # an implausible split (카테+고리)


def test_multi_word_dictionary_entries_are_split_into_words():
    text = "일본 경제 단체 연합회와 회동"
    by_text = {t[0]: t for t in _tokens(text)}
    assert "경제" in by_text and text[by_text["경제"][2] : by_text["경제"][3]] == "경제"


def test_long_compounds_are_split_into_all_their_nouns():
    parts = [p for p, _s, _e in PLAIN.decompose("경제협력개발기구")]
    assert parts == ["경제", "협력", "개발", "기구"]


def test_positions_increase_by_one_per_kept_morpheme():
    toks = _tokens("AI 수출 프로그램을 추진한다", mode="query")
    assert [t[0] for t in toks][:3] == ["ai", "수출", "프로그램"]
    assert [t[1] for t in toks][:3] == [0, 1, 2]


def test_single_word_alias_adds_canonical_terms_at_the_same_position(aliases):
    toks = _tokens("SoftBank가 투자", analyser=aliases)
    soft = [t for t in toks if t[0] in ("softbank", "소프트뱅크")]
    assert {t[0] for t in soft} == {"softbank", "소프트뱅크"}
    assert len({t[1] for t in soft}) == 1
    assert aliases.query_groups("SoftBank")[0] == [("softbank",), ("소프트뱅크",)]


def test_multi_word_alias_adds_canonical_at_first_position(aliases):
    text = "Samsung Electronics said"
    toks = _tokens(text, mode="query", analyser=aliases)
    canon = [t for t in toks if t[0] == "삼성전자"]
    assert canon and canon[0][1] == 0
    assert text[canon[0][2] : canon[0][3]] == "Samsung Electronics"


def test_aliases_from_gazetteer_keeps_english_and_long_variants_only():
    entries = [
        GazetteerEntry("삼성전자", "company", ("삼성", "Samsung", "Samsung Electronics")),
        GazetteerEntry("Arm", "company", ("ARM", "암")),
        GazetteerEntry("도요타자동차", "company", ("도요타", "Toyota")),
        GazetteerEntry("메타", "company", ("Meta",)),
        GazetteerEntry("메타버스사", "company", ("Meta",)),  # same alias twice: ambiguous
    ]
    m = aliases_from_gazetteer(entries)
    assert m["samsung"] == "삼성전자"
    assert m["samsung electronics"] == "삼성전자"
    assert m["도요타"] == "도요타자동차" and m["toyota"] == "도요타자동차"
    assert "삼성" not in m and "암" not in m  # short Hangul abbreviations would over-match
    assert "arm" not in m  # same as the canonical name
    assert "meta" not in m


def test_configure_keeps_gazetteer_names_whole():
    analyser = TextAnalyser.from_gazetteer([GazetteerEntry("오픈AI", "company", ("OpenAI",))])
    assert analyser.analyze_terms("오픈AI가", mode="query") == ["오픈ai"]
    groups = analyser.query_groups("OpenAI")
    assert groups == [[("openai",), ("오픈ai",)]]


def test_two_analysers_with_different_gazetteers_coexist():
    softbank = TextAnalyser.from_gazetteer([GazetteerEntry("소프트뱅크", "company", ("SoftBank", "SoftBank Group"))])
    openai = TextAnalyser.from_gazetteer([GazetteerEntry("오픈AI", "company", ("OpenAI",))])
    for _ in range(2):  # interleaved: neither analyser changes the other
        assert softbank.query_groups("SoftBank") == [[("softbank",), ("소프트뱅크",)]]
        assert openai.query_groups("SoftBank") == [[("softbank",)]]
        assert openai.query_groups("OpenAI") == [[("openai",), ("오픈ai",)]]
        assert softbank.query_groups("OpenAI") == [[("openai",)]]
        assert "소프트뱅크" in softbank.analyze_terms("SoftBank Group 투자") and \
            "소프트뱅크" not in openai.analyze_terms("SoftBank Group 투자")
    assert softbank.multiword_aliases() == {"softbank group": "소프트뱅크"} and openai.multiword_aliases() == {}


def test_gazetteer_fingerprint_tracks_changes():
    a = [GazetteerEntry("소프트뱅크", "company", ("SoftBank",))]
    b = [GazetteerEntry("소프트뱅크", "company", ("SoftBank", "SoftBank Group"))]
    assert gazetteer_fingerprint(a) == gazetteer_fingerprint(list(a))
    assert gazetteer_fingerprint(a) != gazetteer_fingerprint(b)


_WORDS = ["삼성전자", "소프트뱅크", "반도체", "인공지능", "HBM", "회장은", "투자를", "2025년",
          "스타게이트", "손정의", "일본", "AI", "협력", "(주)", "—", "合作", "데이터센터", "OpenAI"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8), st.sampled_from([" ", "  ", "\n", ", "]))
def test_offsets_slice_the_original_text(words, sep):
    text = sep.join(words)
    tokens = _tokens(text)  # PLAIN: alias expansions cover the alias, not their own text
    assert bool(tokens) == any(w != "—" for w in words)
    for term, _pos, start, end in tokens:
        assert text[start:end].lower() == term, (term, start, end, text)


def test_offsets_shift_with_start_char():
    ana = korean_analyzer(PLAIN)
    a = [(t.text, t.startchar) for t in ana("소프트뱅크 투자", chars=True)]
    b = [(t.text, t.startchar) for t in ana("소프트뱅크 투자", chars=True, start_char=10)]
    assert [(x, s + 10) for x, s in a] == b


def test_an_analysed_text_serves_analysis_without_calling_kiwi(monkeypatch):
    texts = ["삼성전자가 HBM을 공급한다", "소프트뱅크 손정의 회장은\n스타게이트를 논의했다"]
    expected = [_tokens(t) for t in texts]
    analysed = PLAIN.analyse_many(texts)  # one Kiwi call for both
    monkeypatch.setattr(TextAnalyser, "morphemes_many", lambda self, lines: pytest.fail("Kiwi called again"))
    got = [[(t.text, t.pos, t.start, t.end) for t in PLAIN.analyze(text, "index", a)] for text, a in zip(texts, analysed)]
    monkeypatch.undo()
    assert got == expected
    assert [a.text for a in analysed] == texts


def test_term_spans_find_compound_parts():
    text = "삼성전자와 SK하이닉스"
    spans = PLAIN.term_spans(text, ["삼성"])
    assert [text[s:e] for s, e in spans] == ["삼성"]


def test_pickled_analyzer_works_in_a_fresh_process():
    blob = pickle.dumps(korean_analyzer(PLAIN))
    text = "삼성전자가 소프트뱅크와 AI 반도체를 논의했다"
    expected = [t.text for t in korean_analyzer(PLAIN)(text, mode="index")]
    code = (
        "import pickle, sys, json\n"
        "ana = pickle.loads(sys.stdin.buffer.read())\n"
        f"print(json.dumps([t.text for t in ana({text!r}, mode='index')]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=blob, capture_output=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr.decode()
    got = json.loads(out.stdout.decode().strip().splitlines()[-1])
    assert got == expected
    assert "삼성" in got and "가" not in got


def test_unknown_name_typed_alone_keeps_the_whole_word_as_an_alternative():
    # Kiwi reads the last syllable of an unknown name typed alone as the copula (솔리다 + 이 + ㅁ);
    # inside a sentence the same name is one noun, so the query must accept the whole word too.
    groups = PLAIN.query_groups("솔리다임")
    assert ("솔리다임",) in groups[0]
    assert PLAIN.analyze_terms("솔리다임의 주요 주주", "index")[0] == "솔리다임"
    assert PLAIN.query_groups("소프트뱅크와") == [[("소프트뱅크",)]]  # particles never add one
