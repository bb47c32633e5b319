"""Publication dates of scraped pages, each with the evidence that produced it and a confidence.

Evidence, strongest first: a labelled date line (입력/등록/승인 ...), a bare full date near the top
(also when a view counter is glued to it: "조회 2562025. 4. 2."), the date on the current row of an
aggregator's headline list, the reporting day of the lead ("21일 ... 따르면") placed before the
site's today-widget ("12.04 (수)": the weekday pins the year), a date in the file name (labelled
low confidence). Otherwise the date is unknown: never a guess.

HTML pages (:func:`html_published`) state their date in markup: ``<meta
property="article:published_time">`` and its kin, JSON-LD ``datePublished``, ``<time
datetime>``; then a dateline or byline date in the page's text. A date in the URL is a labelled
guess; a copyright year is never made into a date (no first-of-January fallback).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

from briefing.search.model import PublishedDate

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


# --------------------------------------------------------------------------- HTML pages

# <meta> names of a publication date, strongest first (compared lower-case)
_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "article.published", "publication_date", "publish-date", "publishdate", "pubdate", "date",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "sailthru.date", "parsely-pub-date",
    "article:published", "og:regdate", "dable:published_time", "nv:published_time",
)
_META_MODIFIED = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
_JSONLD_PUBLISHED = ("datePublished", "dateCreated", "uploadDate")
_TIME_HINT_RE = re.compile(r"publish|pubdate|posted|date|입력|등록", re.IGNORECASE)
_COPYRIGHT_YEAR_RE = re.compile(r"(?:ⓒ|©|\(c\)|copyright)\s*(?:[^\d\n]{0,30}?)((?:19|20)\d{2})(?:\s*[-~–]\s*((?:19|20)\d{2}))?", re.IGNORECASE)
_URL_DATE_RES = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})[/_.-](0?[1-9]|1[0-2])[/_.-](0?[1-9]|[12]\d|3[01])(?!\d)"),
    # compact "20240305": alone between non-digits, or opening an article number after letters
    re.compile(r"(?:(?<![\dA-Za-z])|(?<=[A-Za-z]))((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])"
               r"(?:(?!\d)|(?<=[A-Za-z]\d{8})\d)"),
)
_BYLINE_DATE_RE = re.compile(r"(기자|특파원|에디터|[\w.+-]+@[\w-]+\.[\w.-]+)[^\n]{0,30}?" + _FULL_DATE)


@dataclass
class HtmlDateEvidence:
    """What an HTML page says about its own date, gathered in one pass over the markup."""

    meta: list[tuple[str, str]] = field(default_factory=list)  # (meta name, content)
    jsonld: list[tuple[str, str, str]] = field(default_factory=list)  # (@type, key, value)
    times: list[tuple[str, bool]] = field(default_factory=list)  # (datetime, hinted as publication)
    lines: list[str] = field(default_factory=list)  # visible text, one line per block
    canonical: str | None = None


class _HtmlDateReader(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer",
               "section", "article", "span", "time", "dd", "dt", "td", "figcaption", "address"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = HtmlDateEvidence()
        self._skip = 0  # inside <script>/<style>/<noscript>
        self._jsonld: list[str] | None = None
        self._line: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            name = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            if name and a.get("content"):
                self.found.meta.append((name, a["content"].strip()))
        elif tag == "link" and "canonical" in a.get("rel", "").lower() and a.get("href"):
            self.found.canonical = self.found.canonical or a["href"]
        elif tag == "script":
            self._skip += 1
            if "ld+json" in a.get("type", "").lower():
                self._jsonld = []
        elif tag in ("style", "noscript", "template", "title"):
            self._skip += 1
        elif tag == "time" and a.get("datetime"):
            hints = " ".join((a.get("itemprop", ""), a.get("class", ""), a.get("id", "")))
            self.found.times.append(
                (a["datetime"].strip(), "pubdate" in a or bool(_TIME_HINT_RE.search(hints)))
            )
        if tag in self._BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._skip = max(0, self._skip - 1)
            if self._jsonld is not None:
                self._read_jsonld("".join(self._jsonld))
                self._jsonld = None
        elif tag in ("style", "noscript", "template", "title"):
            self._skip = max(0, self._skip - 1)
        if tag in self._BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._jsonld is not None:
            self._jsonld.append(data)
        elif not self._skip:
            self._line.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        line = " ".join("".join(self._line).split())
        if line:
            self.found.lines.append(line)
        self._line = []

    def _read_jsonld(self, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            return
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kind = item.get("@type", "")
                kind = " ".join(kind) if isinstance(kind, list) else str(kind)
                for key in (*_JSONLD_PUBLISHED, "dateModified"):
                    if isinstance(item.get(key), str):
                        self.found.jsonld.append((kind, key, item[key]))
                stack.extend(v for k, v in item.items() if isinstance(v, (dict, list)))


def read_html_evidence(html: str) -> HtmlDateEvidence:
    """Date metadata, <time> elements, the canonical URL and the visible lines of a page."""
    reader = _HtmlDateReader()
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was read
        pass
    return reader.found


def metadata_date(found: HtmlDateEvidence) -> PublishedDate | None:
    """The page's own statement of its publication date: <meta>, JSON-LD, then <time>."""
    metas: dict[str, str] = {}
    for name, content in found.meta:
        metas.setdefault(name, content)
    for name in _META_PUBLISHED:
        if name in metas and (d := parse_iso_like(metas[name])):
            conf = 0.95 if "publish" in name else 0.9
            return PublishedDate(d, conf, f"<meta {name}={metas[name]!r}>", "html-meta")
    articles = sorted(found.jsonld, key=lambda t: "Article" not in t[0] and "Posting" not in t[0])
    for key in _JSONLD_PUBLISHED:
        for kind, k, value in articles:
            if k == key and (d := parse_iso_like(value)):
                return PublishedDate(d, 0.95, f"JSON-LD {kind or 'item'} {key}={value!r}", "json-ld")
    hinted = [t for t, hint in found.times if hint] or [t for t, _ in found.times]
    values = [d for d in (parse_iso_like(t) for t in hinted) if d]
    if values:
        distinct = sorted(set(values))
        conf = 0.85 if len(distinct) == 1 else 0.6
        note = "" if len(distinct) == 1 else f" (the first of {len(distinct)} different <time> dates)"
        return PublishedDate(values[0], conf, f"<time datetime={hinted[0]!r}>{note}", "time-element")
    for name in _META_MODIFIED:
        if name in metas and (d := parse_iso_like(metas[name])):
            return PublishedDate(d, 0.6, f"<meta {name}={metas[name]!r}> (last modified, "
                                 "no publication date stated)", "html-meta")
    for kind, k, value in found.jsonld:
        if k == "dateModified" and (d := parse_iso_like(value)):
            return PublishedDate(d, 0.6, f"JSON-LD dateModified={value!r} (last modified, "
                                 "no publication date stated)", "json-ld")
    return None


def dateline_date(lines: list[str]) -> PublishedDate | None:
    """A labelled date line (입력/등록 ...) or a byline with a date ("홍길동 기자 2024.03.05")."""
    found = labelled_date(lines)
    if found:
        return found
    for line in lines:
        if len(line) <= 80 and (m := _BYLINE_DATE_RE.search(line)):
            d = _make_date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
            if d:
                return PublishedDate(d, 0.85, f"byline {line.strip()!r}", "byline")
    return None


def url_date(url: str | None) -> PublishedDate | None:
    """A date written in the page's URL: a labelled, low-confidence guess."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.IGNORECASE)
    for pattern in _URL_DATE_RES:
        for m in pattern.finditer(path):
            d = _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d:
                return PublishedDate(d, 0.4, f"URL {url!r} (a guess: the page states no date)", "url")
    return None


def copyright_year(lines: list[str]) -> str | None:
    """The (last) year of a copyright notice such as "Copyright 2024" or "© 2020-2024"."""
    for line in reversed(lines):
        m = _COPYRIGHT_YEAR_RE.search(line)
        if m:
            return m.group(2) or m.group(1)
    return None


def _above_the_end(lines: list[str], article_text: str) -> list[str]:
    """``lines`` up to the last one that holds article text (all of them without the text)."""
    def compact(t: str) -> str:
        return re.sub(r"\W+", "", t)

    text = compact(article_text)
    last = max((i for i, line in enumerate(lines) if len(compact(line)) >= 15 and compact(line) in text),
               default=len(lines) - 1)
    return lines[: last + 2]  # a date line right under the story ("입력 ..." at the end) counts


def no_date(found: HtmlDateEvidence | list[str] | None = None) -> PublishedDate:
    """Unknown, saying what was not taken as a date (a copyright year dates the site, not the story)."""
    lines = found.lines if isinstance(found, HtmlDateEvidence) else found or []
    year = copyright_year(lines)
    if year:
        where = "metadata or text" if isinstance(found, HtmlDateEvidence) else "text"
        return PublishedDate(
            None, 0.0, f"no date in the page's {where} (the copyright year {year} "
            "dates the site, not the article: not used)", "none")
    return PublishedDate(None, 0.0, "no date in the text", "none")


def html_published(html: str | HtmlDateEvidence, from_text: PublishedDate,
                   url: str | None = None, article_text: str = "") -> PublishedDate:
    """The publication date of an HTML page, from its own evidence, strongest first: <meta>,
    JSON-LD and <time> markup; a dateline or byline date in the page's text (above the end of
    ``article_text`` when it is given: comments below carry dates of their own); then, labelled
    as guesses, a date in the URL or the file name. ``from_text`` is what the article text alone
    gave. A copyright year is never turned into a date (no first-of-January guess)."""
    found = read_html_evidence(html) if isinstance(html, str) else html
    stated = metadata_date(found) or dateline_date(_above_the_end(found.lines, article_text))
    if stated:
        return stated
    if from_text.value and from_text.source not in ("filename", "none"):
        return from_text
    guess = url_date(url) or url_date(found.canonical)
    if guess:
        return guess
    if from_text.value:
        return from_text
    return no_date(found)
