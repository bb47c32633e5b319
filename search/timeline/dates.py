"""Korean date expressions in news prose, resolved against the publication date.

A small grammar (one regular expression plus a resolver) for the forms Korean news uses:
absolute (``2025. 4. 2.``, ``2023년 2월``, ``10월 29일``, ``1993년``), relative (``지난 8일``,
``22일``, ``전날``, ``이달 초``, ``다음달 중순``, ``지난해 6월``, ``내년 6월께``, ``같은 해 10월``)
and qualifiers (``21일(현지시간)``, ``2028년까지``).

Rules that keep the output honest:

* precision is kept: a month stays a month, ``이달 말`` is the 21st..last day of the month;
* nothing relative resolves without a publication date: ``지난 8일`` with ``published=None``
  has ``value=None`` and precision ``"unknown"`` (absolute years still resolve);
* where the calendar is ambiguous (a bare day or month), the tense of the predicate that follows
  the date decides: past tense never lands after publication (see :func:`clause_tense`).

Kiwi's morphemes are read only for the tense, and only when needed: from the text's
:class:`~briefing.search.language.analysed.AnalysedText` when the caller has one, else from Kiwi.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Callable

from briefing.search.timeline.date_grammar import (
    ANCHOR_DAY_WORDS, CONTEXT_YEAR_WORDS, HOLIDAYS, MAIN, MONTH_PARTS, MONTH_WORDS, NUMERIC, PUB_DAY_WORDS, QUALIFIERS,
    YEAR_PARTS, YEAR_WORDS, has_core,
)
from briefing.search.timeline.tense import clause_tense, sentence_spans

if TYPE_CHECKING:
    from briefing.search.language.analysed import AnalysedText

__all__ = ["DateMention", "find_dates", "clause_tense", "sentence_spans"]


@dataclass(frozen=True)
class DateMention:
    """One date expression in a text and what it resolves to."""

    start: int
    end: int
    expr: str  # text[start:end]
    value: str | None  # "YYYY" | "YYYY-MM" | "YYYY-MM-DD" | None when unresolvable
    precision: str  # "day" | "month" | "part-of-month" | "year" | "unknown"
    date_from: date | None
    date_to: date | None
    qualifier: str | None  # "until" | "since" | "local-time" | "approx" | None
    relative: bool




# --------------------------------------------------------------------------- resolution helpers


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _day_in_month_near(pub: date, day: int, step: int) -> date:
    """The nearest date with ``day`` found by stepping months from pub's month (step ±1)."""
    y, m = pub.year, pub.month
    for _ in range(13):
        y, m = _shift_month(y, m, step)
        if day <= _last_day(y, m):
            return date(y, m, day)
    raise ValueError(day)  # pragma: no cover - every day number 1..31 occurs within 12 months


def _resolve_bare_day(pub: date, day: int, direction: str | None, tense: str | None) -> date | None:
    """Resolve ``N일`` (month omitted) against the publication date."""
    this = _safe_date(pub.year, pub.month, day)
    if direction == "지난":
        return this if this and day < pub.day else _day_in_month_near(pub, day, -1)
    if direction in ("오는", "다가오는"):
        return this if this and day > pub.day else _day_in_month_near(pub, day, +1)
    if tense == "past":
        return this if this and day <= pub.day else _day_in_month_near(pub, day, -1)
    if tense == "future" and day < pub.day:  # "5일 개최할 예정" published on the 21st
        return _day_in_month_near(pub, day, +1)
    if tense in ("present", "future"):  # "22일 방문한다" published on the 21st
        return this or _day_in_month_near(pub, day, +1)
    # tense unknown: the nearest of previous / this / next month
    cands = [c for c in (this, _day_in_month_near(pub, day, -1), _day_in_month_near(pub, day, +1)) if c]
    return min(cands, key=lambda c: (abs((c - pub).days), c > pub))


def _pick_year(pub: date, month: int, day: int | None, direction: str | None, tense: str | None) -> int:
    """Year for ``N월 [N일]`` written without a year."""
    def key(y: int) -> date:
        return date(y, month, min(day or 1, _last_day(y, month)))

    def before(y: int) -> bool:  # the expression lies (at least partly) before publication
        return key(y) <= pub if day else (y, month) <= (pub.year, pub.month)

    def strictly_before(y: int) -> bool:
        return key(y) < pub if day else (y, month) < (pub.year, pub.month)

    def after(y: int) -> bool:
        return key(y) >= pub if day else (y, month) >= (pub.year, pub.month)

    y = pub.year
    if direction == "지난":
        return y if strictly_before(y) else y - 1
    if direction in ("오는", "다가오는"):
        return y if not before(y) else y + 1
    if tense == "past":
        return y if before(y) else y - 1
    if tense == "future":
        return y if after(y) else y + 1
    # present / unknown: the nearest occurrence
    return min((y - 1, y, y + 1), key=lambda c: (abs((key(c) - pub).days), c))


def _month_range(y: int, m: int, m2: int | None = None) -> tuple[date, date]:
    y2, mm2 = (y, m2) if m2 and m2 >= m else (y, m)
    return date(y, m, 1), date(y2, mm2, _last_day(y2, mm2))


def _part_range(y: int, m: int, part: str) -> tuple[date, date]:
    if part == "early":
        return date(y, m, 1), date(y, m, 10)
    if part == "mid":
        return date(y, m, 11), date(y, m, 20)
    return date(y, m, 21), date(y, m, _last_day(y, m))


def _in_quote(text: str, pos: int) -> bool:
    """True when ``pos`` lies inside double quotes on its line."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    if before.count('"') % 2 == 1:
        return True
    return before.rfind("“") > before.rfind("”")


def _compact(s: str | None) -> str | None:
    return s.replace(" ", "").replace("\t", "") if s else s


# --------------------------------------------------------------------------- main entry


@dataclass
class _Context:
    """What earlier mentions in the same text tell later ones."""

    last_year: int | None = None  # the last year written out (2023년, 지난해 ...)
    last_month: tuple[int, int] | None = None
    anchor: date | None = None  # the last day-precision date


def _qualifier(raw: str | None) -> str | None:
    raw = _compact(raw)
    if not raw:
        return None
    raw = raw.strip("()")
    return QUALIFIERS.get(raw)


def find_dates(text: str, published: date | None, *, anchor_hint: date | None = None,
               analysed: AnalysedText | None = None) -> list[DateMention]:
    """Every date expression in ``text``, in order, resolved against ``published``.

    ``anchor_hint`` is the day the story is about, used by ``이날``/``전날``/``다음날`` before any
    day is named (default: ``published``). Offsets slice ``text`` exactly. ``analysed``: the
    analysis of ``text`` (its morphemes give the tense; without it Kiwi is asked).
    """
    found: list[tuple[int, int, re.Match, str]] = []
    for num in NUMERIC.finditer(text):
        found.append((num.start(), num.end(), num, "numeric"))
    taken = [(s, e) for s, e, _, _ in found]
    pos = 0
    while pos <= len(text) and (m := MAIN.search(text, pos)) is not None:
        s, e = m.start(), m.end()
        if e == s or not has_core(m) or any(s < te and ts < e for ts, te in taken):
            pos = s + 1  # a rejected match may hide a real one starting inside it
            continue
        found.append((s, e, m, "main"))
        pos = e
    found.sort(key=lambda t: t[0])

    spans = sentence_spans(text)
    tense_cache: dict[int, str | None] = {}

    def tense_after(pos: int) -> str | None:
        if pos not in tense_cache:
            sent_end = next((e for s, e in spans if s <= pos <= e), len(text))
            tense_cache[pos] = clause_tense(text, pos, sent_end, analysed)
        return tense_cache[pos]

    ctx = _Context(anchor=anchor_hint)
    out: list[DateMention] = []
    for s, e, m, kind in found:
        mention: DateMention | None
        if kind == "numeric":
            d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
            if d is None:
                continue
            mention = DateMention(s, e, text[s:e], d.isoformat(), "day", d, d, None, False)
        else:
            mention = _resolve(text, m, published, ctx, lambda: tense_after(e))
            if mention is None:
                continue
        _remember(mention, m if kind == "main" else None, ctx)
        out.append(mention)
    return out


def _remember(mention: DateMention, m: re.Match | None, ctx: _Context) -> None:
    if mention.value is None or mention.date_from is None:
        return
    if m is None or m["yabs"] or m["yw"] or m["yctx"]:
        ctx.last_year = mention.date_from.year
    if mention.precision in ("month", "part-of-month", "day"):
        ctx.last_month = (mention.date_from.year, mention.date_from.month)
    if mention.precision == "day":
        ctx.anchor = mention.date_from


Tense = Callable[[], "str | None"]  # the tense of the clause after the expression, asked when needed


class _Unresolvable(Exception):
    """The expression is relative to what is not known (no publication date, no earlier date)."""


@dataclass(frozen=True)
class _Expr:
    """Where one grammar match is and its qualifier: what every DateMention of it shares."""

    start: int
    end: int
    text: str
    qualifier: str | None

    def unknown(self) -> DateMention:
        return DateMention(self.start, self.end, self.text, None, "unknown", None, None, self.qualifier, True)

    def made(self, value: str, precision: str, d_from: date, d_to: date, relative: bool) -> DateMention:
        return DateMention(self.start, self.end, self.text, value, precision, d_from, d_to, self.qualifier, relative)


def _resolve(text: str, m: re.Match, pub: date | None, ctx: _Context, tense: Tense) -> DateMention | None:
    """Turn one grammar match into a DateMention (None: not a date after all)."""
    expr = _Expr(m.start(), m.end(), text[m.start():m.end()], _qualifier(m["qual"]))
    try:
        if m["dw"]:
            return _day_word(text, m, pub, ctx, expr)
        return _calendar_date(m, pub, ctx, tense, expr)
    except _Unresolvable:
        return expr.unknown()


def _day_word(text: str, m: re.Match, pub: date | None, ctx: _Context, expr: _Expr) -> DateMention:
    """오늘, 전날, 이날 ...: a day relative to publication or to the story's day."""
    word = _compact(m["dw"]) or ""
    if word in PUB_DAY_WORDS:
        # in quoted speech "오늘" is the day the words were said: the story's day
        base = ctx.anchor if ctx.anchor and _in_quote(text, expr.start) else pub
        if base is None:
            raise _Unresolvable
        d = base + timedelta(days=PUB_DAY_WORDS[word])
    else:
        base = ctx.anchor or pub
        if base is None:
            raise _Unresolvable
        d = base + timedelta(days=ANCHOR_DAY_WORDS[word])
    return expr.made(d.isoformat(), "day", d, d, True)


def _calendar_date(m: re.Match, pub: date | None, ctx: _Context, tense: Tense, expr: _Expr) -> DateMention | None:
    """A date of years, months and days (written out, relative or a holiday)."""
    direction = m["dir"]
    year, relative = _year(m, pub, ctx)
    month: int | None = int(m["mabs"]) if m["mabs"] else None
    holiday_day: int | None = None
    if m["hol"]:
        month, holiday_day = next(v for k, v in HOLIDAYS.items() if _compact(k) == _compact(m["hol"]))
    day: int | None = int(m["d"]) if m["d"] else holiday_day
    day2: int | None = int(m["d2"]) if m["d2"] else None
    if m["mw"] or m["mctx"]:  # month words: 이달, 지난달, 같은 달
        relative = True
        year, month = _month_word(m, pub, ctx, day, tense)
    if month is None:
        if day is not None and year is None:
            return _bare_day(m, pub, day, day2, tense, expr)
        if year is None:
            return None
        return _year_mention(m, year, relative, expr)
    if year is None:  # a month without a year: the tense decides the year
        relative = True
        if pub is None:
            raise _Unresolvable
        year = _pick_year(pub, month, day, direction, tense() if direction is None else None)
    return _month_mention(m, year, month, day, day2, relative, expr)


def _year(m: re.Match, pub: date | None, ctx: _Context) -> tuple[int | None, bool]:
    """The year written (absolute, relative to publication or to the last year named), None
    if none, and whether it is relative."""
    if m["yabs"]:
        return int(m["yabs"]), False
    if m["yw"]:
        if pub is None:
            raise _Unresolvable
        return pub.year + YEAR_WORDS[_compact(m["yw"]) or ""], True
    if m["yctx"]:
        if ctx.last_year is None:
            raise _Unresolvable
        return ctx.last_year + CONTEXT_YEAR_WORDS[_compact(m["yctx"]) or ""], True
    return None, False


def _month_word(m: re.Match, pub: date | None, ctx: _Context, day: int | None, tense: Tense) -> tuple[int, int]:
    """(year, month) of a month word: 이달, 지난달, 다음달, 같은 달."""
    if m["mctx"]:
        if ctx.last_month is None:
            raise _Unresolvable
        return ctx.last_month
    if pub is None:
        raise _Unresolvable
    word = _compact(m["mw"]) or ""
    year, month = _shift_month(pub.year, pub.month, MONTH_WORDS[word])
    if day is not None and word in ("이달", "이번달", "금월"):
        # "이달 14일 ... 체결했다" published on the 2nd: a past event cannot be ahead
        if day > pub.day and tense() == "past":
            year, month = _shift_month(year, month, -1)
    return year, month


def _bare_day(m: re.Match, pub: date | None, day: int, day2: int | None, tense: Tense, expr: _Expr) -> DateMention:
    """``N일`` (a day without month or year), resolved against publication and the tense."""
    if pub is None:
        raise _Unresolvable
    direction = m["dir"]
    d = _resolve_bare_day(pub, day, direction, tense() if direction is None else None)
    if d is None:
        raise _Unresolvable
    d_to = d
    if day2 and day2 > day:
        d_to = _safe_date(d.year, d.month, day2) or d
    return expr.made(d.isoformat(), "day", d, d_to, True)


def _year_mention(m: re.Match, year: int, relative: bool, expr: _Expr) -> DateMention:
    """A year, a year range, or a part of a year (quarter, half, 초/말)."""
    lo, hi = 1, 12
    quarter, part = m["yq"], m["part"]
    if quarter:
        if m["yq_n"]:
            q = int(m["yq_n"])
            lo, hi = 3 * q - 2, 3 * q
        else:
            lo, hi = YEAR_PARTS[quarter]
    elif part in YEAR_PARTS:
        lo, hi = YEAR_PARTS[part]
    y_to = int(m["y2"]) if m["y2"] and int(m["y2"]) > year else year
    return expr.made(str(year), "year", date(year, lo, 1), date(y_to, hi, _last_day(y_to, hi)), relative)


def _month_mention(m: re.Match, year: int, month: int, day: int | None, day2: int | None, relative: bool,
                   expr: _Expr) -> DateMention | None:
    """A day, a part of a month or a month (range) of a known year."""
    if day is not None:
        d = _safe_date(year, month, day)
        if d is None:
            return None
        d_to = (_safe_date(year, month, day2) or d) if day2 and day2 > day else d
        return expr.made(d.isoformat(), "day", d, d_to, relative)
    value = f"{year:04d}-{month:02d}"
    part = m["part"]
    if part in MONTH_PARTS:
        first, last = _part_range(year, month, MONTH_PARTS[part])
        return expr.made(value, "part-of-month", first, last, relative)
    first, last = _month_range(year, month, int(m["m2"]) if m["m2"] else None)
    return expr.made(value, "month", first, last, relative)
