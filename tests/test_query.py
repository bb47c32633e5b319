"""The query language: structure of the parsed queries and one-line errors for bad input."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from briefing.search.language.analysis import TextAnalyser
from briefing.search.errors import QueryError
from briefing.search.index.query import FIELDS, MAX_QUERY_CHARS, parse_query

pytestmark = pytest.mark.slow


ANALYSER = TextAnalyser({"softbank": "소프트뱅크", "softbank group": "소프트뱅크"})


@pytest.fixture
def aliases():
    """The queries of a test are analysed with ANALYSER (two aliases); kept as a marker."""
    yield


def _terms(q: wq.Query) -> set[tuple[str, str]]:
    return {(f, t) for f, t in q.iter_all_terms()}


def test_empty_query_matches_everything():
    for text in ("", "   ", "\t\n"):
        p = parse_query(text, analyser=ANALYSER)
        assert p.empty and isinstance(p.query, wq.Every)


def test_words_are_anded_and_particles_removed():
    p = parse_query("삼성전자가 반도체를", analyser=ANALYSER)
    assert isinstance(p.query, wq.And)
    assert p.terms == ["삼성전자", "반도체"]
    assert ("body", "삼성전자") in _terms(p.query) and ("title", "반도체") in _terms(p.query)
    assert not any(t in ("가", "를") for _f, t in _terms(p.query))


def test_or_groups_two_words():
    p = parse_query("소프트뱅크 OR 오픈AI", analyser=ANALYSER)
    assert isinstance(p.query, wq.Or)
    assert {"소프트뱅크", "ai"} <= {t for _f, t in _terms(p.query)}


def test_or_binds_tighter_than_and():
    p = parse_query("반도체 소프트뱅크 OR 엔비디아", analyser=ANALYSER)
    assert isinstance(p.query, wq.And)
    kinds = sorted(type(sub).__name__ for sub in p.query.subqueries)
    assert kinds == ["Or", "Or"]  # 반도체 over fields, and the OR group


def test_minus_excludes():
    p = parse_query("반도체 -삼성전자", analyser=ANALYSER)
    assert isinstance(p.query, wq.AndNot)
    assert ("body", "삼성전자") in _terms(p.query.b)
    assert p.terms == ["반도체"]  # excluded words are not highlighted


def test_only_exclusions_search_everything_else():
    p = parse_query("-삼성전자", analyser=ANALYSER)
    assert isinstance(p.query, wq.AndNot) and isinstance(p.query.a, wq.Every)


def test_phrase_uses_title_positions_and_body_pairs():
    p = parse_query('"AI 수출 프로그램"', analyser=ANALYSER)
    assert isinstance(p.query, wq.Or)
    title, body = p.query.subqueries
    assert isinstance(title, wq.Phrase) and title.fieldname == "title"
    assert title.words == ["ai", "수출", "프로그램"]
    assert isinstance(body, wq.And)
    assert [(q.fieldname, q.text) for q in body.subqueries] == [
        ("body_pairs", "ai 수출"), ("body_pairs", "수출 프로그램")]


def test_typographic_quotes_make_a_phrase():
    assert parse_query("\u201cAI 수출 프로그램\u201d", analyser=ANALYSER).query == parse_query('"AI 수출 프로그램"', analyser=ANALYSER).query


def test_english_alias_expands(aliases):
    p = parse_query("SoftBank", analyser=ANALYSER)
    assert {"softbank", "소프트뱅크"} <= {t for _f, t in _terms(p.query)}


def test_multi_word_alias_becomes_phrase_or_canonical(aliases):
    p = parse_query("SoftBank Group 투자", analyser=ANALYSER)
    found = {t for _f, t in _terms(p.query)}
    assert "소프트뱅크" in found and "group" in found
    # "group" is only needed inside the alias phrase: the canonical name alone also matches
    assert isinstance(p.query, wq.And) and len(p.query.subqueries) == 2


def test_entity_field_uses_the_resolver():
    seen = []

    def resolve(name, etype):
        seen.append((name, etype))
        return "소프트뱅크" if name.lower() == "softbank" else None

    p = parse_query("company:SoftBank", resolve, analyser=ANALYSER)
    assert p.query == wq.Term("company", "소프트뱅크")
    assert seen == [("SoftBank", "company")]
    assert parse_query("person:손정의", analyser=ANALYSER).query == wq.Term("person", "손정의")


def test_field_value_can_be_quoted():
    p = parse_query('publisher:"The Economy"', analyser=ANALYSER)
    assert p.query == wq.Term("publisher", "the economy")


def test_field_names_ignore_case():
    assert parse_query("Company:소프트뱅크", analyser=ANALYSER).query == wq.Term("company", "소프트뱅크")


def test_title_field_searches_title_only():
    p = parse_query("title:스타게이트", analyser=ANALYSER)
    assert {f for f, _t in _terms(p.query)} == {"title"}


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("date:2025", datetime(2025, 1, 1), datetime(2025, 12, 31, 23, 59, 59)),
        ("date:2025-02", datetime(2025, 2, 1), datetime(2025, 2, 28, 23, 59, 59)),
        ("date:2024-02", datetime(2024, 2, 1), datetime(2024, 2, 29, 23, 59, 59)),
        ("date:2025-02-04", datetime(2025, 2, 4), datetime(2025, 2, 4, 23, 59, 59)),
        ("date:2025-02..2025-04", datetime(2025, 2, 1), datetime(2025, 4, 30, 23, 59, 59)),
        ("date:..2024", None, datetime(2024, 12, 31, 23, 59, 59)),
        ("date:2024-06..", datetime(2024, 6, 1), None),
    ],
)
def test_date_ranges(text, start, end):
    q = parse_query(text, analyser=ANALYSER).query
    assert isinstance(q, wq.DateRange) and q.fieldname == "published"
    assert (q.startdate, q.enddate) == (start, end)


@pytest.mark.parametrize(
    "text, needle",
    [
        ('"AI 수출 프로그램', "quote"),
        ("OR", "OR"),
        ("삼성 OR", "OR"),
        ("OR 삼성", "OR"),
        ("삼성 OR OR 엔비디아", "OR"),
        ("-", "-"),
        ("반도체 - 삼성", "-"),
        ("foo:bar", "company:"),
        ("company:", "value"),
        ("date:2025-13", "date:"),
        ("date:2025-02-30", "date:"),
        ("date:abc", "date:"),
        ("date:2025..2024", "before"),
        ("date:..", "date:"),
        ('""', "phrase"),
        ("-소프트뱅크 OR 오픈AI", "OR"),
        ("!!! ... ?", "nothing"),
        ("가" * 5000, "long"),
    ],
)
def test_malformed_queries_raise_one_line_query_errors(text, needle):
    with pytest.raises(QueryError) as err:
        parse_query(text, analyser=ANALYSER)
    msg = str(err.value)
    assert needle in msg
    assert "\n" not in msg and len(msg) < 300


def test_unknown_field_lists_the_fields():
    with pytest.raises(QueryError) as err:
        parse_query("foo:bar", analyser=ANALYSER)
    for name in FIELDS:
        assert f"{name}:" in str(err.value)


def test_urls_and_times_are_words_not_fields():
    assert "반도체" in parse_query("https://mk.co.kr/news 반도체", analyser=ANALYSER).terms
    assert "회의" in parse_query("10:30 회의", analyser=ANALYSER).terms


def test_length_limit_is_inclusive():
    text = ("반도체 " * MAX_QUERY_CHARS)[:MAX_QUERY_CHARS]
    assert parse_query(text, analyser=ANALYSER).terms == ["반도체"]
    with pytest.raises(QueryError):
        parse_query(text + "x", analyser=ANALYSER)


_ALPHABET = st.sampled_from(list('삼성전자 소프트뱅크AIOR"-:()date.2025foo,\t') + ["OR", " OR ", "company:", "date:"])


@settings(max_examples=60, deadline=None)
@given(st.lists(_ALPHABET, max_size=12).map("".join))
def test_any_input_parses_or_raises_query_error(text):
    try:
        p = parse_query(text, analyser=ANALYSER)
    except QueryError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(p.query, wq.Query)
