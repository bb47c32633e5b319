"""Publication dates: evidence, confidence, and 'unknown' rather than a guess."""

from __future__ import annotations

from datetime import date

import pytest

from briefing.search.ingest import pubdate
from briefing.search.ingest.page import extract_page


@pytest.mark.parametrize(
    "line, today, expected",
    [
        ("12.04 (수)", date(2026, 11, 21), date(2024, 12, 4)),   # weekday pins 2024
        ("12.04 (목)", date(2026, 11, 21), date(2025, 12, 4)),
        ("01.01 (수)", date(2025, 1, 1), date(2025, 1, 1)),      # today itself
        ("12.31 (화)", date(2025, 1, 2), date(2024, 12, 31)),    # across a year boundary
        ("02.29 (목)", date(2026, 11, 21), date(2024, 2, 29)),   # leap day
        ("12.04", date(2026, 11, 21), None),                     # no weekday: not a widget
    ],
)
def test_widget_weekday_pins_year(line, today, expected):
    assert pubdate.widget_date(line, today) == expected


def test_view_counter_glued_to_date():
    found = pubdate.header_date(["조회 2562025. 4. 2."])
    assert found.value == date(2025, 4, 2) and "counter" in found.evidence


def test_labelled_line_beats_updated_line():
    found = pubdate.labelled_date(["수정 2025.03.04 11:00", "입력 2025.03.02 10:21"])
    assert found.value == date(2025, 3, 2) and found.confidence > 0.9


def test_lead_day_before_widget_goes_to_previous_month_and_year():
    found = pubdate.lead_day_date(["30일 업계에 따르면 회사는 증설을 결정했다."], date(2025, 1, 3), "widget")
    assert found.value == date(2024, 12, 30) and found.confidence < 0.9


def test_lead_day_in_same_month():
    found = pubdate.lead_day_date(["2일 재계에 따르면 회장은 출장을 떠났다."], date(2025, 4, 5), "widget")
    assert found.value == date(2025, 4, 2)


def test_filename_date_is_labelled_low_confidence():
    found = pubdate.filename_date("mk_2025-02-05_samsung.txt")
    assert found.value == date(2025, 2, 5) and found.confidence <= 0.3 and "file name" in found.evidence
    assert pubdate.filename_date("000_f1c4a8f3a5b85301.txt") is None
    assert pubdate.filename_date("20251399.txt") is None


def test_no_year_means_unknown():
    text = "기사 제목이다\n21일(현지시간) 미국 관보에 따르면 두 회사는 의견서를 냈다.\n지난 12일 제출했다."
    parts = extract_page(text, today=date(2026, 11, 21))
    assert parts.published.value is None and parts.published.confidence == 0.0


def test_widget_without_lead_day_is_a_labelled_fallback():
    parts = extract_page("12.04 (수)\n제목 줄이다\n본문은 날짜가 없다고 밝혔다.", today=date(2026, 11, 21))
    assert parts.published.value == date(2024, 12, 4)
    assert parts.published.confidence < 0.5 and "widget" in parts.published.evidence


def test_dates_in_the_body_are_not_publication_dates():
    text = "제목 줄이다\n" + "이 회사는 2023. 4. 2. 설립된 뒤 빠르게 성장했다고 설명하면서 투자를 늘린다고 밝혔다." * 2
    assert extract_page(text, today=date(2026, 11, 21)).published.value is None
