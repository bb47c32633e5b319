"""Entity errors seen on unseen news (issue 16), on made-up sentences in news style: aliases inside
longer words, particles and departments glued to names, common nouns as people, types from
evidence, bracketed short forms, sports teams, and context (a line alone or in a longer text)."""

from __future__ import annotations

import pytest

from briefing.search.config import load_config
from briefing.search.entities.gazetteer import Gazetteer
from briefing.search.entities.gazetteer_names import gazetteer_only
from briefing.search.entities.lexicon import shipped_lexicon
from briefing.search.entities.mentions import entity_counts, extract_mentions, extract_mentions_many
from briefing.search.entities.names import strip_particle


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_entries(load_config(use_user_file=False).gazetteer)


def _found(text: str, gaz: Gazetteer) -> list[tuple[str, str, str]]:
    return [(m.text, m.type, m.name) for m in extract_mentions(text, gaz)]


# --- no alias inside a longer word -------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "모바일 애플리케이션 시장이 빠르게 커지고 있다.",
    "웹애플리케이션 보안 취약점이 잇따라 발견됐다.",
    "애플리케이션 개발자들이 판교에 몰렸다.",
])
def test_no_alias_inside_a_longer_word(gaz, text):
    assert not [m for m in extract_mentions(text, gaz) if m.name == "애플"]


def test_fallback_scan_keeps_word_boundaries(gaz):
    found = gazetteer_only("애플리케이션 시장에서 애플은 1위다.", gaz)
    assert [(m.text, m.name) for m in found] == [("애플", "애플")]


# --- nothing glued to a person ---------------------------------------------------------------------
def test_particle_is_not_part_of_a_name():
    assert strip_particle("요시다 히로시가") == "요시다 히로시"
    assert strip_particle("다나카 유키는") == "다나카 유키"
    assert strip_particle("김정은") == "김정은"  # a three-syllable Korean name keeps its end
    assert strip_particle("사카이") == "사카이"  # 이 after a vowel is no particle


@pytest.mark.parametrize("text,person,department", [
    ('홍길동 화학공학과 교수는 "배터리 수명이 두 배로 늘었다"고 말했다.', "홍길동", "화학공학과"),
    ("김영희 서울대 화학공학과 교수 연구팀이 논문을 발표했다.", "김영희", "화학공학과"),
])
def test_department_is_not_glued_to_a_person(gaz, text, person, department):
    found = extract_mentions(text, gaz)
    people = [m.name for m in found if m.type == "person"]
    assert people == [person]
    assert not any(department in m.name for m in found if m.type == "person")


# --- common nouns are never people -------------------------------------------------------------
@pytest.mark.parametrize("text,nouns", [
    ("주전 투수 김민수는 7회까지 무실점으로 막았다.", ("투수",)),
    ("투수 교체 타이밍이 승부를 갈랐다.", ("투수",)),
    ("가족 단위 관광객들이 디즈니 랜드와 놀이공원을 찾았다.", ("디즈니", "랜드", "놀이공원")),
    ("2020년 코로나19 때를 제외하고는 매년 행사가 열렸다.", ("코로나",)),
])
def test_common_nouns_are_never_people(gaz, text, nouns):
    people = [m.text for m in extract_mentions(text, gaz) if m.type == "person"]
    assert not [p for p in people if any(n in p for n in nouns)], people


# --- types from evidence -----------------------------------------------------------------------
def test_countries_are_places(gaz):
    for text in ("인도는 올해 세계 최대 인구 국가가 됐다.", "프랑스 정부와 인도 정부가 협정을 맺었다."):
        for m in extract_mentions(text, gaz):
            if m.text in ("인도", "프랑스"):
                assert m.type == "place", (text, m)
    assert ("인도", "place", "인도") in _found("인도는 올해 세계 최대 인구 국가가 됐다.", gaz)


def test_lexicon_types_discovered_names():
    lexicon = shipped_lexicon()
    assert lexicon.entity_type("인도") == "place"
    assert lexicon.entity_type("애플") == "company"
    assert lexicon.entity_type("다저스") == "org"
    assert lexicon.common_noun("투수") and lexicon.entity_type("투수") is None


@pytest.mark.parametrize("text,person,place", [
    ("멜로니 이탈리아 총리는 이날 로마에서 기자회견을 열었다.", "멜로니", "이탈리아"),
    ("모디 인도 총리가 이틀 일정으로 방한했다.", "모디", "인도"),
    ("룰라 브라질 대통령은 성명을 내고 유감을 표했다.", "룰라", "브라질"),
])
def test_a_country_between_a_name_and_a_title_is_a_place(gaz, text, person, place):
    found = extract_mentions(text, gaz)
    assert [m.name for m in found if m.type == "person"] == [person]
    assert [m.type for m in found if m.text == place] == ["place"]


def test_a_name_ending_like_a_city_is_still_a_name(gaz):
    found = _found("시바타 노부요시 일본 경제산업성 장관은 수출 규제를 설명했다.", gaz)
    assert ("시바타 노부요시", "person", "시바타 노부요시") in found
    assert not [f for f in found if f[1] == "place" and "노부요시" in f[0]]


def test_a_person_before_a_team_name_stays_a_person(gaz):
    found = _found("김철수 다저스 감독은 경기 뒤 선수들을 칭찬했다.", gaz)
    assert ("김철수", "person", "김철수") in found
    assert ("다저스", "org", "다저스") in found


# --- short forms defined in brackets -----------------------------------------------------------
def test_bracketed_short_form_is_an_alias_for_the_rest_of_the_text(gaz):
    text = "한국반도체산업협회(반산협)는 이날 보고서를 냈다. 반산협 관계자는 수출이 늘 것이라고 말했다."
    found = _found(text, gaz)
    assert found.count(("반산협", "org", "한국반도체산업협회")) == 2
    assert entity_counts(extract_mentions(text, gaz)) == {"org": [("한국반도체산업협회", 3)]}


def test_bracketed_acronym_is_an_alias(gaz):
    text = "일본 반도체제조장비협회(SEAJ)에 따르면 SEAJ는 올해 장비 판매가 늘 것으로 내다봤다."
    assert _found(text, gaz).count(("SEAJ", "org", "반도체제조장비협회")) == 2


def test_gazetteer_long_and_short_forms_are_one_facet(gaz):
    text = "과학기술정보통신부(과기정통부)는 이날 계획을 발표했다. 과기정통부 관계자는 예산을 늘린다고 말했다."
    assert entity_counts(extract_mentions(text, gaz)) == {"org": [("과학기술정보통신부", 3)]}


def test_ages_and_notes_in_brackets_are_not_aliases(gaz):
    text = "김민수(32) 선수와 한국전력공사(사진)는 이날 협약을 맺었다."
    assert not [m for m in extract_mentions(text, gaz) if m.text in ("32", "사진")]


# --- sports teams ------------------------------------------------------------------------------
@pytest.mark.parametrize("text,teams", [
    ("삼성 라이온즈와 LG 트윈스의 경기가 비로 취소됐다.", ["삼성 라이온즈", "LG 트윈스"]),
    ("뉴욕 양키스는 LA 다저스와의 월드시리즈에서 패했다.", ["뉴욕 양키스", "LA 다저스"]),
])
def test_teams_named_by_city_or_sponsor_are_organisations(gaz, text, teams):
    found = extract_mentions(text, gaz)
    assert [m.name for m in found if m.type == "org"] == teams
    assert not [m for m in found if m.type in ("person", "place", "company")]


# --- context -----------------------------------------------------------------------------------
LINES = [
    "삼성전자는 평택캠퍼스에 새 생산라인을 짓는다고 밝혔다.",
    "도쿄대 연구진에 따르면 야마모토 다카시가 개발을 주도했다.",
    "뉴욕 양키스는 LA 다저스와의 월드시리즈에서 패했다.",
    "미국 반도체산업협회(SIA)에 따르면 SIA는 올해 매출이 늘 것으로 내다봤다.",
    "김철수",
    "다저스 구단은 이날 새 감독을 발표했다.",
]


def test_a_line_gets_the_same_mentions_alone_or_in_a_longer_text(gaz):
    alone = extract_mentions_many(LINES, gaz)
    joined = extract_mentions("\n".join(LINES), gaz)
    offset = 0
    for line, mentions in zip(LINES, alone):
        inside = [(m.start - offset, m.end - offset, m.type, m.name) for m in joined
                  if offset <= m.start < offset + len(line)]
        assert inside == [(m.start, m.end, m.type, m.name) for m in mentions], line
        offset += len(line) + 1


def test_no_mention_crosses_a_line(gaz):
    text = "\n".join(LINES)
    assert not [m for m in extract_mentions(text, gaz) if "\n" in m.text]
    assert not [m for m in extract_mentions("김철수\n다저스", gaz) if "\n" in m.text]


# --- a company query and the articles that only mention apps ---------------------------------
@pytest.mark.slow
def test_company_query_skips_articles_about_applications(tmp_path):
    from briefing.search.engine import Engine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "apple.md").write_text(
        "# 애플, 새 아이폰 공개\n\n2024년 9월 10일\n\n애플은 10일 미국 캘리포니아에서 새 아이폰을 공개했다. "
        "팀 쿡 최고경영자는 인공지능 기능을 강조했다.\n", encoding="utf-8")
    (corpus / "apps.md").write_text(
        "# 모바일 애플리케이션 시장 급성장\n\n2024년 9월 11일\n\n국내 모바일 애플리케이션 시장이 빠르게 "
        "커지고 있다. 애플리케이션 개발자들은 구독 모델을 늘리고 있다.\n", encoding="utf-8")
    config = load_config(use_user_file=False)
    engine = Engine(config, tmp_path / "data")
    try:
        engine.set_corpus([corpus])
        engine.update()
        for query in ("애플", "company:애플"):
            titles = [h.title for h in engine.search(query).hits]
            assert titles == ["애플, 새 아이폰 공개"], (query, titles)
        assert [e.name for e in engine.entities("company")] == ["애플"]
    finally:
        engine.close()
