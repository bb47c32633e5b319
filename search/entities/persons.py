"""People named before a title, with their affiliations: ``유영상 SK텔레콤 사장`` names a person
(유영상) and a company (SK텔레콤); ``멜로니 이탈리아 총리`` a person and a place; ``최태원회장`` a
person with the title written on. Foreign names of two words (``다나카 히로시``) count too.
"""

from __future__ import annotations

from briefing.search.entities.candidates import Candidates
from briefing.search.entities.names import hangul_name_like
from briefing.search.entities.tokens import HANGUL_RE, LATIN_RE, NAME_TAGS, Word
from briefing.search.language.lexicon import (
    COMPANY_ORG_SUFFIXES,
    CORPORATE_TITLES,
    PUBLIC_TITLES,
    TITLE_FIRST_CHARS,
    TITLES,
)

NON_PERSON_TYPES = frozenset(("place", "org", "company"))


def find_titled_persons(c: Candidates) -> None:
    """Add the people named before a title (and their affiliations), or with one glued on."""
    for j, word in enumerate(c.words):
        tlen = c.title_len(word) if word.text[0] in TITLE_FIRST_CHARS else 0
        if tlen:
            _person_before(c, j, word.text[:tlen])
        elif len(word.tokens) >= 2 and word.tokens[0].tag == "NNP":  # else nothing glued
            _glued_title(c, word)


def _person_before(c: Candidates, j: int, title: str) -> None:
    """A name before a title, maybe with up to two affiliation words between them."""
    n_aff = 0
    while n_aff < 2 and j - 1 - n_aff >= 0 and affiliation(c, c.words[j - 1 - n_aff]):
        n_aff += 1
    for n in range(n_aff, -1, -1):  # fewer affiliations if an "affiliation" is the name
        k = j - 1 - n
        if k >= 0 and c.one_line(c.words[k].start, c.words[j].start) and \
                _name_at(c, k, title, c.words[k + 1:j]):
            return


def _name_at(c: Candidates, k: int, title: str, affiliations: list[Word]) -> bool:
    name_word = c.words[k]
    existing = c.covered_exact(name_word)
    if existing is not None and existing.type == "person":
        _discover_affiliations(c, affiliations, title)
        return True
    if existing is not None:
        return False
    if name_word_ok(c, name_word):
        c.add(name_word.start, name_word.end, "person", name_word.text, 2)
        _discover_affiliations(c, affiliations, title)
        return True
    if k >= 1 and _foreign_word(c, name_word):
        first = c.words[k - 1]
        if _foreign_word(c, first) and c.text[first.end:name_word.start] == " " and \
                any(t.tag == "NNP" for t in first.tokens + name_word.tokens):
            name = f"{first.text} {name_word.text}"
            c.add(first.start, name_word.end, "person", name, 2)
            _discover_affiliations(c, affiliations, title)
            return True
    if affiliations and title in PUBLIC_TITLES and _foreign_word(c, name_word) and \
            any(t.tag == "NNP" for t in name_word.tokens):
        # "멜로니 이탈리아 총리": one foreign name before a country or body and a public title
        c.add(name_word.start, name_word.end, "person", name_word.text, 2)
        _discover_affiliations(c, affiliations, title)
        return True
    return False


def _discover_affiliations(c: Candidates, words: list[Word], title: str) -> None:
    if title not in CORPORATE_TITLES and title not in PUBLIC_TITLES:
        return
    type_ = "org" if title in PUBLIC_TITLES else "company"
    for w in words:
        if c.covered_exact(w) is None and any(t.tag in ("NNP", "SL") for t in w.tokens):
            if LATIN_RE.search(w.text) or len(w.text) >= 2:
                known = c.lexicon.entity_type(w.text)  # "이탈리아 총리": a country
                c.add(w.start, w.end, known if known and known != "person" else type_, w.text, 1)


def _glued_title(c: Candidates, word: Word) -> None:
    """"최태원회장": a name with the title written on."""
    toks = word.tokens
    if len(toks) < 2 or toks[0].tag != "NNP" or not hangul_name_like(toks[0].form):
        return
    rest = word.text[toks[0].end - word.start:]
    if rest.startswith(TITLES) and toks[0].form not in c.reporters \
            and c.gaz.resolve(toks[0].form) is None:
        c.add(toks[0].start, toks[0].end, "person", toks[0].form, 2)


def affiliation(c: Candidates, word: Word) -> bool:
    """``word`` names a company, an organisation or a place a person may belong to."""
    cand = c.covered_exact(word)
    if cand is not None:
        return cand.type in ("company", "org", "place")
    if not word.bare:
        return False
    if word.text.endswith(COMPANY_ORG_SUFFIXES) and len(word.text) >= 3:
        return True
    if c.lexicon.entity_type(word.text) in NON_PERSON_TYPES:
        return True  # "멜로니 이탈리아 총리": a country
    return any(t.tag in ("NNP", "SL") for t in word.tokens) and not name_word_ok(c, word)


def _not_a_name(c: Candidates, text: str) -> bool:
    """Known as a place, an organisation, a company or a common noun (the lexicon)."""
    return c.lexicon.entity_type(text) in NON_PERSON_TYPES or c.lexicon.common_noun(text)


def name_word_ok(c: Candidates, word: Word) -> bool:
    """A Korean personal name: 2-4 syllables, surname first, tagged as nouns by Kiwi."""
    if not hangul_name_like(word.text) or not word.bare or len(word.text) > 3 or \
            _not_a_name(c, word.text):
        return False
    if word.text.endswith(COMPANY_ORG_SUFFIXES) and len(word.text) > 2:
        return False
    if word.text in c.reporters or c.gaz.resolve(word.text) is not None:
        return False
    if len(word.text) == 2:
        return len(word.tokens) == 1 and word.tokens[0].tag == "NNP"
    return any(t.tag == "NNP" for t in word.tokens) and all(t.tag in NAME_TAGS for t in word.tokens)


def _foreign_word(c: Candidates, word: Word) -> bool:
    return not _not_a_name(c, word.text) and (
        word.bare and 2 <= len(word.text) <= 6 and bool(HANGUL_RE.fullmatch(word.text))
        and c.gaz.resolve(word.text) is None and word.text not in c.reporters
        and not c.title_len(word) and not word.text.endswith(COMPANY_ORG_SUFFIXES)
    )
