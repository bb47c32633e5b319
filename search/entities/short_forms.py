"""Names that point back at one named in full in the same text.

- ``최 회장``/``모리타 사장``: a surname or part of a foreign name before a title is the person
  named in full nearby (:func:`find_short_forms`);
- a discovered name repeated bare later is the same entity (:func:`find_repeats`);
- ``과학기술정보통신부(과기정통부)``, ``반도체산업협회(SIA)``: a short form defined in brackets
  after a name names it for the rest of the text (:func:`find_defined_aliases`).
"""

from __future__ import annotations

import re

from briefing.search.entities.candidates import Candidate, Candidates
from briefing.search.entities.names import determiner_like
from briefing.search.entities.persons import affiliation
from briefing.search.entities.tokens import HANGUL_RE
from briefing.search.language.lexicon import LATIN_NON_NAMES, TITLE_FIRST_CHARS, TITLE_WINDOW

_ACRONYM_RE = re.compile(r"[A-Z][A-Za-z0-9&]{1,9}")


def find_short_forms(c: Candidates) -> None:
    """Add the short forms before a title that name a person found in full."""
    persons = c.persons()
    if not persons:
        return
    for j, word in enumerate(c.words[1:], start=1):
        if word.text[0] not in TITLE_FIRST_CHARS:
            continue
        tlen = c.title_len(word)
        if not tlen:
            continue
        k = j - 1
        if affiliation(c, c.words[k]) and k >= 1 and c.covered_exact(c.words[k]) is not None:
            k -= 1  # "모리타 NEC 사장"
        prev = c.words[k]
        if c.covered_exact(prev) is not None or not (prev.bare or determiner_like(prev)) or \
                not c.one_line(prev.start, word.start):
            continue
        person = _resolve_short(c, prev.text, prev.start, persons, word.text[:tlen])
        if person is None:
            continue
        end = word.start + tlen if k == j - 1 else prev.end
        c.add(prev.start, end, "person", person, 2)


def _resolve_short(c: Candidates, short: str, pos: int, persons: list[Candidate], title: str = "") -> str | None:
    """The person a short form names (a surname, or a part of a foreign name): the nearest
    before (else the first after), preferring those named in full with the same ``title``
    ("이재용 삼성전자 회장" ... "이건희" ... "이 회장" is 이재용)."""
    def matches(name: str) -> bool:
        parts = name.split(" ")
        if len(short) == 1 and HANGUL_RE.fullmatch(short):
            return len(parts) == 1 and name.startswith(short)
        return len(parts) > 1 and short in parts

    found = [p for p in persons if matches(p.name)]
    if title:
        same = re.compile(rf"(?<![\uac00-\ud7a3]){re.escape(title)}")
        titled = [p for p in found if same.search(c.text, p.end, p.end + TITLE_WINDOW)]
        found = titled or found
    before = [p for p in found if p.start < pos]
    if before:
        return before[-1].name
    return found[0].name if found else None


def find_repeats(c: Candidates) -> None:
    """Bare repeats of discovered (non-gazetteer) names elsewhere in the text."""
    seen: dict[str, str] = {}
    for cand in c.candidates:
        if cand.priority in (1, 2) and cand.name == c.text[cand.start:cand.end]:
            seen.setdefault(cand.name, cand.type)
    for name, type_ in seen.items():
        for m in re.finditer(re.escape(name), c.text):
            if c.left_ok(m.start()) and c.right_ok(m.end()):
                c.add(m.start(), m.end(), type_, name, 1)


def find_defined_aliases(c: Candidates, chosen: list[Candidate]) -> bool:
    """"과학기술정보통신부(과기정통부)", "반도체산업협회(SIA)": the short form in brackets
    right after a chosen name is an alias of it for the rest of the text. True if any was found."""
    found = False
    text = c.text
    for cand in list(chosen):
        if cand.type == "person" or text[cand.end:cand.end + 1] != "(":
            continue
        close = text.find(")", cand.end + 1, cand.end + 16)
        if close < 0:
            continue
        short = text[cand.end + 1:close]
        if not is_abbreviation(short, text[cand.start:cand.end]):
            continue
        c.add(cand.end + 1, close, cand.type, cand.name, 3, cand.media)
        for m in re.finditer(re.escape(short), text[close:]):
            a, b = close + m.start(), close + m.end()
            if c.left_ok(a) and c.right_ok(b):
                c.add(a, b, cand.type, cand.name, 3, cand.media)
        found = True
    return found


def is_abbreviation(short: str, long: str) -> bool:
    """``short`` (the text in brackets after ``long``) reads as its short form: a Latin
    acronym, or a shorter Hangul word whose syllables occur in ``long`` in order ("과기정통부")."""
    if not short or short != short.strip() or " " in short:
        return False
    if _ACRONYM_RE.fullmatch(short):
        return short.upper() not in LATIN_NON_NAMES or len(long) > 6
    if not HANGUL_RE.fullmatch(short) or not 2 <= len(short) < len(long):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)  # a subsequence
