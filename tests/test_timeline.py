"""Timeline events: gold events of the seeds, furniture dropped, sorting, month counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml

from briefing.search.timeline.dates import clause_tense
from briefing.search.ingest.furniture import is_caption
from briefing.search.model import Article, PublishedDate
from briefing.search.timeline.events import article_events, month_counts, sort_events

ROOT = Path(__file__).resolve().parents[1]
GOLD = yaml.safe_load((ROOT / "tests" / "data" / "seeds-gold.yaml").read_text(encoding="utf-8"))["articles"]


def article(body: str, published: date | None, id: str = "a") -> Article:
    paragraphs = [p for p in body.split("\n\n")]
    return Article(id=id, title="t", paragraphs=paragraphs, source_path="x", content_hash="h",
                   published=PublishedDate(published, 1.0 if published else 0.0, "test"))


def raw_seed(entry: dict) -> Article:
    """The raw scraped page as the body (furniture included: the timeline must cope with it)."""
    text = (ROOT / "seeds" / f"{entry['id']}.txt").read_text(encoding="utf-8")
    return article(text, entry["published"], entry["id"])


@dataclass
class FakeMention:
    start: int
    end: int
    name: str


# --------------------------------------------------------------------------- gold


def only_in_captions(body: str, expr: str) -> bool:
    """The expression is written only in photo captions (issue 16: captions are not events)."""
    lines = [line for line in body.splitlines() if expr in line]
    return bool(lines) and all(is_caption(line) for line in lines)


@pytest.mark.parametrize("entry", GOLD, ids=[g["id"] for g in GOLD])
def test_every_gold_event_is_found_and_resolved(entry):
    a = raw_seed(entry)
    events = article_events(a)
    for gold in entry.get("events") or []:
        want = str(gold["date"])
        values = {e.value for e in events if e.expr == gold["expr"]}
        if only_in_captions(a.body, gold["expr"]):
            # the gold predates issue 16, which rules that a photo caption never makes an event
            assert not values, f"{gold['expr']!r} is only in a caption, yet an event"
            continue
        assert values, f"{gold['expr']!r} not found"
        assert want in values, f"{gold['expr']!r}: {values} instead of {want}"


DATED = [g for g in GOLD if g["published"]]


@pytest.mark.parametrize("entry", DATED, ids=[g["id"] for g in DATED])
def test_no_past_tense_event_after_publication(entry):
    pub = entry["published"]
    for ev in article_events(raw_seed(entry)):
        if ev.date_from and ev.date_from > pub:
            body = raw_seed(entry).body
            assert clause_tense(body, ev.expr_end, ev.end) != "past", ev.text


def test_without_publication_date_only_absolute_years_resolve():
    entry = next(g for g in GOLD if g["published"] is None)
    for ev in article_events(raw_seed(entry)):
        if ev.value is not None:
            assert not ev.relative and ev.precision == "year", ev.expr
    same_seed_undated = article(raw_seed(next(g for g in GOLD if g["published"])).body, None)
    assert all(ev.value is None or not ev.relative for ev in article_events(same_seed_undated))


# --------------------------------------------------------------------------- not events


def test_stamps_and_counters_are_not_events():
    body = ("조회 256 2025. 4. 2.\n\n12.04 (수)\n\n"
            "삼성 찾은 손정의 스타게이트 논의 랭크뉴스 2025.02.05\n\n"
            "입력 2025.02.05 10:31\n\n"
            "소프트뱅크는 이달 14일 샤프와 계약을 체결했다.")
    events = article_events(article(body, date(2025, 4, 2)))
    assert [(e.expr, e.value) for e in events] == [("이달 14일", "2025-03-14")]


def test_event_text_is_the_sentence_with_body_offsets():
    body = "첫 문장이다. 최 회장은 22일 일본 도쿄를 방문한다. 끝.\n\n다음 문단에서 지난해 6월 회의가 열렸다."
    a = article(body, date(2024, 11, 21))
    events = article_events(a)
    assert [e.text for e in events] == ["최 회장은 22일 일본 도쿄를 방문한다.", "다음 문단에서 지난해 6월 회의가 열렸다."]
    for e in events:
        assert a.body[e.start:e.end] == e.text and a.body[e.expr_start:e.expr_end] == e.expr


def test_two_dates_in_one_sentence_get_their_own_clause():
    body = "이 회장은 2023년 방일 때 동행해 참석했고, 같은 해 10월에는 교류회를 주재한 바 있다."
    events = article_events(article(body, date(2025, 4, 2)))
    assert [(e.value, e.text) for e in events] == [
        ("2023", "이 회장은 2023년 방일 때 동행해 참석했고,"),
        ("2023-10", "같은 해 10월에는 교류회를 주재한 바 있다."),
    ]


def test_entities_inside_the_event_text():
    body = "서론이다. 소프트뱅크는 이달 14일 샤프와 계약을 체결했다. 오픈AI는 빠졌다."
    mentions = [FakeMention(body.index("소프트뱅크"), body.index("소프트뱅크") + 5, "소프트뱅크"),
                FakeMention(body.index("샤프"), body.index("샤프") + 2, "샤프"),
                FakeMention(body.index("오픈AI"), body.index("오픈AI") + 4, "오픈AI")]
    (ev,) = article_events(article(body, date(2025, 4, 2)), mentions)
    assert ev.entities == ["소프트뱅크", "샤프"]


# --------------------------------------------------------------------------- sorting & grouping


def _events():
    a = article("2023년 2월 점검했다. 지난 8일 만났다. 22일 방문한다. 지난해 행사가 있었다. 지난 5일 떠났다.",
                date(2024, 11, 21), "a")
    b = article("같은 해 10월 교류회를 열었다. 1993년 시작했다.", None, "b")
    return article_events(a) + article_events(b)


def test_sort_events_chronological_unresolved_last():
    values = [e.value for e in sort_events(_events())]
    assert values == ["1993", "2023", "2023-02", "2024-11-05", "2024-11-08", "2024-11-22", None]


def test_month_counts_fill_gaps_and_skip_unknown():
    arts = [article("x", date(2024, 11, 21)), article("x", date(2025, 2, 5)), article("x", date(2025, 2, 1)),
            article("x", None)]
    assert month_counts(arts) == [("2024-11", 1), ("2024-12", 0), ("2025-01", 0), ("2025-02", 2)]
    assert month_counts([date(2025, 4, 2), None, date(2025, 4, 9)], fill=False) == [("2025-04", 2)]
    assert month_counts([]) == []
