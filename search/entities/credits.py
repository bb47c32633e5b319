"""Bylines and credits: who wrote or supplied a text is not what it is about.

Reporter names (``박해리 기자``) and everything inside a byline bracket never become entities;
a name in a photo credit or a copyright line is dropped, unless it is a media outlet, which then
gets ``role="source"`` like an outlet a report is attributed to (``닛케이에 따르면``).
"""

from __future__ import annotations

import bisect
import re

from briefing.search.entities.candidates import Candidate, Candidates
from briefing.search.entities.names import hangul_name_like
from briefing.search.language.lexicon import BYLINE_WORDS, CREDIT_WORDS
from briefing.search.model import Mention

BYLINE_WORD_RE = re.compile("|".join(sorted(BYLINE_WORDS, key=len, reverse=True)))
BYLINE_BRACKET_RE = re.compile(r"[\[(【][^\])】\n]{0,60}(?:기자|특파원)[^\])】\n]{0,40}[\])】]")
CREDIT_BEFORE_RE = re.compile(r"(?:사진|자료|그래픽|영상|출처|제공)\s*(?:제공|출처)?\s*[=:/]?\s*$")
COPYRIGHT_LINE_RE = re.compile(r"^.*(?:ⓒ|©|Copyright|무단\s*전재|무단전재|재배포\s*금지).*$", re.M | re.I)
COPYRIGHT_MARK_RE = re.compile(r"ⓒ|©|Copyright|무단\s*전재|무단전재|재배포\s*금지", re.I)
_REPORT_AFTER_RE = re.compile(r"^\s*(?:\([^)]{1,20}\)\s*)?(?:은|는|이|가)?\s*(?:[^.。\n]{0,80}?)(?:보도했|보도에 따르면|전했다|보도하)")
_ACCORDING_RE = re.compile(r"^\s*(?:\([^)]{1,20}\)\s*)?(?:의\s*보도)?에\s*따르면")


def find_bylines(c: Candidates) -> None:
    """Block byline brackets and note the reporters' names (``박해리 기자``, ``박해리기자``)."""
    for m in BYLINE_BRACKET_RE.finditer(c.text):
        c.blocked.append(m.span())
    # only words that contain a byline word can start or end with one
    with_byline = sorted({bisect.bisect_right(c.word_starts, m.start()) - 1
                          for m in BYLINE_WORD_RE.finditer(c.text)})
    for i in with_byline:
        w = c.words[i]
        core = w.text.rstrip(".,)]」』")
        if core.startswith(BYLINE_WORDS) and \
                any(core == b or core.startswith(b) and len(core) - len(b) <= 1 for b in BYLINE_WORDS):
            if i > 0 and hangul_name_like(c.words[i - 1].text):
                c.reporters.add(c.words[i - 1].text)
        elif core.endswith(BYLINE_WORDS):
            for b in BYLINE_WORDS:
                if core.endswith(b) and hangul_name_like(core[: -len(b)]):
                    c.reporters.add(core[: -len(b)])


class Credits:
    """The credit and copyright positions of one text, and the mentions its candidates make."""

    def __init__(self, text: str):
        self.text = text
        self._copyright_lines: dict[tuple[int, int], bool] = {}

    def mentions(self, chosen: list[Candidate]) -> list[Mention]:
        """The chosen candidates as mentions, by start: credits dropped, media credited as sources."""
        out = []
        text = self.text
        for c in sorted(chosen, key=lambda c: c.start):
            credit = self._credit_position(c)
            if credit and not c.media:
                continue
            role = "source" if c.media and (credit or self._reported_by(c)) else "story"
            out.append(Mention(c.start, c.end, text[c.start:c.end], c.type, c.name, role))
        return out

    def _credit_position(self, c: Candidate) -> bool:
        text = self.text
        line_start = text.rfind("\n", 0, c.start) + 1
        line_end = text.find("\n", c.end)
        line_end = len(text) if line_end < 0 else line_end
        before = text[line_start:c.start]
        after = text[c.end:line_end]
        if credit_before(before):
            return True
        if self._copyright_line(line_start, line_end):
            return True
        if not after.strip(" \t]）)") and (not before.strip() or re.search(r"[.!?。]\s+$|^\s*$", before)):
            return bool(re.search(r"[.!?。]\s+$", before)) or not before.strip() and c.media
        return False

    def _copyright_line(self, start: int, end: int) -> bool:
        """``COPYRIGHT_LINE_RE.fullmatch`` of the line, once per line."""
        key = (start, end)
        found = self._copyright_lines.get(key)
        if found is None:
            line = self.text[start:end]
            if "\n" in line:  # a span across lines (rare): the regex itself
                found = bool(COPYRIGHT_LINE_RE.fullmatch(line))
            else:  # on one line, "^.*(?:marks).*$" fullmatches exactly when a mark occurs
                found = COPYRIGHT_MARK_RE.search(line) is not None
            self._copyright_lines[key] = found
        return found

    def _reported_by(self, c: Candidate) -> bool:
        after = self.text[c.end:c.end + 120]
        return bool(_ACCORDING_RE.match(after) or _REPORT_AFTER_RE.match(after))


def credit_before(before: str) -> bool:
    """``CREDIT_BEFORE_RE.search(before)`` for text without a newline, reading only its end:
    a credit word, then maybe whitespace, one of = : /, whitespace ("사진 제공=" ends in 제공,
    itself a credit word)."""
    if "\n" in before:
        return CREDIT_BEFORE_RE.search(before) is not None
    tail = before.rstrip()
    if tail.endswith(("=", ":", "/")):
        tail = tail[:-1].rstrip()
    return tail.endswith(CREDIT_WORDS)
