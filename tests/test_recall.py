"""Search that forgives a real query (issue 16) and one normalisation for index and query (issue 19).

The realistic corpus in tests/data/recall-corpus has a dev half (tuned on) and a held-out half
(not tuned on): raw pages in the seeds' format and HTML, with kickers, quotes, one-syllable
nouns, compounds, Japanese words, full-width, NFD, soft hyphens, bidi marks, half-width
katakana, compatibility jamo and Hanja names.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from bench import known_item
from briefing.search.language.normalize import normalize
from tests.conftest import DATA, run_cli

CORPUS = DATA / "recall-corpus"




def _engine(data: Path, corpus: list[Path] | None):
    from briefing.search.config import load_config
    from briefing.search.engine import Engine

    engine = Engine(load_config(use_user_file=False), data)
    if corpus:
        engine.set_corpus(corpus)
    engine.update()
    return engine


@pytest.fixture(scope="module")
def recall_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("recall-data")
    _engine(data, [CORPUS / "dev", CORPUS / "heldout"]).close()
    return data


@pytest.fixture()
def recall(recall_data):
    engine = _engine(recall_data, None)
    yield engine
    engine.close()


def _ids(engine, query: str) -> list[str]:
    return [h.id for h in engine.search(query).hits]


# --- normalisation -----------------------------------------------------------------------


@pytest.mark.parametrize("raw, normal", [
    (unicodedata.normalize("NFD", "삼성전자 반도체"), "삼성전자 반도체"),
    ("ＳａｍＳｕｎｇ 엑시노스２５００", "SamSung 엑시노스2500"),
    ("메모리\u00ad반도체", "메모리반도체"),
    ("디스\u200f플레이", "디스플레이"),
    ("\u202b삼성\u202c\ufeff", "삼성"),
    ("ｿﾆｰ ﾗﾋﾟﾀﾞｽ", "ソニー ラピダス"),
    ("ㅅㅏㄹㅏㅇ ㅋㅋ", "사랑 ㅋㅋ"),
])
def test_normalize_gives_one_form_and_offsets_into_the_original(raw, normal):
    n = normalize(raw)
    assert n.text == normal
    for k in range(len(n.text)):  # every character maps back inside the original text
        s, e = n.span(k, k + 1)
        assert 0 <= s < e <= len(raw)
    assert n.span(0, len(n.text))[1] <= len(raw)


def test_normal_text_is_returned_as_it_is():
    text = "삼성전자가 HBM4를 공급한다."
    n = normalize(text)
    assert n.text is text and n.starts is None


def test_terms_of_variants_keep_offsets_into_the_displayed_text():
    from briefing.search.language.analysis import TextAnalyser

    body = "ＳａｍＳｕｎｇ과 메모리\u00ad반도체"
    spans = {t.text: body[t.start:t.end] for t in TextAnalyser().analyze(body)}
    assert spans["samsung"] == "ＳａｍＳｕｎｇ"
    assert spans["반도체"] == "반도체"


# --- text variants that search used to miss (issue 19) -------------------------------------


@pytest.mark.parametrize("query, article", [
    (unicodedata.normalize("NFD", "엑시노스"), "r07_fullwidth"),  # NFD query, NFC text
    ("빛으로 암세포", "h03_light"),  # NFC query, NFD text
    ("엑시노스2500", "r07_fullwidth"),  # ASCII query, full-width text
    ("ＳａｍＳｕｎｇ", "r07_fullwidth"),
    ("디스플레이", "r07_fullwidth"),  # soft hyphen inside the word in the text
    ("디스플레이", "h03_light"),  # right-to-left mark inside the word in the text
    ("소니세미컨덕터솔루션즈", "h04_halfwidth"),
    ("ソニー", "h04_halfwidth"),  # half-width katakana in the text
    ("사랑", "r04_jamo"),  # compatibility jamo spelt out in the text
    ("孫正義", "r06_son"),
    ("손정의", "r06_son"),
    ("李在鎔", "h06_lee"),
])
def test_text_variants_are_found(recall, query, article):
    assert article in _ids(recall, query)


_NFD = unicodedata.normalize("NFD", "메모리반도체 디스플레이 사업")


@pytest.mark.parametrize("body, query", [
    (_NFD, "디스플레이"),  # a body in NFD (the index gets it as written: JSON Lines, Markdown)
    ("엔비\u00ad디아 실적 발표", "엔비디아"),  # a soft hyphen
    ("디스\u200f플레이 패널", "디스플레이"),  # right-to-left mark
    ("ＳａｍＳｕｎｇ 엑시노스２５００ 출시", "samsung 엑시노스2500"),  # full-width
    ("ｿﾆｰ 이미지센서", "ソニー"),  # half-width katakana
    ("ㅅㅏㄹㅏㅇ 고백", "사랑"),  # compatibility jamo
])
def test_the_index_normalises_what_it_is_given(tmp_path, body, query):
    from briefing.search.config import load_config
    from briefing.search.index.article_index import ArticleIndex, IndexDoc
    from briefing.search.language.analysis import TextAnalyser

    ix = ArticleIndex(tmp_path / "ix", analyser=TextAnalyser.from_gazetteer(load_config(use_user_file=False).gazetteer))
    ix.update([IndexDoc(id="variant", title="", body=body), IndexDoc(id="other", title="", body="다른 기사 본문")])
    res = ix.search(query)
    assert [h.id for h in res.hits] == ["variant"]
    for s, e in res.hits[0].snippet_spans:  # highlights fall on the text as written
        assert 0 <= s < e <= len(res.hits[0].snippet)
    ix.close()


def test_hanja_name_is_found_by_its_hangul_reading_through_the_gazetteer(tmp_path):
    from briefing.search.config import GazetteerEntry
    from briefing.search.index.article_index import ArticleIndex, IndexDoc
    from briefing.search.language.analysis import TextAnalyser

    analyser = TextAnalyser.from_gazetteer([GazetteerEntry(name="손정의", type="person", aliases=("孫正義",))])
    ix = ArticleIndex(tmp_path / "ix", analyser=analyser)
    ix.update([IndexDoc(id="hangul", title="", body="손정의 회장이 방한했다"),
               IndexDoc(id="hanja", title="", body="孫正義 會長 訪韓")])
    assert {h.id for h in ix.search("孫正義").hits} == {"hangul", "hanja"}
    assert {h.id for h in ix.search("손정의").hits} == {"hangul", "hanja"}
    ix.close()


# --- scripts, one-syllable nouns, kickers (issue 16) ----------------------------------------


def test_japanese_words_are_indexed_and_searchable(recall):
    assert _ids(recall, "ラピダス") == ["r03_rapidus"]
    assert _ids(recall, "トヨタ") == ["h02_toyota"]
    assert "h07_rice" in _ids(recall, "米")


def test_one_syllable_nouns_are_searchable(recall):
    assert "r01_brain" in _ids(recall, "뇌")
    assert "r02_bird" in _ids(recall, "새")
    assert "h01_salt" in _ids(recall, "소금 값")


def test_a_compound_is_found_however_kiwi_splits_it(recall):
    assert _ids(recall, "측정법")[:1] == ["r01_brain"]
    assert "h02_toyota" in _ids(recall, "전고체 배터리")
    assert "h02_toyota" in _ids(recall, "전고체배터리")


def test_a_kicker_does_not_sink_a_pasted_headline(recall):
    # the kicker and a word that is nowhere in the corpus: most of the words still find it
    res = recall.search("[산업 핫이슈] 뇌 속 청소부 세포 찾았다 치매 조기 측정법 길 열려 단독입수")
    assert res.hits[0].id == "r01_brain"
    assert res.matched == "most"
    strict = recall.search("뇌 청소부 세포")
    assert strict.matched == "all" and strict.hits[0].id == "r01_brain"


def test_too_few_words_in_common_is_no_match(recall):
    assert recall.search("청소부 소금 관세 엑시노스 라피더스").total == 0


def test_a_phrase_typed_alone_is_still_a_phrase(recall):
    res = recall.search('"치매 조기"')
    assert res.matched == "all" and [h.id for h in res.hits] == ["r01_brain"]


# --- known-item: every title, pasted as a query, finds its article -------------------------


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_known_item_titles_on_the_realistic_corpus(recall, split):
    ids = [p.stem for p in (CORPUS / split).iterdir()]
    report = known_item.known_item(recall, ids)
    assert report.queries == len(ids)
    assert report.success_at_1 >= 0.98, report.misses


def test_known_item_titles_on_the_seeds(seed_engine):
    report = known_item.known_item(seed_engine)
    assert report.queries == 5 and report.success_at_1 == 1.0, report.misses


def test_known_item_titles_on_a_generated_corpus(tmp_path):
    from bench.make_corpus import make_corpus

    corpus = tmp_path / "corpus"
    make_corpus(120, corpus, seed=5)
    engine = _engine(tmp_path / "data", [corpus])
    report = known_item.known_item(engine)
    engine.close()
    assert report.queries == 120
    assert report.success_at_1 >= 0.98, report.misses[:5]


# --- the matched field in the CLI ------------------------------------------------------------


def test_cli_json_says_how_much_of_the_query_matched(recall_data):
    got = run_cli("search", "--json", "뇌 청소부 세포 없는단어", data_dir=recall_data)
    assert got.returncode == 0, got.stderr
    out = json.loads(got.stdout)
    assert out["matched"] == "most" and out["results"][0]["id"] == "r01_brain"
    got = run_cli("search", "--json", "뇌 청소부", data_dir=recall_data)
    assert json.loads(got.stdout)["matched"] == "all"
