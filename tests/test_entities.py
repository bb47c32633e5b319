"""Entity extraction: gazetteer aliases, discovery from titles/suffixes, short forms, credits,
robustness, and the seed gold thresholds (through ingest_file)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.search.config import GazetteerEntry, load_config
from briefing.search.entities.mentions import Mention, entity_counts, extract_mentions, extract_mentions_many, source_credits
from briefing.search.entities.gazetteer import Gazetteer

from .conftest import DATA, TODAY

pytestmark = pytest.mark.slow  # loads Kiwi

TYPES = ("company", "person", "place", "org")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The shipped gazetteer, with Kiwi configured the way the engine configures it."""
    entries = load_config(use_user_file=False).gazetteer
    try:
        from briefing.search.language.analysis import register_gazetteer_words

        register_gazetteer_words(entries)
    except ImportError:
        pass
    return Gazetteer.from_entries(entries)


def names(mentions, type_=None, role="story") -> set[str]:
    return {m.name for m in mentions if (type_ is None or m.type == type_) and m.role == role}


def assert_well_formed(text: str, mentions: list[Mention]) -> None:
    last_end = 0
    for m in mentions:
        assert text[m.start:m.end] == m.text
        assert m.start >= last_end, "mentions overlap or are unsorted"
        assert m.type in TYPES and m.role in ("story", "source") and m.name
        last_end = m.end


# --- gazetteer -----------------------------------------------------------------------------
def test_resolve_aliases_and_latin_case(gaz):
    assert gaz.canonical("삼성") == "삼성전자"
    assert gaz.canonical("MS") == "마이크로소프트"
    assert gaz.canonical("닛케이") == "니혼게이자이신문"
    assert gaz.canonical("softbank") == gaz.canonical("SOFTBANK") == "소프트뱅크"
    assert gaz.canonical("다카유키 모리타") == "모리타 다카유키"
    assert gaz.canonical("손  회장") == "손정의"  # runs of spaces count as one
    assert gaz.canonical("없는회사") is None
    assert gaz.resolve("삼성", type="person") is None
    assert gaz.resolve("삼성", type="company").name == "삼성전자"


def test_conflicts_are_warnings_not_errors():
    entries = [
        GazetteerEntry("현대자동차", "company", ("현대",)),
        GazetteerEntry("현대백화점", "company", ("현대",)),
        GazetteerEntry("이상한것", "thing"),
    ]
    g = Gazetteer.from_entries(entries)
    warnings = g.conflicts()
    assert any("현대" in w and "현대자동차" in w and "현대백화점" in w for w in warnings)
    assert any("이상한것" in w for w in warnings)
    assert g.canonical("현대") in ("현대자동차", "현대백화점")
    assert "이상한것" not in g


def test_later_entry_with_same_name_replaces_earlier():
    g = Gazetteer.from_entries([
        GazetteerEntry("가온", "company", ("Gaon",)),
        GazetteerEntry("가온", "org", ("GAON Foundation",)),
    ])
    assert len(g) == 1 and g.by_name["가온"].type == "org"
    assert g.canonical("Gaon") is None and g.canonical("gaon foundation") == "가온"


def test_shipped_gazetteer_has_no_conflicts(gaz):
    assert gaz.conflicts() == []


# --- aliases and short forms in text ---------------------------------------------------------
def test_aliases_resolve_to_canonical_names(gaz):
    text = "MS와 닛케이, 그리고 올트먼 CEO와 손정의 소프트뱅크그룹 회장이 만났다. 다카유키 모리타 NEC 사장도 왔다."
    ms = extract_mentions(text, gaz)
    assert_well_formed(text, ms)
    assert {"마이크로소프트", "소프트뱅크", "NEC"} <= names(ms, "company")
    assert {"샘 올트먼", "손정의", "모리타 다카유키"} <= names(ms, "person")
    assert "니혼게이자이신문" in names(ms, "company")


def test_short_form_resolves_to_person_named_earlier(gaz):
    text = "김민수 한빛전자 사장은 10일 신제품을 공개했다. 김 사장은 이어 박영희 누리텔레콤 대표와 만났다. 박 대표는 웃었다."
    ms = extract_mentions(text, gaz)
    assert_well_formed(text, ms)
    persons = [(m.text, m.name) for m in ms if m.type == "person"]
    assert ("김 사장", "김민수") in persons
    assert ("박 대표", "박영희") in persons
    assert dict(entity_counts(ms)["person"]) == {"김민수": 2, "박영희": 2}


def test_unresolvable_short_form_is_not_an_entity(gaz):
    ms = extract_mentions("이 회장은 이날 아무 말도 하지 않았다.", gaz)
    assert names(ms, "person") == set()


def test_short_form_picks_the_most_recent_matching_person(gaz):
    text = "이재용 삼성전자 회장과 이민호 가나전자 회장이 만났다. 이 회장은 웃었다."
    ms = extract_mentions(text, gaz)
    short = [m for m in ms if m.text.startswith("이 회장")]
    assert short and short[0].name == "이민호"


def test_short_form_prefers_the_person_named_with_the_same_title(gaz):
    text = ("이재용 삼성전자 회장이 일본을 찾았다. 삼성의 일본 협력사 모임은 이건희 선대회장이 만들었다. "
            "이 선대회장은 1993년 신경영을 선언했다. 삼성전자 측은 이 회장의 방일에 대해 말을 아꼈다.")
    ms = extract_mentions(text, gaz)
    assert_well_formed(text, ms)
    short = {m.text: m.name for m in ms if m.type == "person" and m.text.startswith("이 ")}
    assert short == {"이 선대회장": "이건희", "이 회장": "이재용"}  # 이건희 is nearer, but no 회장


def test_short_form_after_a_determiner_reading_of_the_surname(gaz):
    # Kiwi may read the 이 of "이 회장" as the determiner "this" (MM); the short form still counts
    text = "이재용 삼성전자 회장은 1일 출장길에 올랐다. 이번 출장기간에 이 회장이 어떤 기업을 방문할지는 알려지지 않았다."
    ms = extract_mentions(text, gaz)
    assert [m.name for m in ms if m.text.startswith("이 회장")] == ["이재용"]


# --- discovery -----------------------------------------------------------------------------
def test_discovery_from_titles_and_suffixes(gaz):
    text = ("정민호 국토교통부 장관은 다나카 히로시 소니 사장과 만났다. 미르홀딩스와 가온증권이 합병하고, "
            "행사는 하늘시 구름구와 미르현에서 열렸다.")
    ms = extract_mentions(text, gaz)
    assert_well_formed(text, ms)
    assert {"정민호", "다나카 히로시"} <= names(ms, "person")
    assert {"미르홀딩스", "가온증권", "소니"} <= names(ms, "company")
    assert {"구름구", "미르현"} <= names(ms, "place")
    assert "국토교통부" in names(ms, "org")
    assert "히로시" not in names(ms)  # a given name ending in 시 is not a city


def test_discovered_name_counts_its_bare_repeats(gaz):
    text = "최준혁 가람전자 대표가 참석했다. 행사 뒤 최준혁은 가람전자의 계획을 밝혔다."
    counts = entity_counts(extract_mentions(text, gaz))
    assert ("최준혁", 2) in counts["person"]
    assert ("가람전자", 2) in counts["company"]


def test_one_syllable_alias_needs_support(gaz):
    assert names(extract_mentions("암 환자가 늘었다. 암 치료비도 올랐다.", gaz)) == set()
    ms = extract_mentions("르네 하스 Arm CEO가 방한했다. 암은 반도체 설계 회사다.", gaz)
    assert [m.name for m in ms if m.text == "암"] == ["Arm"]


def test_common_nouns_and_acronyms_are_not_companies(gaz):
    ms = extract_mentions("AI반도체와 전자업계, 암 환자 치료, 투자요청이 늘었다.", gaz)
    assert names(ms) == set()


# --- bylines, credits, sources -----------------------------------------------------------------
def test_reporter_names_are_never_entities(gaz):
    text = "4일 서울에 도착한 손정의 소프트뱅크그룹 회장. 박해리 기자\n\n[도쿄 이승훈 특파원 / 서울 정승환 기자]"
    ms = extract_mentions(text, gaz)
    assert_well_formed(text, ms)
    assert "손정의" in names(ms, "person")
    assert not {"박해리", "이승훈", "정승환"} & names(ms)
    assert all(m.start < text.index("[도쿄") for m in ms), "nothing inside a byline bracket"


def test_media_credited_only_as_source(gaz):
    text = "삼성전자 반도체 그래픽 [사진=연합뉴스]\n닛케이는 도요타가 상장한다고 보도했다."
    ms = extract_mentions(text, gaz)
    assert {"연합뉴스", "니혼게이자이신문"} <= names(ms, role="source")
    assert "연합뉴스" not in dict(entity_counts(ms).get("company", []))
    assert "도요타자동차" in names(ms, "company")
    assert dict(source_credits(ms)) == {"연합뉴스": 1, "니혼게이자이신문": 1}


def test_media_as_story_subject_stays_a_story_entity(gaz):
    ms = extract_mentions("연합뉴스는 올해 새 사옥으로 이전하고 직원을 늘렸다.", gaz)
    assert "연합뉴스" in names(ms, "company")


# --- API shape and robustness -------------------------------------------------------------------
def test_entity_counts_sorted_by_count_then_name():
    ms = [Mention(0, 1, "a", "company", "나", "story"), Mention(2, 3, "b", "company", "가", "story"),
          Mention(4, 5, "c", "company", "나", "story"), Mention(6, 7, "d", "company", "다", "source")]
    assert entity_counts(ms) == {"company": [("나", 2), ("가", 1)]}


def test_batch_equals_one_by_one(gaz):
    texts = ["이재용 삼성전자 회장이 일본에 갔다.", "", "MS와 OpenAI", "최 회장은 최태원 SK그룹 회장이다."]
    assert extract_mentions_many(texts, gaz) == [extract_mentions(t, gaz) for t in texts]


@pytest.mark.parametrize("text", [
    "", " ", "\n\n\n", "😀🇰🇷 삼성 😀", "\x00\x01\x02삼성\x7f", "은는이가" * 2500, "三星電子 日本 美國 中國",
    "삼성" * 3000, "\u200b삼성\u200b전자\ufeff", "A" * 20000, "(((((((", "회장 회장 회장 사장",
])
def test_never_raises_and_offsets_slice(gaz, text):
    ms = extract_mentions(text, gaz)
    assert_well_formed(text, ms)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_unicode(gaz, text):
    assert_well_formed(text, extract_mentions(text, gaz))


# --- the seeds against the gold -----------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_entities(seeds_dir, gaz):
    from briefing.search.ingest.sources import ingest_file

    out = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        article = ingest_file(path, today=TODAY)[0]
        found = defaultdict(set)
        for text in (article.title, article.body):
            ms = extract_mentions(text, gaz)
            assert_well_formed(text, ms)
            for m in ms:
                if m.role == "story":
                    found[m.type].add(m.name)
        out[path.stem] = (article, found)
    return out


def test_seed_recall_and_precision_per_type(seed_entities, gold):
    hit, must_n, correct, found_n = (defaultdict(int) for _ in range(4))
    for art_id, spec in gold.items():
        _, found = seed_entities[art_id]
        for t in TYPES:
            must = set((spec["entities"].get(t) or {}).get("must") or [])
            ok = set((spec["entities"].get(t) or {}).get("ok") or [])
            hit[t] += len(must & found[t])
            must_n[t] += len(must)
            correct[t] += len(found[t] & (must | ok))
            found_n[t] += len(found[t])
    for keys in [(t,) for t in TYPES] + [TYPES]:
        recall = sum(hit[k] for k in keys) / max(1, sum(must_n[k] for k in keys))
        precision = sum(correct[k] for k in keys) / max(1, sum(found_n[k] for k in keys))
        assert recall >= 0.9, (keys, recall)
        assert precision >= 0.85, (keys, precision)


def test_gold_aliases_resolve(gaz, gold_aliases):
    unresolved = [
        (name, alias) for name, aliases in gold_aliases.items() for alias in aliases
        if alias not in ("이 회장", "최 회장", "다카유키") and gaz.canonical(alias) != name
    ]
    assert not unresolved


def test_bylines_of_seeds_are_not_entities(seed_entities):
    for article, found in seed_entities.values():
        assert not set(article.byline) & found["person"]


def test_no_entity_from_the_aggregator_list(seed_entities, seeds_dir, gaz, gold):
    """Headlines of other stories listed under an article (numbered rows) give it no entities."""
    for path in sorted(seeds_dir.glob("*.txt")):
        rows = [line for line in path.read_text(encoding="utf-8").splitlines()
                if re.match(r"^(\d{4,6}|»\s*»+)\s", line)]
        if not rows:
            continue
        listed = set()
        for ms in extract_mentions_many(rows, gaz):
            listed |= {m.name for m in ms}
        spec = gold[path.stem]["entities"]
        allowed = {n for t in TYPES for n in (spec.get(t) or {}).get("must", []) + (spec.get(t) or {}).get("ok", [])}
        _, found = seed_entities[path.stem]
        leaked = (listed - allowed) & set().union(*found.values())
        assert not leaked


# --- the learned tagger -------------------------------------------------------------------------
def _klue_sentences(path: Path):
    from training.klue import read_klue

    return [(text, {s for s in spans if s[2] in ("PS", "LC", "OG")}) for text, spans in read_klue(path)]


def _f1(sents, gaz, use_model: bool) -> float:
    kind = {"person": "PS", "place": "LC", "company": "OG", "org": "OG"}
    preds = extract_mentions_many([s for s, _ in sents], gaz, use_model=use_model)
    tp = fp = fn = 0
    for (_, gold), ms in zip(sents, preds):
        pred = {(m.start, m.end, kind[m.type]) for m in ms}
        tp, fp, fn = tp + len(pred & gold), fp + len(pred - gold), fn + len(gold - pred)
    return 2 * tp / max(1, 2 * tp + fp + fn)


def test_shipped_tagger_beats_rules_on_unseen_klue_sample(gaz):
    from briefing.search.entities.tagger import shipped_tagger

    assert shipped_tagger() is not None, "the model file ships in search/entities/models_data/"
    sents = _klue_sentences(DATA / "klue-ner" / "wikitree-sample.tsv")
    assert len(sents) == 120
    with_model, rules_only = _f1(sents, gaz, True), _f1(sents, gaz, False)
    assert with_model > rules_only + 0.05, (with_model, rules_only)


def test_shipped_data_files_load():
    """The tagger and the konec lexicon fall back to nothing when their files are missing: a
    move of the package must not silently switch them off."""
    from briefing.search.entities.lexicon import LEXICON_PATH, shipped_lexicon
    from briefing.search.entities.tagger import MODEL_PATH

    assert MODEL_PATH.is_file() and LEXICON_PATH.is_file()
    assert len(shipped_lexicon().rows) > 10000
