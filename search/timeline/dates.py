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


# --------------------------------------------------------------------------- grammar

_YEAR_WORDS = {
    "재작년": -2, "지지난해": -2, "지난해": -1, "작년": -1, "전년": -1,
    "올해": 0, "금년": 0, "올": 0, "내년": 1, "명년": 1,
}
_CONTEXT_YEAR_WORDS = {"같은해": 0, "그해": 0, "이듬해": 1, "다음해": 1}
_MONTH_WORDS = {
    "이달": 0, "이번달": 0, "금월": 0, "지난달": -1, "전월": -1,
    "다음달": 1, "내달": 1, "익월": 1,
}
# day words relative to the publication date
_PUB_DAY_WORDS = {"오늘": 0, "금일": 0, "어제": -1, "그제": -2, "그저께": -2, "내일": 1, "모레": 2}
# day words relative to the day the story is about (the last day mentioned before)
_ANCHOR_DAY_WORDS = {
    "이날": 0, "당일": 0, "같은날": 0, "그날": 0, "전날": -1, "전일": -1,
    "다음날": 1, "이튿날": 1, "익일": 1, "그다음날": 1,
}
_HOLIDAYS = {  # fixed-date (solar) holidays and memorial days
    "신정": (1, 1), "삼일절": (3, 1), "식목일": (4, 5), "어린이날": (5, 5), "어버이날": (5, 8),
    "현충일": (6, 6), "제헌절": (7, 17), "광복절": (8, 15), "국군의 날": (10, 1), "개천절": (10, 3),
    "한글날": (10, 9), "성탄절": (12, 25), "크리스마스": (12, 25),
}
_MONTH_PARTS = {
    "초": "early", "초순": "early", "상순": "early",
    "중순": "mid",
    "말": "late", "하순": "late", "말경": "late",
}
_YEAR_PARTS = {"초": (1, 3), "말": (10, 12), "상반기": (1, 6), "하반기": (7, 12)}
_QUALIFIERS = {
    "현지시간": "local-time", "께": "approx", "경": "approx", "쯤": "approx", "무렵": "approx",
    "즈음": "approx", "까지": "until", "부터": "since", "이후": "since", "이래": "since",
}


def _alt(words) -> str:
    """Regex alternation of words, longest first; a space inside a word may be left out."""
    keys = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(k).replace("\\ ", r"[ \t]?") for k in keys)


_S = r"[ \t]?"  # one optional space inside an expression (never a line break)
_END = r"(?=$|[^가-힣]|에|의|은|는|이|가|을|를|도|만|부터|까지|께|경|쯤|로|으로|엔|과|와|보다|처럼|무렵|즈음)"

_MAIN = re.compile(
    r"(?<![가-힣A-Za-z0-9.,~∼\-])(?!\s)"
    rf"(?:(?P<dir>지난|오는|다가오는){_S}(?=\d))?"
    r"(?:"
    rf"(?P<yabs>(?:1[89]|2[01])\d{{2}})(?:{_S}[~∼\-]{_S}(?P<y2>(?:1[89]|2[01])\d{{2}}))?{_S}년(?:도)?(?!간|대|생|여|째|차|{_S}동안)"
    r"|(?P<yctx>" + _alt({"같은 해", "그해", "그 해", "이듬해", "다음 해"}) + r")"
    r"|(?P<yw>" + _alt(_YEAR_WORDS) + r")"
    r")?"
    r"(?:"
    rf"{_S}(?P<yq>(?P<yq_n>[1-4]){_S}분기|상반기|하반기)"
    r")?"
    r"(?:"
    rf"{_S}(?P<mabs>1[0-2]|0?[1-9])(?:{_S}[~∼\-]{_S}(?P<m2>1[0-2]|0?[1-9]))?{_S}월(?!간|분|요일)"
    r"|" + _S + r"(?P<mctx>" + _alt({"같은 달", "그달"}) + r")"
    r"|" + _S + r"(?P<mw>" + _alt({"이달", "이번 달", "금월", "지난달", "지난 달", "전월",
                                     "다음달", "다음 달", "내달", "익월"}) + r")"
    r")?"
    rf"(?:{_S}(?P<d>3[01]|[12]\d|0?[1-9])(?:{_S}[~∼\-]{_S}(?P<d2>3[01]|[12]\d|0?[1-9]))?{_S}일"
    r"(?:자)?(?!간|째|치|분|본|부(?!터)|반|환|원|대|정|선|까지\s?\d)"
    rf"(?!{_S}(?:동안|만에|이내))"
    rf"(?:{_S}\((?:월|화|수|목|금|토|일)\)|{_S}(?:월|화|수|목|금|토|일)요일)?)?"
    r"(?:" + _S + r"(?P<hol>" + _alt(_HOLIDAYS) + r"))?"
    r"(?:"
    r"(?P<dw>" + _alt(set(_PUB_DAY_WORDS) | {"이 날", "당일", "같은 날", "그날", "전날", "전일",
                                            "다음 날", "이튿날", "익일", "그 다음 날"}) + r")(?!날)"
    r")?"
    r"(?:" + _S + r"(?P<part>초순|상순|중순|하순|말경|초|말|상반기|하반기))?"
    r"(?P<qual>"
    rf"{_S}\({_S}현지{_S}시간{_S}\)"
    r"|(?:까지|부터|께|쯤|무렵|즈음|경(?![가-힣]))"
    rf"|{_S}(?:이후|이래)"
    r")?"
    + _END
)

_NUMERIC = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s?(?P<sep>[.\-/])\s?(?P<m>1[0-2]|0?[1-9])\s?(?P=sep)\s?"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)\.?"
)


# --------------------------------------------------------------------------- sentences & tense

_LINE = re.compile(r"[^\n]+")
_SENT_END = re.compile(r"(?<=[^\d\s][.!?])(?=\s)|(?<=[.!?][\"”’'」』)])(?=\s)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets: lines split after ``.!?`` that is not a number's dot."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        pos = line.start()
        cuts = [m.start() + line.start() for m in _SENT_END.finditer(line.group())]
        for cut in cuts + [line.end()]:
            piece = text[pos:cut]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            if piece.strip():
                spans.append((pos + lead, cut - trail))
            pos = cut
    return spans


_VERBAL = {"VV", "VA", "VX", "XSV", "XSA", "VCP", "VCN"}
_FUTURE_NOUNS = {"예정", "계획", "방침", "전망", "목표", "것"}
_SEQUENCE_NOUNS = {"뒤", "후", "다음", "이후", "직후"}


def clause_tense(text: str, start: int, end: int | None = None, analysed: AnalysedText | None = None) -> str | None:
    """Tense of the first tense-bearing predicate in ``text[start:end]``.

    Returns ``"past"`` (EP 었/았/였, or a verb's adnominal -ㄴ/-은), ``"future"`` (겠, -ㄹ
    예정/계획/것), ``"present"`` (-ㄴ다/-는다) or None. Connective endings (``따르면``, ``하고``)
    carry no tense, so the scan goes on to the next predicate; an adnominal -는 only counts
    when nothing else decides. ``analysed``: the analysis of the text ``text`` is part of.
    """
    end = len(text) if end is None else end
    if not text[start:end].strip():
        return None
    if analysed is None:
        from briefing.search.language.kiwi import tokenize

        morphs = tokenize(text)
    else:
        morphs = analysed.text_morphemes(text)
    tokens = [t for t in morphs if start <= t.start < end]  # the whole text's analysis, cut to the clause
    stem: tuple[str, str] | None = None  # the last verbal stem seen (form, tag)
    after_rl = False  # just saw an adnominal -ㄹ: "할 예정" is future, "될 가능성" is not
    weak: str | None = None  # adnominal -는: usually a description inside a noun phrase
    for i, tok in enumerate(tokens):
        form, tag = tok.form, tok.tag.split("-")[0]
        if after_rl:
            after_rl = False
            if tag.startswith("NN") and form in _FUTURE_NOUNS:
                return "future"
        if tag in _VERBAL:
            stem = (form, tag)
            continue
        if stem is None:
            continue
        if tag == "EP":
            if form in _PAST_EP:
                return "past"
            if form == "겠":
                return "future"
            continue
        if tag == "ETM":
            if form in ("ᆫ", "은") and stem[1] in ("VV", "XSV", "VX"):
                following = tokens[i + 1].form if i + 1 < len(tokens) else ""
                if following not in _SEQUENCE_NOUNS:  # "마무리한 뒤 ... 진행할 예정": not past
                    return "past"
            if form in ("ᆯ", "을"):
                after_rl = True
            elif form == "는":
                weak = weak or "present"
        elif tag == "EF" and form in ("ᆫ다", "는다"):
            return "present"
        stem = None
    return weak


_PAST_EP = {"었", "았", "였", "었었", "았었", "ᆻ", "ᆻ었"}


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
    return _QUALIFIERS.get(raw)


def find_dates(text: str, published: date | None, *, anchor_hint: date | None = None,
               analysed: AnalysedText | None = None) -> list[DateMention]:
    """Every date expression in ``text``, in order, resolved against ``published``.

    ``anchor_hint`` is the day the story is about, used by ``이날``/``전날``/``다음날`` before any
    day is named (default: ``published``). Offsets slice ``text`` exactly. ``analysed``: the
    analysis of ``text`` (its morphemes give the tense; without it Kiwi is asked).
    """
    found: list[tuple[int, int, re.Match, str]] = []
    for m in _NUMERIC.finditer(text):
        found.append((m.start(), m.end(), m, "numeric"))
    taken = [(s, e) for s, e, _, _ in found]
    pos = 0
    while pos <= len(text) and (m := _MAIN.search(text, pos)) is not None:
        s, e = m.start(), m.end()
        if e == s or not _has_core(m) or any(s < te and ts < e for ts, te in taken):
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


def _has_core(m: re.Match) -> bool:
    if not any(m[g] for g in ("yabs", "yctx", "yw", "mabs", "mctx", "mw", "d", "dw", "hol")):
        return False
    if m["hol"] and any(m[g] for g in ("mabs", "mctx", "mw", "d", "dw")):
        return False
    if m["yw"] == "올" and not any(m[g] for g in ("mabs", "mw", "d", "part", "yq")):
        return False
    if m["dw"] and any(m[g] for g in ("yabs", "yctx", "yw", "mabs", "mctx", "mw", "d")):
        return False
    if m["dir"] and not any(m[g] for g in ("yabs", "mabs", "d")):
        return False
    return True


def _remember(mention: DateMention, m: re.Match | None, ctx: _Context) -> None:
    if mention.value is None or mention.date_from is None:
        return
    if m is None or m["yabs"] or m["yw"] or m["yctx"]:
        ctx.last_year = mention.date_from.year
    if mention.precision in ("month", "part-of-month", "day"):
        ctx.last_month = (mention.date_from.year, mention.date_from.month)
    if mention.precision == "day":
        ctx.anchor = mention.date_from


def _resolve(
    text: str,
    m: re.Match,
    pub: date | None,
    ctx: _Context,
    tense: Callable[[], str | None],
) -> DateMention | None:
    """Turn one grammar match into a DateMention (None: not a date after all)."""
    s, e = m.start(), m.end()
    expr = text[s:e]
    qual = _qualifier(m["qual"])
    direction = m["dir"]

    def unknown() -> DateMention:
        return DateMention(s, e, expr, None, "unknown", None, None, qual, True)

    def made(value: str, precision: str, d_from: date, d_to: date, relative: bool) -> DateMention:
        return DateMention(s, e, expr, value, precision, d_from, d_to, qual, relative)

    # ---- day words: 오늘, 전날, 이날 ...
    if m["dw"]:
        word = _compact(m["dw"])
        if word in _PUB_DAY_WORDS:
            # in quoted speech "오늘" is the day the words were said: the story's day
            base = ctx.anchor if ctx.anchor and _in_quote(text, s) else pub
            if base is None:
                return unknown()
            d = base + timedelta(days=_PUB_DAY_WORDS[word])
        else:
            base = ctx.anchor or pub
            if base is None:
                return unknown()
            d = base + timedelta(days=_ANCHOR_DAY_WORDS[word])
        return made(d.isoformat(), "day", d, d, True)

    # ---- the year
    year: int | None = None
    relative = False
    if m["yabs"]:
        year = int(m["yabs"])
    elif m["yw"]:
        relative = True
        if pub is None:
            return unknown()
        year = pub.year + _YEAR_WORDS[_compact(m["yw"])]
    elif m["yctx"]:
        relative = True
        if ctx.last_year is None:
            return unknown()
        year = ctx.last_year + _CONTEXT_YEAR_WORDS[_compact(m["yctx"])]

    month: int | None = int(m["mabs"]) if m["mabs"] else None
    if m["hol"]:
        month, m_day = next(v for k, v in _HOLIDAYS.items() if _compact(k) == _compact(m["hol"]))
    else:
        m_day: int | None = None
    month2: int | None = int(m["m2"]) if m["m2"] else None
    day: int | None = int(m["d"]) if m["d"] else m_day
    day2: int | None = int(m["d2"]) if m["d2"] else None
    part = m["part"]

    # ---- month words: 이달, 지난달, 같은 달
    if m["mw"] or m["mctx"]:
        relative = True
        if m["mctx"]:
            if ctx.last_month is None:
                return unknown()
            year, month = ctx.last_month
        else:
            if pub is None:
                return unknown()
            year, month = _shift_month(pub.year, pub.month, _MONTH_WORDS[_compact(m["mw"])])
            if day is not None and _compact(m["mw"]) in ("이달", "이번달", "금월"):
                # "이달 14일 ... 체결했다" published on the 2nd: a past event cannot be ahead
                if day > pub.day and tense() == "past":
                    year, month = _shift_month(year, month, -1)

    # ---- year only (with optional part / quarter)
    if month is None:
        if day is not None and year is None:
            if pub is None:
                return unknown()
            d = _resolve_bare_day(pub, day, direction, tense() if direction is None else None)
            if d is None:
                return unknown()
            d_to = d
            if day2 and day2 > day:
                d_to = _safe_date(d.year, d.month, day2) or d
            return made(d.isoformat(), "day", d, d_to, True)
        if year is None:
            return None
        lo, hi = 1, 12
        quarter = m["yq"]
        if quarter:
            if m["yq_n"]:
                q = int(m["yq_n"])
                lo, hi = 3 * q - 2, 3 * q
            else:
                lo, hi = _YEAR_PARTS[quarter]
        elif part in _YEAR_PARTS:
            lo, hi = _YEAR_PARTS[part]
        y_to = int(m["y2"]) if m["y2"] and int(m["y2"]) > year else year
        return made(str(year), "year", date(year, lo, 1), date(y_to, hi, _last_day(y_to, hi)), relative)

    # ---- a month without a year: the tense decides the year
    if year is None:
        relative = True
        if pub is None:
            return unknown()
        year = _pick_year(pub, month, day, direction, tense() if direction is None else None)

    if day is not None:
        d = _safe_date(year, month, day)
        if d is None:
            return None
        d_to = (_safe_date(year, month, day2) or d) if day2 and day2 > day else d
        return made(d.isoformat(), "day", d, d_to, relative)
    value = f"{year:04d}-{month:02d}"
    if part in _MONTH_PARTS:
        lo, hi = _part_range(year, month, _MONTH_PARTS[part])
        return made(value, "part-of-month", lo, hi, relative)
    lo, hi = _month_range(year, month, month2)
    return made(value, "month", lo, hi, relative)
