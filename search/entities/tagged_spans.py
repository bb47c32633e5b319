"""The weakest candidates: confident spans of the learned tagger (:mod:`briefing.search.entities.tagger`).

A span is kept only where nothing stronger matched, with a proper-noun morpheme, above a
per-type margin, typed by evidence where there is some (the konec lexicon: ``인도`` is a country,
so a place; suffixes: a university, a team) and never a person made of common nouns.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from briefing.search.entities.candidates import Candidates
from briefing.search.entities.tagger import NerTagger
from briefing.search.entities.tokens import HANGUL_RE, LATIN_DIGIT_RE, SPACE_RUN_RE
from briefing.search.language.lexicon import COMPANY_SUFFIXES, DERIVING_SUFFIXES, LATIN_NON_NAMES, LONG_TEAM_WORDS

# weakest morpheme's score above O needed to keep a model span, per KLUE type (chosen by
# cross-validation inside the KLUE tuning part and on the seeds: bench/eval_entities.py --cv;
# margins of the Viterbi tagger, not comparable with the greedy one's)
MODEL_MIN_MARGIN: dict[str, float] = {"PS": 10.0, "LC": 20.0, "OG": 30.0}
_MODEL_TYPE = {"PS": "person", "LC": "place", "OG": "org"}
_COUNTRY_PAIR_RE = re.compile(r"[한미중일북러日美中韓·ㆍ]{2,5}")  # 한미, 한·미·일: relations, not names


@dataclass(frozen=True)
class TaggerSettings:
    """Which of the learned tagger's spans become candidates."""

    min_margin: dict[str, float] = field(default_factory=lambda: dict(MODEL_MIN_MARGIN))
    needs_proper: bool = True  # keep model spans only if they contain a proper-noun morpheme
    window: int = 4  # with needs_proper, the model scores only morphemes this near a name
    latin: bool = True  # accept capitalised Latin words from the model
    drop_bare_surnames: bool = True  # "김 씨" alone names nobody the reader can follow


def model_active(c: Candidates, window: int) -> list[bool]:
    """Morphemes near a name-like one (NNP, SH, capitalised Latin): the only places where a
    span that passes the proper-noun check can be, so the model scores nothing else."""
    n = len(c.tokens)
    active = [False] * n
    covered = 0  # active[:covered] is already set where it needs to be
    for i, t in enumerate(c.tokens):
        tag = t.tag
        if tag == "NNP" or tag == "SH" or (tag == "SL" and t.form[:1].isupper()):
            lo, hi = max(covered, i - window), min(n, i + window + 1)
            if lo < hi:
                active[lo:hi] = [True] * (hi - lo)
                covered = hi
    return active


def find_tagged_spans(c: Candidates, tagger: NerTagger, settings: TaggerSettings) -> None:
    """Add the tagger's confident spans (read with the hints of the stronger candidates)."""
    active = model_active(c, settings.window) if settings.needs_proper else None
    # the tagger reads each line as a sentence of its own
    for start, end, label, margin in tagger.scored_spans(c.text, c.tokens, c.hints, active):
        if margin < settings.min_margin.get(label, 0.0):
            continue
        surface = c.text[start:end]
        if not _kept(c, start, end, surface, label, settings):
            continue
        type_ = _MODEL_TYPE[label]
        entry = c.gaz.resolve(surface)
        if entry is not None:
            type_, name = entry.type, entry.name
        else:
            name = SPACE_RUN_RE.sub(" ", surface)
            evidence = _evidence_type(c, surface, type_)
            if evidence is None:
                continue
            type_ = evidence
        c.add(start, end, type_, name, 0)


def _kept(c: Candidates, start: int, end: int, surface: str, label: str, settings: TaggerSettings) -> bool:
    """The span may name something: not a reporter, a country pair, an acronym as a person, a
    bare surname, a product or a disease."""
    if not surface.strip() or surface in c.reporters or not _plausible_name(c, start, end, settings):
        return False
    if _COUNTRY_PAIR_RE.fullmatch(surface):
        return False
    if label == "PS" and not HANGUL_RE.search(surface) and not re.search(r"[A-Z][a-z]", surface):
        return False  # an acronym or number is not a person
    if label == "PS" and len(surface.strip()) == 1 and settings.drop_bare_surnames:
        return False  # a bare surname the rules could not resolve to a full name
    if end < len(c.text) and c.text[end].isdigit() or \
            label == "PS" and end < len(c.text) and LATIN_DIGIT_RE.match(c.text[end]):
        return False  # "코로나19", "GDDR7", "갤럭시S24": a product or a disease, not a name
    return True


def _plausible_name(c: Candidates, start: int, end: int, settings: TaggerSettings) -> bool:
    """Model spans must hold a proper noun (or a capitalised Latin name, not an acronym like AI)."""
    inside = []
    for t in c.tokens[bisect.bisect_left(c.token_start_list, start):]:
        if t.start >= end:
            break
        if t.end <= end:
            inside.append(t)
    for t in inside:
        if t.tag == "NNP" or t.tag == "SH":
            return True
        if t.tag == "SL" and t.form[:1].isupper() and t.form.upper() not in LATIN_NON_NAMES:
            return settings.latin
    return not settings.needs_proper


def _evidence_type(c: Candidates, surface: str, type_: str) -> str | None:
    """The type a discovered name's own evidence gives (None: not a name): the lexicon
    (a country is a place, a ministry an organisation), its suffix (a university, a team,
    a department), and never a person made of common nouns."""
    known = c.lexicon.entity_type(surface)
    if known is not None:
        return known
    if len(surface) >= 3 and surface[-1] in DERIVING_SUFFIXES and _place_stem(c, surface[:-1]):
        return None  # "미국산", "한국계", "일본식": a word derived from a place name
    words = surface.split()
    if type_ == "person" and any(c.lexicon.common_noun(w) for w in words):
        return None
    last = words[-1] if words else surface
    if last.endswith(LONG_TEAM_WORDS):
        return "org"
    if type_ != "org" and len(last) >= 3 and last.endswith(("대학교", "대학", "학과", "학부", "위원회", "협회",
                                                            "재단", "연구원", "연구소", "부", "처", "청")):
        return "org"
    if type_ == "org" and surface.endswith(COMPANY_SUFFIXES):
        return "company"
    return type_


def _place_stem(c: Candidates, stem: str) -> bool:
    return c.gaz.resolve(stem, "place") is not None or c.lexicon.entity_type(stem) == "place"
