"""Names typed by their suffix: companies (``LG전자``, ``미래에셋증권``), places (``서초구``,
``아이치현``) and organisations (``국방부``, ``도쿄포럼``), read off the noun runs inside a word.
"""

from __future__ import annotations

from briefing.search.entities.candidates import Candidates
from briefing.search.entities.tokens import Token, Word
from briefing.search.language.lexicon import (
    ALL_SUFFIXES,
    COMPANY_SUFFIXES,
    GENERIC_ORG_WORDS,
    LATIN_NON_NAMES,
    ORG_SUFFIXES,
    PLACE_SUFFIX_FORMS,
    PLACE_SUFFIXES,
)

_RUN_START_TAGS = frozenset(("NNP", "NNG", "SL", "SH", "XPN", "NR", "SN"))
_RUN_NEXT_TAGS = frozenset(("NNP", "NNG", "SL", "XPN", "XSN", "SN"))


def find_suffix_names(c: Candidates) -> None:
    """Add the companies, places and organisations named by a suffix."""
    for word in c.words:
        if word.end - word.start >= 3:  # shorter words hold no run of 3+ characters
            _compound_in(c, word)


def _compound_in(c: Candidates, word: Word) -> None:
    """Noun runs inside one word ending in a company, place or organisation suffix."""
    toks = word.tokens
    n = len(toks)
    i = 0
    while i < n:
        if toks[i].tag not in _RUN_START_TAGS:
            i += 1
            continue
        j = i
        while j + 1 < n and toks[j + 1].tag in _RUN_NEXT_TAGS and toks[j + 1].start == toks[j].end:
            j += 1
        if toks[j].end - toks[i].start >= 3:  # _classify_run skips shorter runs
            _classify_run(c, toks[i:j + 1])
        i = j + 1


def _classify_run(c: Candidates, run: list[Token]) -> None:
    start, end = run[0].start, run[-1].end
    if end - start < 3:
        return
    surface = c.text[start:end]
    if not surface.endswith(ALL_SUFFIXES) and not (
            len(run) == 2 and run[0].tag == "NNP" and run[1].form in PLACE_SUFFIX_FORMS):
        return  # _suffix_type finds no suffix: nothing to classify
    if not c.left_ok(start) or not c.right_ok(end):
        return
    has_proper = any(t.tag in ("NNP", "SL") for t in run)
    gaz = c.gaz.resolve(surface)
    if gaz is not None:
        return  # already a gazetteer hit
    type_ = _suffix_type(c, surface, run, has_proper)
    if type_:
        c.add(start, end, type_, _place_name(c, surface) if type_ == "place" else surface, 1)


def _place_name(c: Candidates, surface: str) -> str:
    """"부산시" -> 부산 when the stem is a known place."""
    for suffix in PLACE_SUFFIXES:
        if surface.endswith(suffix):
            entry = c.gaz.resolve(surface[: -len(suffix)], "place")
            if entry is not None:
                return entry.name
    return surface


def _suffix_type(c: Candidates, surface: str, run: list[Token], has_proper: bool) -> str | None:
    last = run[-1]
    stem_tokens = run[:-1]
    if has_proper:
        for suffix in COMPANY_SUFFIXES:
            if surface.endswith(suffix) and len(surface) > len(suffix) and _stem_proper(surface, suffix, run):
                return "company"
    if len(run) == 1 and last.tag == "NNP" and not c.title_follows(last.end):
        for suffix in PLACE_SUFFIXES:
            if surface.endswith(suffix) and len(surface) >= 3 and _place_stem_ok(c, surface, suffix):
                return "place"
    if len(run) == 2 and run[0].tag == "NNP" and run[1].form in ("현", "구", "시", "군", "주", "도"):
        return "place"
    if len(run) == 1 and last.tag == "NNG" and len(surface) >= 3 and surface[-1] in "부처청" \
            and surface not in GENERIC_ORG_WORDS:
        return "org"
    for suffix in ORG_SUFFIXES:
        if surface.endswith(suffix) and len(surface) > len(suffix) and _suffix_aligned(last, suffix):
            if has_proper or (len(stem_tokens) >= 1 and suffix not in ("대", "실", "정부")) or \
                    (len(run) == 1 and last.tag == "NNP"):
                if suffix == "대" and not (run[0].tag == "NNP" and len(run) == 2):
                    continue
                if suffix == "정부" and not has_proper:
                    continue
                return "org"
    return None


def _place_stem_ok(c: Candidates, surface: str, suffix: str) -> bool:
    """"구/현/군" make places at 3+ syllables; "시/도/주" (also name endings: "노부요시") need
    a stem or a whole word known as a place (gazetteer or lexicon)."""
    stem = c.gaz.resolve(surface[: -len(suffix)])
    if stem is not None:
        return stem.type == "place"
    if suffix in ("구", "현", "군", "특별시", "광역시"):
        return True
    return "place" in (c.lexicon.entity_type(surface[: -len(suffix)], min_count=1),
                       c.lexicon.entity_type(surface, min_count=1))


def _suffix_aligned(last: Token, suffix: str) -> bool:
    """The suffix is the whole last morpheme, or ends a proper-noun (or long office) morpheme."""
    if last.form == suffix or (last.tag == "NNP" and last.form.endswith(suffix)):
        return True
    return suffix in ("부", "처", "청") and last.form.endswith(suffix) and len(last.form) >= 3 \
        and last.form not in GENERIC_ORG_WORDS


def _stem_proper(surface: str, suffix: str, run: list[Token]) -> bool:
    stem = surface[: -len(suffix)]
    if len(stem) < 2 or stem.upper() in LATIN_NON_NAMES:
        return False
    stem_end = run[0].start + len(stem)
    stem_tokens = [t for t in run if t.start < stem_end]
    return any(t.tag in ("NNP", "SL") and t.form.upper() not in LATIN_NON_NAMES for t in stem_tokens)
