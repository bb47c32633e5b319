"""Publication dates of scraped pages, each with the evidence that produced it and a confidence.

Evidence, strongest first: a labelled date line (입력/등록/승인 ...), a bare full date near the top
(also when a view counter is glued to it: "조회 2562025. 4. 2."), the date on the current row of an
aggregator's headline list, the reporting day of the lead ("21일 ... 따르면") placed before the
site's today-widget ("12.04 (수)": the weekday pins the year), a date in the file name (labelled
low confidence). Otherwise the date is unknown: never a guess.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .models import PublishedDate

_FULL_DATE = r"((?:19|20)\d{2})\s*[.\-/년]\s*(\d{1,2})\s*[.\-/월]\s*(\d{1,2})\s*[.일]?"
_FULL_DATE_RE = re.compile(_FULL_DATE)
_LABELLED_RE = re.compile(
    r"(입력|등록|승인|게재|발행|송고|기사입력|최초\s*입력|작성|published|posted|date)\s*[:：]?\s*" + _FULL_DATE,
    re.IGNORECASE,
)
_UPDATED_RE = re.compile(r"(수정|업데이트|최종\s*수정|updated|modified)\s*[:：]?\s*" + _FULL_DATE, re.I)
_WEEKDAYS = "월화수목금토일"
_WIDGET_RE = re.compile(r"^\s*(\d{1,2})\s*[./]\s*(\d{1,2})\s*\.?\s*\(\s*([월화수목금토일])\s*\)\s*$")
# The reporting day of a lead: "21일 전자업계에 따르면", "2일 재계에 따르면", "21일(현지시간) ... 따르면"
_LEAD_DAY_RE = re.compile(
    r"(?:^|[\s.])(\d{1,2})일\s*(?:\(현지\s*시간\)\s*)?[^.]{0,40}?(?:따르면|밝혔다|발표했다|전했다|보도했다)"
)
_FILENAME_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


def _make_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def widget_date(line: str, today: date) -> date | None:
    """A today-widget "12.04 (수)": the latest date on or before ``today`` with that weekday."""
    m = _WIDGET_RE.match(line)
    if not m:
        return None
    month, day, wd = int(m.group(1)), int(m.group(2)), _WEEKDAYS.index(m.group(3))
    for year in range(today.year, today.year - 28, -1):
        d = _make_date(year, month, day)
        if d and d <= today and d.weekday() == wd:
            return d
    return None


def labelled_date(lines: list[str]) -> PublishedDate | None:
    """A date line labelled 입력/등록/... (preferred) or 수정/updated."""
    for pattern, conf in ((_LABELLED_RE, 0.95), (_UPDATED_RE, 0.8)):
        for line in lines:
            m = pattern.search(line)
            if m:
                d = _make_date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
                if d:
                    return PublishedDate(d, conf, f"date line {line.strip()!r}", "date-line")
    return None


def header_date(lines: list[str]) -> PublishedDate | None:
    """A short line near the top that carries a full date (a view counter may be glued to it)."""
    for line in lines:
        stripped = line.strip()
        if len(stripped) > 40:
            continue
        m = _FULL_DATE_RE.search(stripped)
        if not m:
            continue
        d = _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if not d:
            continue
        prefix = stripped[: m.start()]
        note = ""
        if re.search(r"\d$", prefix):
            note = f" (the digits before it, {prefix.strip()!r}, are a counter glued to the date)"
        return PublishedDate(d, 0.9, f"date line {stripped!r}{note}", "date-line")
    return None


def lead_day_date(paragraphs: list[str], upper_bound: date, bound_evidence: str) -> PublishedDate | None:
    """The lead's reporting day ("21일 ... 따르면"), placed in the latest month on or before
    ``upper_bound`` (the page's today-widget)."""
    for para in paragraphs[:6]:
        m = _LEAD_DAY_RE.search(para)
        if not m:
            continue
        day = int(m.group(1))
        if not 1 <= day <= 31:
            continue
        candidate = upper_bound
        for _ in range(3):
            d = _make_date(candidate.year, candidate.month, day)
            if d and d <= upper_bound:
                quote = para[m.start(1): m.end()].strip()
                return PublishedDate(
                    d, 0.6, f"reporting day {quote!r} before {bound_evidence}", "lead-day"
                )
            candidate = candidate.replace(day=1) - timedelta(days=1)
    return None


def filename_date(name: str) -> PublishedDate | None:
    """A date written in the file name: a labelled low-confidence fallback."""
    m = _FILENAME_DATE_RE.search(name)
    if not m:
        return None
    d = _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if not d:
        return None
    return PublishedDate(d, 0.3, f"file name {name!r} (fallback: no date in the text)", "filename")


def parse_iso_like(value: str) -> date | None:
    """Dates from metadata: ISO dates/datetimes, '2025.02.05', '2025년 2월 5일'."""
    value = value.strip()
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    m = _FULL_DATE_RE.search(value)
    return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
