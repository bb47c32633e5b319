"""A site's section path above the headline ("홈 > 경제 > IT·과학") is furniture, listed as
removed, and never taken for the title (found on a page written for the tmux acceptance run)."""

from __future__ import annotations

from datetime import date

import pytest

from briefing.search.ingest import furniture as fx
from briefing.search.ingest.page import extract_page

PAGE = """홈 > 경제 > IT·과학

[IT 돋보기] 과기정통부, AI 기본법 시행령 초안 공개…"스타트업 부담 줄인다"

입력 2026.11.24 14:32 수정 2026.11.24 16:05
정소연 기자

과학기술정보통신부(과기정통부)는 24일 인공지능(AI) 기본법 시행령 초안을 공개하고 다음 달 12일까지 의견을 받는다고 밝혔다.

초안은 고영향 AI를 개발하거나 운영하는 사업자가 지켜야 할 위험관리 의무를 구체화했다.
"""


@pytest.mark.parametrize("line", ["홈 > 경제 > IT·과학", "스포츠 > 야구", "국제 › 일본", "뉴스 » 산업 » 반도체·디스플레이"])
def test_section_paths_are_breadcrumbs(line):
    assert fx.is_breadcrumb(line)


@pytest.mark.parametrize("line", [
    "삼성전자 > 애플? 점유율 역전",  # a headline using '>' as a comparison
    "매출이 3조 > 2조로 줄었다.",
    "SK, 일본과 협력 가속 … 최태원회장 22일 도쿄서 日재계 회동",
])
def test_headlines_and_sentences_are_not(line):
    assert not fx.is_breadcrumb(line)


def test_breadcrumb_is_removed_with_its_reason_and_the_headline_is_the_title():
    parts = extract_page(PAGE, today=date(2026, 11, 30))
    assert parts.title.startswith("[IT 돋보기] 과기정통부, AI 기본법 시행령 초안 공개")
    assert ("홈 > 경제 > IT·과학", "breadcrumb") in parts.dropped
    assert not any("홈 >" in p for p in parts.paragraphs)
