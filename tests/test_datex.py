"""Date expressions: every form of issue 5, at month and year boundaries, and the tense rules."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.search.timeline.dates import clause_tense, find_dates, sentence_spans


def one(text: str, published: date | None, expr: str | None = None):
    """The single mention in ``text`` (or the one whose expression is ``expr``)."""
    found = find_dates(text, published)
    if expr is not None:
        found = [m for m in found if m.expr == expr]
    assert len(found) == 1, [m.expr for m in found]
    m = found[0]
    assert text[m.start:m.end] == m.expr
    return m


# --------------------------------------------------------------------------- absolute forms


def test_dotted_full_date():
    m = one("협약은 2025. 4. 2. 체결됐다.", None)
    assert (m.expr, m.value, m.precision, m.relative) == ("2025. 4. 2.", "2025-04-02", "day", False)


def test_iso_and_dotted_compact_dates():
    assert one("발표 2025.02.05 기준", None).value == "2025-02-05"
    assert one("공시일 2024-12-31 이후", None).value == "2024-12-31"


def test_year_month():
    m = one("이 회장은 2023년 2월 천안캠퍼스를 찾았다.", date(2025, 4, 2))
    assert (m.expr, m.value, m.precision) == ("2023년 2월", "2023-02", "month")
    assert (m.date_from, m.date_to) == (date(2023, 2, 1), date(2023, 2, 28))


def test_year_month_day_with_leap_day():
    m = one("2024년 2월 29일 발표했다.", None)
    assert (m.value, m.precision, m.relative) == ("2024-02-29", "day", False)


def test_bare_year():
    m = one("1993년 신경영 선언과 함께 시작한 모임이다.", date(2025, 4, 2))
    assert (m.value, m.precision, m.date_from, m.date_to) == ("1993", "year", date(1993, 1, 1), date(1993, 12, 31))


def test_month_day_without_year_past_tense_stays_before_publication():
    pub = date(2025, 11, 22)
    assert one("양국은 10월 29일 체결한 협약에서", pub).value == "2025-10-29"
    # at a year boundary: published in January, a past October is last year's
    assert one("양국은 10월 29일 협약을 체결했다.", date(2026, 1, 3)).value == "2025-10-29"


def test_month_day_without_year_future_goes_forward():
    assert one("행사는 2월 3일 열릴 예정이다.", date(2025, 12, 20)).value == "2026-02-03"


def test_absolute_year_resolves_without_publication_date():
    m = one("일본은 2030년까지 10조 엔을 투입한다.", None)
    assert (m.expr, m.value, m.qualifier) == ("2030년까지", "2030", "until")


# --------------------------------------------------------------------------- relative days


def test_jinan_day_same_month():
    m = one("지난 8일 도쿄에서 만났다.", date(2024, 11, 21))
    assert (m.expr, m.value, m.relative) == ("지난 8일", "2024-11-08", True)


def test_jinan_day_across_year_boundary():
    assert one("지난 28일 발표했다.", date(2025, 1, 3)).value == "2024-12-28"


def test_jinan_day_skips_months_without_that_day():
    # published 1 March: the last 30th was in January (February has none)
    assert one("지난 30일 발표했다.", date(2025, 3, 1)).value == "2025-01-30"


def test_bare_day_future_tense_after_publication_is_this_month():
    m = one("최 회장은 22일 일본 도쿄를 방문한다.", date(2024, 11, 21))
    assert m.value == "2024-11-22"


def test_bare_day_past_tense_after_publication_is_previous_month():
    assert one("회사는 29일 계약을 체결했다.", date(2025, 4, 2)).value == "2025-03-29"
    assert one("회사는 29일 계약을 체결했다.", date(2025, 1, 3)).value == "2024-12-29"


def test_bare_day_planned_before_publication_day_is_next_month():
    assert one("협회는 5일 총회를 개최할 예정이다.", date(2024, 12, 21)).value == "2025-01-05"
    # a modal "-ㄹ 가능성" is not a plan: the nearest 4th stays
    assert one("4일 회동에서 협력안이 논의될 가능성이 있다.", date(2025, 2, 5)).value == "2025-02-04"


def test_onun_month_is_strictly_ahead():
    assert one("오는 3월 출시한다.", date(2025, 3, 10)).value == "2026-03"
    assert one("오는 12월 출시한다.", date(2025, 11, 10)).value == "2025-12"


def test_bare_day_before_publication():
    assert one("SK그룹도 13일 낸 의견서에서 밝혔다.", date(2025, 11, 22)).value == "2025-11-13"


def test_day_with_local_time_qualifier():
    m = one("21일(현지시간) 미국 연방관보에 따르면 의견을 제출했다.", date(2025, 11, 22))
    assert (m.expr, m.value, m.qualifier) == ("21일(현지시간)", "2025-11-21", "local-time")


def test_ida_day_past_tense_cannot_be_after_publication():
    text = "소프트뱅크는 이달 14일 샤프와 공장을 매매하는 계약을 체결했다."
    assert one(text, date(2025, 4, 2)).value == "2025-03-14"
    assert one(text, date(2025, 1, 2)).value == "2024-12-14"
    assert one("소프트뱅크는 이달 14일 계약을 체결할 예정이다.", date(2025, 4, 2)).value == "2025-04-14"


def test_jeonnal_is_the_day_before_the_story_day():
    text = "손 회장은 4일 서울에 도착했다. 이 회장은 전날 무죄 판결을 받았다."
    found = find_dates(text, date(2025, 2, 5))
    assert [(m.expr, m.value) for m in found] == [("4일", "2025-02-04"), ("전날", "2025-02-03")]


def test_jeonnal_without_a_story_day_uses_publication_across_month():
    assert one("전날 발표가 있었다.", date(2025, 3, 1)).value == "2025-02-28"


def test_same_day_follows_previous_day():
    text = "이 회장은 지난 10월 1일 올트먼과 만났다. 같은 날 최 회장도 서명했다."
    found = find_dates(text, date(2025, 11, 22))
    assert [m.value for m in found] == ["2025-10-01", "2025-10-01"]


def test_today_in_quoted_speech_is_the_story_day():
    text = "손 회장은 4일 서초사옥에서 “오늘 회동은 좋았다”고 말했다."
    found = find_dates(text, date(2025, 2, 5))
    assert [m.value for m in found] == ["2025-02-04", "2025-02-04"]


# --------------------------------------------------------------------------- parts of month


@pytest.mark.parametrize(
    "text, pub, value, rng",
    [
        ("삼성전자는 이달 초 연구센터를 열었다.", date(2024, 11, 21), "2024-11", (date(2024, 11, 1), date(2024, 11, 10))),
        ("이달 말 오사카에서 회의가 열린다.", date(2024, 2, 5), "2024-02", (date(2024, 2, 21), date(2024, 2, 29))),
        ("키옥시아는 다음달 중순 상장한다.", date(2024, 11, 21), "2024-12", (date(2024, 12, 11), date(2024, 12, 20))),
        ("키옥시아는 다음달 중순 상장한다.", date(2024, 12, 21), "2025-01", (date(2025, 1, 11), date(2025, 1, 20))),
        ("지난달 말 발표했다.", date(2025, 1, 10), "2024-12", (date(2024, 12, 21), date(2024, 12, 31))),
    ],
)
def test_part_of_month(text, pub, value, rng):
    m = one(text, pub)
    assert (m.value, m.precision, (m.date_from, m.date_to)) == (value, "part-of-month", rng)


# --------------------------------------------------------------------------- relative years and months


def test_last_year_month_across_year_boundary():
    assert one("회의는 지난해 6월 부산에서 열렸다.", date(2024, 11, 21)).value == "2023-06"
    assert one("회의는 지난해 6월 부산에서 열렸다.", date(2025, 1, 1)).value == "2024-06"


def test_next_year_month_approx():
    m = one("삼성전자는 내년 6월께 개관식을 진행할 예정이다.", date(2024, 12, 31))
    assert (m.expr, m.value, m.precision, m.qualifier) == ("내년 6월께", "2025-06", "month", "approx")


def test_this_year_month():
    assert one("이 회장은 올해 2월 서초사옥에서 만났다.", date(2025, 4, 2)).value == "2025-02"


def test_jinan_month_is_strictly_before_publication():
    assert one("지난 9월 본사를 방문했다.", date(2024, 11, 21)).value == "2024-09"
    assert one("지난 12월 본사를 방문했다.", date(2025, 1, 15)).value == "2024-12"


def test_same_year_uses_last_year_mentioned():
    text = "이 회장은 2023년 방일 때 동행했고, 같은 해 10월에는 교류회를 주재했다."
    found = find_dates(text, date(2025, 4, 2))
    assert [(m.expr, m.value) for m in found] == [("2023년", "2023"), ("같은 해 10월", "2023-10")]


def test_same_year_without_a_previous_year_is_unknown():
    m = one("같은 해 10월 교류회를 주재했다.", date(2025, 4, 2))
    assert (m.value, m.precision) == (None, "unknown")


def test_until_qualifier_on_year():
    m = one("이곳에는 2028년까지 400억엔이 투입될 예정이다.", date(2025, 4, 2))
    assert (m.expr, m.value, m.qualifier) == ("2028년까지", "2028", "until")


# --------------------------------------------------------------------------- no publication date


@pytest.mark.parametrize("text", ["지난 8일 만났다.", "22일 방문한다.", "이달 초 열었다.", "지난해 6월 열렸다.",
                                  "10월 29일 체결했다.", "전날 판결을 받았다.", "다음달 중순 상장한다."])
def test_relative_forms_without_publication_date_are_unknown(text):
    m = one(text, None)
    assert (m.value, m.precision, m.date_from, m.relative) == (None, "unknown", None, True)


# --------------------------------------------------------------------------- not dates


@pytest.mark.parametrize("text", ["오늘 또 5~6일간 일본에 간다.", "5년간 400억엔을 투자한다.", "조회 2562025. 4. 2.",
                                  "2020년대 초반", "이 날씨에", "10일 만에 돌아왔다."])
def test_durations_and_glued_counters_are_not_dates(text):
    exprs = [m.expr for m in find_dates(text, date(2025, 4, 2))]
    assert not any(e.endswith(("6일", "5년", "2025. 4. 2.", "2020년", "이 날", "10일")) for e in exprs), exprs


def test_offsets_slice_text_exactly_and_expression_has_no_leading_space():
    text = "앞 문장.  10월 29일 체결했다.\n\n지난해 6월 열렸다."
    for m in find_dates(text, date(2025, 11, 22)):
        assert text[m.start:m.end] == m.expr and not m.expr[0].isspace()


# --------------------------------------------------------------------------- tense & sentences


@pytest.mark.parametrize(
    "fragment, tense",
    [
        (" 계약을 체결했다.", "past"),
        (" 체결한 협약에서 협력하기로 했다.", "past"),
        (" 일본 도쿄를 방문한다.", "present"),
        (" 개관식을 진행할 예정이다.", "future"),
        (" 전자업계에 따르면 유 사장은 도쿄를 방문했다.", "past"),
        (" 공장을 매매하는 계약을 체결했다.", "past"),
        (" 방문하겠다고 말했다.", "future"),
        (" 반입을 마무리한 뒤 개관식을 진행할 예정이다.", "future"),
        (" 3자 회동에서 협력안이 논의될 가능성이 있다.", None),
    ],
)
def test_clause_tense(fragment, tense):
    assert clause_tense(fragment, 0) == tense


def test_sentence_spans_keep_dotted_dates_whole():
    text = "협약은 2025. 4. 2. 체결됐다. 다음 문장이다.\n새 줄"
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == ["협약은 2025. 4. 2. 체결됐다.", "다음 문장이다.", "새 줄"]


def test_text_ending_in_a_number_terminates():
    assert find_dates("2002 한일월드컵 주역들은 어떻게 지내고 있을까?", None) == []
    assert find_dates("끝에 숫자 2002", None) == []


def test_anchor_hint_is_the_story_day_before_any_day_is_named():
    found = find_dates("전날 판결이 나왔다.", date(2025, 2, 5), anchor_hint=date(2025, 2, 4))
    assert [m.value for m in found] == ["2025-02-03"]


def test_qualifiers():
    pub = date(2025, 4, 2)
    assert one("2018년 이후 협력했다.", pub).qualifier == "since"
    assert one("지난 1일부터 판매했다.", pub).qualifier == "since"
    assert one("이달 말경 열린다.", pub).value == "2025-04"


def test_holiday_and_year_range():
    m = one("2024년 광복절 경축사에서 밝혔다.", None)
    assert (m.value, m.precision) == ("2024-08-15", "day")
    m = one("2005∼2015년 채용한 인원", None)
    assert (m.value, m.date_from, m.date_to) == ("2005", date(2005, 1, 1), date(2015, 12, 31))


# --------------------------------------------------------------------------- properties

PUBS = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


@settings(max_examples=60, deadline=None)
@given(pub=PUBS, day=st.integers(1, 31))
def test_past_tense_bare_day_is_never_after_publication(pub, day):
    m = one(f"회사는 {day}일 계약을 체결했다.", pub)
    assert m.date_from <= pub and m.date_from.day == day and (pub - m.date_from).days < 93


@settings(max_examples=60, deadline=None)
@given(pub=PUBS, day=st.integers(1, 31))
def test_jinan_day_is_strictly_before_publication(pub, day):
    m = one(f"지난 {day}일 만났다.", pub)
    assert m.date_from < pub and m.date_from.day == day and (pub - m.date_from).days < 93


@settings(max_examples=60, deadline=None)
@given(pub=PUBS, month=st.integers(1, 12), day=st.integers(1, 28))
def test_past_tense_month_day_is_within_the_last_year(pub, month, day):
    m = one(f"양국은 {month}월 {day}일 협약을 체결했다.", pub)
    assert m.date_from <= pub and (pub - m.date_from).days < 366
    assert (m.date_from.month, m.date_from.day) == (month, day)
