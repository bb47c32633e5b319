"""What a personal name looks like in Korean news text, judged from its characters alone."""

from __future__ import annotations

from briefing.search.entities.tokens import HANGUL_RE, Word
from briefing.search.language.lexicon import ANY_PARTICLES, CONSONANT_PARTICLES, SURNAMES, VOWEL_PARTICLES


def _has_coda(syllable: str) -> bool:
    return "가" <= syllable <= "힣" and (ord(syllable) - 0xAC00) % 28 != 0


def strip_particle(name: str) -> str:
    """``name`` without a particle glued to its end ("다나카 히로시가" -> "다나카 히로시"), when
    the particle agrees with the syllable before it and a name of 2+ syllables remains; a
    three-syllable Korean name ("김정은") keeps its last syllable."""
    last_word = name.rsplit(" ", 1)[-1]
    if len(last_word) == 3 and last_word[0] in SURNAMES and " " not in name:
        return name
    for particles, coda in ((ANY_PARTICLES, None), (VOWEL_PARTICLES, False), (CONSONANT_PARTICLES, True)):
        for p in particles:
            stem = last_word[: -len(p)]
            if last_word.endswith(p) and len(stem) >= 2 and HANGUL_RE.fullmatch(stem) and \
                    (coda is None or _has_coda(stem[-1]) == coda):
                return name[: len(name) - len(p)]
    return name


def hangul_name_like(s: str) -> bool:
    """2-4 Hangul syllables starting with a surname."""
    return 2 <= len(s) <= 4 and bool(HANGUL_RE.fullmatch(s)) and s[0] in SURNAMES


def determiner_like(word: Word) -> bool:
    """One syllable Kiwi read as a determiner (MM): "이 회장" is "this chairman" or "Chairman
    Lee" (이/MM or 이/NNP, Kiwi's choice varies with its search width); a short form still has
    to match a person named in the same text."""
    return len(word.text) == 1 and len(word.tokens) == 1 and word.tokens[0].tag == "MM"
