"""Gazetteer names and aliases found in a text at word boundaries (the strongest candidates).

``삼성`` -> 삼성전자, ``MS`` -> 마이크로소프트, but not ``애플`` inside ``애플리케이션``; a
one-syllable Hangul alias (``암`` for Arm) counts only as a proper noun next to a title or when
the entity is named otherwise in the same text.
"""

from __future__ import annotations

from briefing.search.config import GazetteerEntry
from briefing.search.entities.candidates import Candidates
from briefing.search.entities.gazetteer import Gazetteer, GazetteerHit
from briefing.search.entities.tokens import HANGUL_RE, LATIN_RE, WORD_CHAR_RE
from briefing.search.language.lexicon import COMMON_PARTICLES
from briefing.search.model import Mention


def find_gazetteer_names(c: Candidates) -> None:
    """Add the gazetteer's names and aliases found in the text."""
    weak: list[tuple[int, int, GazetteerEntry]] = []
    for hit in c.gaz.scan(c.text):
        accepted: GazetteerHit | None = hit
        if not _accept_hit(c, hit.start, hit.end, hit.surface):  # shorter surfaces at the same place
            accepted = next((option for option in c.gaz.surfaces_at(c.text, hit.start)[1:]
                             if _accept_hit(c, option.start, option.end, option.surface)), None)
        if accepted is not None:
            entry = accepted.entries[0]
            if len(accepted.surface) == 1 and HANGUL_RE.fullmatch(accepted.surface):
                weak.append((accepted.start, accepted.end, entry))
            else:
                c.add(accepted.start, accepted.end, entry.type, entry.name, 3, entry.media)
    # a one-syllable Hangul alias ("암" for Arm) counts only next to a title or when the
    # entity is named otherwise in the same text
    named = {cand.name for cand in c.candidates}
    for start, end, entry in weak:
        if entry.name in named or c.title_follows(end):
            c.add(start, end, entry.type, entry.name, 3, entry.media)


def _accept_hit(c: Candidates, start: int, end: int, surface: str) -> bool:
    if not (c.left_ok(start) and c.right_ok(end)):
        return False
    if len(surface) == 1 and HANGUL_RE.fullmatch(surface):
        tok = c.token_starts.get(start)
        return tok is not None and tok.tag == "NNP" and tok.end == end
    return True


def gazetteer_only(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Fallback when analysis fails: gazetteer hits at non-word boundaries only."""
    out: list[Mention] = []
    last_end = 0
    try:
        for hit in gazetteer.scan(text):
            if hit.start < last_end:
                continue
            before = text[hit.start - 1] if hit.start else " "
            after = text[hit.end] if hit.end < len(text) else " "
            if WORD_CHAR_RE.match(before) or (LATIN_RE.match(after) and LATIN_RE.match(text[hit.end - 1])):
                continue
            if HANGUL_RE.match(after) and HANGUL_RE.match(text[hit.end - 1]) and \
                    not text.startswith(COMMON_PARTICLES, hit.end):
                continue  # "애플리케이션": inside a longer word
            entry = hit.entries[0]
            out.append(Mention(hit.start, hit.end, text[hit.start:hit.end], entry.type, entry.name))
            last_end = hit.end
    except Exception:  # noqa: BLE001
        return []
    return out
