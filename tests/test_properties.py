"""Property tests: the analyser, the date resolver, the entity extractor, the page cleaner and the
query parser never raise on arbitrary Unicode, and every offset slices the original text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.search.language.analysis import TextAnalyser
from briefing.search.config import load_config
from briefing.search.timeline.dates import find_dates
from briefing.search.entities.mentions import extract_mentions
from briefing.search.errors import QueryError
from briefing.search.entities.gazetteer import Gazetteer
from briefing.search.ingest.page import extract_page
from briefing.search.index.query import parse_query

# Korean-heavy text with the troublemakers mixed in: hanja, emoji, controls, surrogates excluded.
KOREAN = st.sampled_from(list("삼성전자가소프트뱅크와손정의회장은일지난해월년까지께이달초말중순")
                         + ["삼성", "SK", "오픈AI", "MS", "최 회장", "21일", "2025년", "10월 29일", " ", ". ", "\n"])
ODD = st.characters(blacklist_categories=("Cs",))
TEXT = st.lists(st.one_of(KOREAN, ODD, st.sampled_from(["漢字", "😀", "\x00", "\u200b", "\t", "\r\n"])),
                max_size=60).map("".join)
ANALYSER = TextAnalyser.from_gazetteer(load_config(use_user_file=False).gazetteer)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def gazetteer():
    cfg = load_config(use_user_file=False)
    return Gazetteer.from_entries(cfg.gazetteer)


@SETTINGS
@given(TEXT)
def test_analyser_offsets_slice_the_text(text):
    for term in ANALYSER.analyze(text, "index"):
        assert 0 <= term.start < term.end <= len(text)
        assert term.text


@SETTINGS
@given(TEXT, st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31))))
def test_dates_never_raise_and_slice(text, published):
    for m in find_dates(text, published):
        assert text[m.start:m.end] == m.expr
        if m.value and published is None:
            assert m.precision == "year" or not m.relative


@SETTINGS
@given(text=TEXT)
def test_entities_never_raise_and_slice(gazetteer, text):
    for m in extract_mentions(text, gazetteer):
        assert text[m.start:m.end] == m.text
        assert m.type in ("company", "person", "place", "org")


@SETTINGS
@given(TEXT)
def test_page_cleaner_never_raises(text):
    parts = extract_page(text, today=date(2026, 11, 21))
    for para in parts.paragraphs:
        assert para.strip()


@SETTINGS
@given(st.lists(st.sampled_from(list('삼성 "()-:*?.0123456789') + [
    "OR", " OR ", "AND", "NOT", "company:", "person:", "date:", "foo:", "..", "2025-02", '"AI 수출"', "-삼성"]),
    max_size=20).map("".join))
def test_query_parser_raises_only_query_errors(text):
    try:
        parse_query(text, analyser=ANALYSER)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
