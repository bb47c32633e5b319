"""Timeline events: the dated statements of an article, sorted, and articles counted per month.

An event (:class:`briefing.search.model.Event`) is the sentence (or, when a sentence carries several dates, the clause)
around a date expression found by :mod:`briefing.search.timeline.dates`, with the resolved date, the article it
came from and the entities mentioned in it. Dates that are not events are dropped: date stamps,
view counters, headline-list rows, photo captions and credits, habitual or general statements
("일본은 회계연도가 3월 31일에 끝난다", "매년 6월 ... 연다") and comparison baselines ("지난해 같은
기간"). A sentence gets one event per date: coordinated days ("20일과 21일") make one event
over both, and a date inside a coarser one of the same sentence ("올해 들어 21일까지") wins.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Iterable, Protocol, Sequence

from briefing.search.ingest import furniture as fx
from briefing.search.timeline.dates import DateMention, clause_tense, find_dates, sentence_spans
from briefing.search.model import Article, Event

__all__ = ["Event", "article_events", "sort_events", "month_counts", "fill_months", "is_event"]

_PRECISION_RANK = {"year": 0, "month": 1, "part-of-month": 2, "day": 3, "unknown": 4}


class EntityMention(Protocol):
    """What an event needs of an entity mention (read-only: mentions are frozen)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def name(self) -> str: ...


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


# Habits and general truths: "매년 6월 하순에 ... 연다", "일본은 회계연도가 3월 31일에 끝난다"
_HABITUAL_RE = re.compile(
    r"(?<![가-힣])(?:매년|매해|해마다|매달|매월|달마다|매주|매일|통상|보통|일반적으로|대개|흔히|으레|"
    r"관례적으로|관행적으로|예년처럼|연례적으로)(?![가-힣])"
)
_CYCLE_NOUN_RE = re.compile(r"회계\s*연도|회계\s*년도|사업\s*연도|결산기|학년도|새\s*학기|과세\s*기간|납부\s*기한|신고\s*기한")
# A day defined: "5월 5일은 어린이날이다", "어린이날은 5월 5일로 정해져 있다"
_DAY_NAME = r"[가-힣]*(?:날|기념일|절|데이)"
_MONTH_DAY = r"\d{1,2}\s?월\s?\d{1,2}\s?일"
_DEFINITION_RE = re.compile(
    rf"{_MONTH_DAY}\s?(?:은|는)\s?[^.]{{0,20}}?{_DAY_NAME}\s?(?:이다|입니다|이며|로\s?정해|로\s?지정)"
    rf"|{_DAY_NAME}\s?(?:은|는)\s?[^.]{{0,10}}?{_MONTH_DAY}\s?(?:이다|입니다|이며|로\s?정해|로\s?지정)"
)
_WRITTEN_YEAR_RE = re.compile(r"(?:1[89]|2[01])\d{2}|지난해|작년|올해|올\s|내년|금년|전년|재작년|이달|지난달|다음달|내달|"
                              r"이번\s*달|지난\s|오는\s|다가오는")
# "지난해 같은 기간의 두 배", "전년 동기 대비": a baseline of a comparison, not something that happened then
_COMPARISON_RE = re.compile(r"^\s*(?:의\s*)?(?:같은\s*기간|동기|동월|동기간|대비|比|보다|에\s*비해|와\s*비교|과\s*비교|수준)")


def is_general_statement(body: str, mention: DateMention, clause: tuple[int, int], analysed=None) -> bool:
    """A habit or a general truth rather than something that happened on that date, for a date
    written without a year: a habitual adverb right before it ("매년 6월") or in a clause not in
    the past tense ("통상 ... 연다"); a day defined ("5월 5일은 어린이날이다"); a present-tense
    clause about a calendar cycle ("회계연도가 3월 31일에 끝난다")."""
    start, end = clause
    text = body[start:end]
    if _WRITTEN_YEAR_RE.search(mention.expr):
        return False
    if _DEFINITION_RE.search(text):
        return True
    # a bounded run ("28일부터 9월 13일까지 매주 금요일") is an event, not a habit
    habit = _HABITUAL_RE.search(text) if mention.qualifier not in ("since", "until") else None
    if habit and (mention.start - (start + habit.end()) in range(3)  # "매년 6월"
                  or clause_tense(body, mention.end, end, analysed) != "past"):  # not "통상 ... 올해는 22일 열렸다"
        return True
    if not re.match(r"\d{1,2}\s?월", mention.expr):
        return False
    return bool(_CYCLE_NOUN_RE.search(text)) and clause_tense(body, mention.end, end, analysed) == "present"


def is_comparison_baseline(mention: DateMention, body: str) -> bool:
    """ "지난해 같은 기간", "전년 동기 대비", "2023년보다": the date is what is compared with."""
    return mention.precision != "day" and bool(_COMPARISON_RE.match(body[mention.end:mention.end + 12]))


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


def article_events(article: Article, mentions: Sequence[EntityMention] | None = None, analysed=None) -> list[Event]:
    """The events of one article, in text order.

    ``mentions`` are entity mentions with offsets in ``article.body`` (from
    :mod:`briefing.search.entities.mentions`); an event lists the names whose mentions fall inside its text.
    """
    body = article.body
    published = article.published.value if article.published else None
    captions = set(getattr(article, "captions", None) or ())
    dates = []
    for d in find_dates(body, published, analysed=analysed):  # analysed: AnalysedText of the body
        line_start, line_end = _line_bounds(body, d.start)
        if is_event(d, body) and not is_comparison_baseline(d, body) \
                and not fx.is_outside_story(body[line_start:line_end], captions):
            dates.append(d)
    sentences = sentence_spans(body)
    spans: dict[tuple[int, int], list[DateMention]] = {}
    for d in dates:
        sentence = next(((s, e) for s, e in sentences if s <= d.start < e), (d.start, d.end))
        same = [x for x in dates if sentence[0] <= x.start < sentence[1]]
        start, end = _event_span(body, sentence, same, d)
        raw = body[start:end]
        lead = len(raw) - len(raw.lstrip())
        start, end = start + lead, start + len(raw.rstrip())
        if is_general_statement(body, d, (start, end), analysed):
            continue
        spans.setdefault((start, end), []).append(d)
    events: list[Event] = []
    for (start, end), found in spans.items():
        for d, expr_start, expr_end, date_to in _one_per_date(body, found):
            names: list[str] = []
            for m in mentions or ():
                if start <= m.start and m.end <= end and m.name not in names:
                    names.append(m.name)
            events.append(Event(
                article_id=article.id, value=d.value, precision=d.precision, date_from=d.date_from,
                date_to=date_to, expr=body[expr_start:expr_end], qualifier=d.qualifier,
                text=body[start:end], start=start, end=end, entities=names,
                expr_start=expr_start, expr_end=expr_end, relative=d.relative,
            ))
    return sorted(events, key=lambda e: (e.start, e.expr_start))


def _contains(outer: DateMention, inner: DateMention) -> bool:
    if not (outer.date_from and outer.date_to and inner.date_from and inner.date_to):
        return False
    return (_PRECISION_RANK[outer.precision] < _PRECISION_RANK[inner.precision]
            and outer.date_from <= inner.date_from and inner.date_to <= outer.date_to)


def _one_per_date(body: str, found: list[DateMention]
                  ) -> list[tuple[DateMention, int, int, date | None]]:
    """The dates of one sentence or clause, one event each: (mention, expression offsets,
    last day). Repeats of a date go; a date inside a coarser one of the same text is the one
    kept; coordinated consecutive days ("20일과 21일", "20·21일") become one event over both;
    of several unresolved dates one stands for the sentence."""
    resolved = [d for d in found if d.value is not None and d.date_from and d.date_to]
    resolved = [d for d in resolved if not any(_contains(d, o) for o in resolved if o is not d)]
    out: list[list] = []
    for d in sorted(resolved, key=lambda x: x.start):
        prev = out[-1] if out else None
        if prev and prev[0].value == d.value:
            continue  # the same date twice ("이달 초 ... 이달 초")
        if (prev and prev[0].precision == d.precision == "day"
                and 0 < (d.date_from - prev[3]).days <= 1
                and re.fullmatch(r"\s*(?:과|와|및|·|,|~|∼|-|부터)?\s*", body[prev[2]:d.start])):
            prev[2], prev[3] = d.end, d.date_to  # "20일과 21일": one event over both days
            continue
        out.append([d, d.start, d.end, d.date_to])
    unresolved = [d for d in found if d.value is None]
    if unresolved:
        out.append([unresolved[0], unresolved[0].start, unresolved[0].end, None])
    return [tuple(x) for x in out]


def sort_events(events: Iterable[Event]) -> list[Event]:
    """Chronological; a coarser date sorts before finer ones starting the same day; unresolved last."""
    def key(ev: Event):
        if ev.date_from is None:
            return (1, date.max, 0, ev.article_id, ev.start)
        return (0, ev.date_from, _PRECISION_RANK.get(ev.precision, 4), ev.article_id, ev.start)
    return sorted(events, key=key)


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
    return fill_months(sorted(counts.items())) if fill else sorted(counts.items())


def fill_months(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Month counts ("YYYY-MM", n), oldest first, with explicit zeros for the months between
    the first and the last (a sparkline's series)."""
    if not counts:
        return []
    given = dict(counts)
    first, last = min(given), max(given)
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        key = f"{y:04d}-{m:02d}"
        out.append((key, given.get(key, 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
