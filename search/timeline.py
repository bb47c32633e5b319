"""Timeline events: the dated statements of an article, sorted and grouped for the app.

An :class:`Event` is the sentence (or, when a sentence carries several dates, the clause)
around a date expression found by :mod:`search.datex`, with the resolved date, the article it
came from and the entities mentioned in it. Dates that are not events (date stamps, view
counters, headline-list rows) are dropped.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Protocol, Sequence

from .datex import DateMention, find_dates, sentence_spans
from .models import Article

__all__ = ["Event", "article_events", "events_for", "sort_events", "group_events", "month_counts",
           "is_event"]

_PRECISION_RANK = {"year": 0, "month": 1, "part-of-month": 2, "day": 3, "unknown": 4}


class EntityMention(Protocol):
    start: int
    end: int
    name: str


@dataclass
class Event:
    """A dated statement from one article."""

    article_id: str
    value: str | None
    precision: str
    date_from: date | None
    date_to: date | None
    expr: str
    qualifier: str | None
    text: str  # the sentence or clause around the date, trimmed
    start: int  # offsets of ``text`` in article.body
    end: int
    entities: list[str] = field(default_factory=list)  # canonical names mentioned in ``text``
    expr_start: int = -1  # offsets of the date expression in article.body
    expr_end: int = -1
    relative: bool = False

    @property
    def resolved(self) -> bool:
        return self.value is not None


# --------------------------------------------------------------------------- what is not an event

_STAMP_WORDS = re.compile(
    r"(조회|입력|수정|등록|승인|발행|송고|업데이트|최종\s*수정|기사\s*입력|게재|작성일|날짜|"
    r"Updated|Published|Posted|Modified)",
    re.I,
)
_WEEKDAY_TAIL = re.compile(r"^\s*(?:\(\s*[월화수목금토일]\s*\)|[월화수목금토일]요일)?\s*[\d:]*\s*$")
_HANGUL = re.compile(r"[가-힣]")
_NUMERIC_DATE = re.compile(r"^\d{4}\s?[.\-/]")


def _line_bounds(body: str, pos: int) -> tuple[int, int]:
    start = body.rfind("\n", 0, pos) + 1
    end = body.find("\n", pos)
    return start, len(body) if end < 0 else end


def is_event(mention: DateMention, body: str) -> bool:
    """False for page furniture: date stamps, counters, list rows, a date alone on its line."""
    line_start, line_end = _line_bounds(body, mention.start)
    before = body[line_start:mention.start]
    after = body[mention.end:line_end]
    if _STAMP_WORDS.search(before[-12:]) or (mention.start > 0 and body[mention.start - 1].isdigit()):
        return False
    rest = before + after
    if len(_HANGUL.findall(rest)) < 4:  # nothing but the date (and a weekday) on the line
        return False
    if _NUMERIC_DATE.match(mention.expr) and _WEEKDAY_TAIL.match(after):
        return False  # "... 랭크뉴스 2025.02.05": a stamp closing a line, not a statement
    return True


# --------------------------------------------------------------------------- events

_CLAUSE_CUT = re.compile(r"(?<=[고며서데만]),\s+")


def _clause_spans(body: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    for m in _CLAUSE_CUT.finditer(body, start, end):
        spans.append((pos, m.start() + 1))
        pos = m.end()
    spans.append((pos, end))
    return spans


def _event_span(body: str, sentence: tuple[int, int], mentions_in: list[DateMention],
                mention: DateMention) -> tuple[int, int]:
    """The sentence, or the clause holding the mention when several dates share the sentence."""
    if len(mentions_in) < 2:
        return sentence
    clauses = _clause_spans(body, *sentence)
    if len(clauses) < 2:
        return sentence
    def clause_of(pos: int) -> int:
        return max(i for i, (s, _) in enumerate(clauses) if s <= pos) if pos >= clauses[0][0] else 0

    if len({clause_of(m.start) for m in mentions_in}) < 2:
        return sentence
    for s, e in clauses:
        if s <= mention.start < e:
            return s, e
    return sentence


def article_events(article: Article, mentions: Sequence[EntityMention] | None = None) -> list[Event]:
    """The events of one article, in text order.

    ``mentions`` are entity mentions with offsets in ``article.body`` (from
    :mod:`search.entities`); an event lists the names whose mentions fall inside its text.
    """
    body = article.body
    published = article.published.value if article.published else None
    dates = [d for d in find_dates(body, published) if is_event(d, body)]
    sentences = sentence_spans(body)
    events: list[Event] = []
    seen: set[tuple[int, str | None]] = set()
    for d in dates:
        sentence = next(((s, e) for s, e in sentences if s <= d.start < e), (d.start, d.end))
        same = [x for x in dates if sentence[0] <= x.start < sentence[1]]
        start, end = _event_span(body, sentence, same, d)
        raw = body[start:end]
        lead = len(raw) - len(raw.lstrip())
        start, end = start + lead, start + len(raw.rstrip())
        if (start, d.value) in seen and d.value is not None:
            continue  # the same statement dated twice the same way ("이달 초 ... 이달 초")
        seen.add((start, d.value))
        names: list[str] = []
        for m in mentions or ():
            if start <= m.start and m.end <= end and m.name not in names:
                names.append(m.name)
        events.append(Event(
            article_id=article.id, value=d.value, precision=d.precision, date_from=d.date_from,
            date_to=d.date_to, expr=d.expr, qualifier=d.qualifier, text=body[start:end],
            start=start, end=end, entities=names, expr_start=d.start, expr_end=d.end,
            relative=d.relative,
        ))
    return events


def events_for(articles: Iterable[Article], mentions_by_id: dict[str, Sequence[EntityMention]] | None = None
               ) -> list[Event]:
    """Events of a set of articles, chronological (unresolved last)."""
    out: list[Event] = []
    for a in articles:
        out.extend(article_events(a, (mentions_by_id or {}).get(a.id)))
    return sort_events(out)


def sort_events(events: Iterable[Event]) -> list[Event]:
    """Chronological; a coarser date sorts before finer ones starting the same day; unresolved last."""
    def key(ev: Event):
        if ev.date_from is None:
            return (1, date.max, 0, ev.article_id, ev.start)
        return (0, ev.date_from, _PRECISION_RANK.get(ev.precision, 4), ev.article_id, ev.start)
    return sorted(events, key=key)


_KEY_LEN = {"year": 4, "month": 7, "day": 10}


def group_events(events: Iterable[Event], by: str = "month") -> list[tuple[str, list[Event]]]:
    """Chronological groups keyed "YYYY", "YYYY-MM" or "YYYY-MM-DD"; "unknown" last.

    An event coarser than the grouping keeps its own key ("2026" among months), which sorts
    before the finer keys it contains.
    """
    if by not in _KEY_LEN:
        raise ValueError(f"group by 'day', 'month' or 'year', not {by!r}")
    n = _KEY_LEN[by]
    groups: dict[str, list[Event]] = defaultdict(list)
    for ev in sort_events(events):
        groups[ev.value[:n] if ev.value else "unknown"].append(ev)
    return sorted(groups.items(), key=lambda kv: (kv[0] == "unknown", kv[0]))


def month_counts(articles_or_dates: Iterable[Article | date | None], *, fill: bool = True
                 ) -> list[tuple[str, int]]:
    """Articles per publication month ("YYYY-MM", n), oldest first; unknown dates are left out.

    With ``fill`` the months between the first and the last get explicit zeros (a sparkline).
    """
    counts: Counter[str] = Counter()
    for item in articles_or_dates:
        d = item.published.value if isinstance(item, Article) else item
        if d is not None:
            counts[f"{d.year:04d}-{d.month:02d}"] += 1
    if not counts:
        return []
    if not fill:
        return sorted(counts.items())
    first, last = min(counts), max(counts)
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        key = f"{y:04d}-{m:02d}"
        out.append((key, counts.get(key, 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
