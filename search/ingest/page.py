"""Read the article out of the raw text of a news web page: title, publisher, byline,
publication date and the clean body, with every dropped line and the reason it was dropped."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from briefing.search.ingest import furniture as fx
from briefing.search.ingest import pubdate
from briefing.search.model import PublishedDate
from briefing.search.ingest.outlets import KNOWN_OUTLETS, outlet_pattern

_BULLET_RE = re.compile(r"^[•·∙◦▪▫‣⁃\-*]\s+")
_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # Unicode category Cc but the tab
COPYRIGHT_NAME_RE = re.compile(
    r"(?:ⓒ|©|\(c\)|copyright)\s*(?:ⓒ|©|\(c\))?\s*(?:(?:19|20)\d{2}\s*)?(?:['‘“\"][^'’”\"]*['’”\"]\s*)?"
    r"([^\s,.&\]\[|·ⓒ©]+)", re.IGNORECASE)
_SELF_REFERENCE_RES = (
    re.compile(r"(?:본|이)\s*기사는\s*(.{2,30}?)의"),
    re.compile(r"\|\s*([^|]{2,30}?)(?:를|을|에서|의)?\s*(?:참고|$)"),
)
_HEADER_WINDOW = 15  # lines at the top where bare date lines and breadcrumbs are looked for


@dataclass
class PageParts:
    title: str
    paragraphs: list[str]
    publisher: str | None
    byline: list[str]
    published: PublishedDate
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (line, reason)
    credits: list[str] = field(default_factory=list)  # who the photos are credited to
    captions: list[str] = field(default_factory=list)  # paragraphs that are photo captions


def normalize_line(line: str) -> str:
    """NFC, no zero-width characters, single spaces, stripped."""
    line = unicodedata.normalize("NFC", _INVISIBLE_RE.sub("", line))
    return _SPACE_RE.sub(" ", _CONTROL_RE.sub("", line)).strip()


def compact(text: str) -> str:
    """Letters and digits only, lower-cased: the key under which two lines are the same text."""
    return re.sub(r"[\W_]+", "", text).lower()


class _Page:
    """Working state of one page while its lines are classified."""

    def __init__(self, text: str, outlets: tuple[str, ...]):
        self.lines = [normalize_line(raw) for raw in text.splitlines()]
        self.reason: list[str | None] = [None] * len(self.lines)
        self.outlets = outlets
        self.outlet_re = outlet_pattern(outlets)
        self.byline: list[str] = []
        self.publisher_evidence: list[tuple[int, str, str]] = []  # (rank, name, evidence)
        self.aggregator_title: str | None = None
        self.aggregator_date: tuple[str, str] | None = None  # (date text, row)
        self.widget: tuple[date, str] | None = None
        self.end_markers: list[int] = []
        self.split_off: list[tuple[int, str, str]] = []  # (line index, text cut off a line, reason)
        self.credits: list[str] = []
        self.captions: list[str] = []

    def nonempty(self) -> list[int]:
        return [i for i, line in enumerate(self.lines) if line]

    def drop(self, i: int, reason: str) -> None:
        if self.reason[i] is None:
            self.reason[i] = reason

    def add_byline(self, names: list[str]) -> None:
        for name in names:
            if name not in self.byline:
                self.byline.append(name)

    def add_publisher(self, rank: int, name: str, evidence: str) -> None:
        self.publisher_evidence.append((rank, name.strip(), evidence))

    def add_credit(self, credit: str) -> None:
        source = fx.credit_source(credit)
        if source and source not in self.credits:
            self.credits.append(source)


def _runs(page: _Page, is_row: Callable[[str], object], min_len: int) -> list[list[int]]:
    """Runs of ``min_len`` or more consecutive non-empty lines for which ``is_row`` holds."""
    runs: list[list[int]] = []
    run: list[int] = []
    for i in [*page.nonempty(), -1]:
        if i >= 0 and is_row(page.lines[i]):
            run.append(i)
            continue
        if len(run) >= min_len:
            runs.append(run)
        run = []
    return runs


def _mark_aggregator(page: _Page) -> None:
    """Runs of 3+ rows 'number title site date' are another site's headline list."""
    for run in _runs(page, fx.aggregator_row, 3):
        page.end_markers.append(run[0])
        for j in run:
            page.drop(j, "headline list of other articles")
            row = fx.aggregator_row(page.lines[j])
            if row and row.group("mark").startswith("»"):
                page.aggregator_title = row.group("title").strip()
                page.aggregator_date = (row.group("date"), page.lines[j])


def _mark_headline_lists(page: _Page) -> None:
    """Two or more rows such as "▶ 삼성SDI, 22일 헝가리 공장 착공": links to other articles."""
    for run in _runs(page, fx.is_headline_list_row, 2):
        page.end_markers.append(run[0])
        for j in run:
            page.drop(j, "headline list of other articles")


def _mark_profiles(page: _Page) -> None:
    """Author-profile blocks: 'Picture / Member for / Real name / Position / Bio' with values."""
    lines, n, i = page.lines, len(page.lines), 0
    while i < n:
        if not fx.is_profile_label(lines[i]):
            i += 1
            continue
        page.end_markers.append(i)
        j = i
        while j < n:
            if not lines[j]:
                j += 1
                continue
            if not fx.is_profile_label(lines[j]):
                break
            label = lines[j].lower()
            page.drop(j, "author profile")
            k = j + 1
            while k < n and not lines[k]:
                k += 1
            if k < n and not fx.is_profile_label(lines[k]):
                page.drop(k, "author profile")
                if label == "real name":
                    page.add_byline([lines[k]])
                j = k + 1
            else:
                j = k
        i = j


def _classify(page: _Page, today: date) -> None:
    header_limit = _HEADER_WINDOW
    outlets = set(page.outlets)
    for i, line in enumerate(page.lines):
        if not line or page.reason[i] or fx.is_story_paragraph(line):
            continue  # a story paragraph is never furniture, whatever words it contains
        widget = pubdate.widget_date(line, today)
        if widget:
            page.widget = (widget, line)
            page.drop(i, "date widget")
        elif i < header_limit and len(line) <= 40 and pubdate.header_date([line]):
            page.drop(i, "date line")
        elif fx.is_copyright_line(line):
            page.drop(i, "copyright")
            page.end_markers.append(i)
            names = [m.group(0) for m in page.outlet_re.finditer(line)]
            if not names:
                m = COPYRIGHT_NAME_RE.search(line)
                names = [m.group(1)] if m else []
            if names:
                page.add_publisher(0, names[0], f"copyright line {line!r}")
        elif fx.is_ui_line(line):
            page.drop(i, "page widget")
        elif i < header_limit and fx.is_breadcrumb(line):
            page.drop(i, "breadcrumb")
        elif (bylined := fx.byline_names(line)) is not None:
            page.drop(i, "byline")
            page.add_byline(bylined)
            page.end_markers.append(i)
        elif fx.is_photo_credit_line(line):
            page.drop(i, "photo credit")
            page.add_credit(line)
        elif line in outlets:
            page.drop(i, "outlet name (credit or sign-off)")
            page.add_publisher(2, line, f"sign-off line {line!r}")
            page.end_markers.append(i)


def _pick_title(page: _Page, given: str | None) -> str:
    if given:
        title = normalize_line(given)
    elif page.aggregator_title:
        title = page.aggregator_title
    else:
        title = ""
        for i in page.nonempty():
            line = page.lines[i]
            if page.reason[i] or _BULLET_RE.match(line) or fx.is_profile_label(line):
                continue
            if 4 <= len(line) <= 200 and " " in line:  # one word is a section label
                title = line
                break
    key = compact(title)
    for i in page.nonempty():
        if key and compact(_BULLET_RE.sub("", page.lines[i])) == key:
            page.drop(i, "title")
    return title


def _drop_breadcrumbs(page: _Page) -> None:
    """Bullets before the title are the site's breadcrumb or menu; a single word there
    ("국제", "과학·IT") is a section label."""
    if "title" not in page.reason:
        return
    for i in page.nonempty()[:_HEADER_WINDOW]:
        if page.reason[i] == "title":
            break
        if _BULLET_RE.match(page.lines[i]):
            page.drop(i, "breadcrumb")
        elif " " not in page.lines[i] and len(page.lines[i]) <= 12 and not fx.is_sentence(page.lines[i]):
            page.drop(i, "section label")


def _drop_trailer(page: _Page) -> None:
    """After the article's end (copyright, byline, sign-off, profile, headline list) in the
    second half of the page, keep only long prose lines."""
    sentence_chars = [len(l) if (l and fx.is_sentence(l)) else 0 for l in page.lines]
    total = sum(sentence_chars) or 1
    ends = sorted(
        m for m in page.end_markers if sum(sentence_chars[:m]) >= 0.5 * total
    )
    if not ends:
        return
    for i in range(ends[0] + 1, len(page.lines)):
        line = page.lines[i]
        if line and page.reason[i] is None and (len(line) < 60 or not fx.is_sentence(line)) \
                and not fx.is_story_paragraph(line):
            page.drop(i, "after the end of the article")


def _body(page: _Page) -> list[str]:
    keep = [i for i in page.nonempty() if page.reason[i] is None]
    paragraphs: list[str] = []
    for pos, i in enumerate(keep):
        line = _BULLET_RE.sub("", page.lines[i])
        nxt = page.lines[keep[pos + 1]] if pos + 1 < len(keep) else ""
        followed_by_image = any(
            page.reason[j] == "page widget" and "이미지" in page.lines[j]
            for j in range(i + 1, min(i + 3, len(page.lines)))
        )
        is_caption = fx.is_caption(line) or followed_by_image
        caption, credit, explicit = fx.split_credit(line)
        if credit is not None:
            names = fx.byline_names(credit)
            if explicit or names or credit in page.outlets or followed_by_image:
                page.add_byline(names or [])
                page.split_off.append((i, line[len(caption):].strip(), "photo credit"))
                if not names:
                    page.add_credit(credit)
                line, is_caption = caption, True
        if nxt and compact(line) and compact(line) == compact(nxt) and line != nxt:
            page.drop(i, "duplicate of the next line (image alt text)")
            continue
        if line:
            paragraphs.append(line)
            if is_caption and not fx.is_story_paragraph(line):
                page.captions.append(line)
    return paragraphs


def _publisher(page: _Page, paragraphs: list[str]) -> str | None:
    if not page.publisher_evidence:
        for para in paragraphs:
            for pattern in _SELF_REFERENCE_RES:
                for m in pattern.finditer(para):
                    name = m.group(1).strip()
                    if name in page.outlets:
                        page.add_publisher(1, name, f"self-reference {m.group(0)!r}")
    if not page.publisher_evidence:
        return None
    return min(page.publisher_evidence, key=lambda e: e[0])[1]


def _published(page: _Page, paragraphs: list[str], name: str, today: date) -> PublishedDate:
    header = [l for l in page.lines[:_HEADER_WINDOW] if l]
    found = pubdate.labelled_date(page.lines) or pubdate.header_date(
        [l for l in header if len(l) <= 40]
    )
    if found:
        return found
    if page.aggregator_date:
        d = pubdate.parse_iso_like(page.aggregator_date[0])
        if d:
            return PublishedDate(
                d, 0.85, f"current row of the headline list {page.aggregator_date[1]!r}", "aggregator"
            )
    if page.widget:
        wdate, wline = page.widget
        lead = pubdate.lead_day_date(paragraphs, wdate, f"the page's date widget {wline!r} ({wdate})")
        if lead:
            return lead
        return PublishedDate(
            wdate, 0.3,
            f"the page's date widget {wline!r}: the page was captured on {wdate}; "
            "the article is from that day or earlier", "widget",
        )
    return pubdate.filename_date(name) or pubdate.no_date(page.lines)


def extract_page(
    text: str,
    *,
    name: str = "",
    today: date | None = None,
    outlets: tuple[str, ...] = KNOWN_OUTLETS,
    title: str | None = None,
) -> PageParts:
    """Split raw page text into the article's parts; ``name`` is the file name (date fallback);
    ``title`` is a title known from metadata (its copies are removed from the body)."""
    today = today or date.today()
    page = _Page(text, outlets)
    _mark_aggregator(page)
    _mark_headline_lists(page)
    _mark_profiles(page)
    _classify(page, today)
    title = _pick_title(page, title)
    _drop_breadcrumbs(page)
    _drop_trailer(page)
    paragraphs = _body(page)
    indexed = [(i, page.lines[i], r) for i, r in enumerate(page.reason) if r and page.lines[i]]
    indexed += page.split_off  # credits cut off a caption, after the line they ended
    dropped = [(line, reason) for _, line, reason in sorted(indexed, key=lambda t: t[0])]
    return PageParts(
        title=title,
        paragraphs=paragraphs,
        publisher=_publisher(page, paragraphs),
        byline=page.byline,
        published=_published(page, paragraphs, name, today),
        dropped=dropped,
        credits=page.credits,
        captions=page.captions,
    )
