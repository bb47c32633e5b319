"""Sports teams named by their city or sponsor: ``삼성 라이온즈``, ``뉴욕 양키스``, ``LA 다저스``,
``라쿠텐 골든 이글스`` are each one organisation."""

from __future__ import annotations

import bisect
import re

from briefing.search.entities.candidates import Candidates
from briefing.search.entities.persons import name_word_ok
from briefing.search.entities.tokens import SPACE_RUN_RE
from briefing.search.language.lexicon import TEAM_WORDS

_TEAM_RE = re.compile("|".join(sorted(TEAM_WORDS, key=len, reverse=True)))


def find_teams(c: Candidates) -> None:
    """A team word, with the city or sponsor word before it on the same line, is one
    organisation."""
    found = {bisect.bisect_right(c.word_starts, m.start()) - 1 for m in _TEAM_RE.finditer(c.text)}
    for k in sorted(found):
        word = c.words[k]
        stem = c.stem(word)
        team = next((t for t in TEAM_WORDS if stem.endswith(t)), None)
        if team is None or (len(stem) > len(team) and not stem[: -len(team)].strip()):
            continue
        start = word.start
        if len(stem) == len(team) and k >= 1:
            prev = c.words[k - 1]
            if c.text[prev.end:word.start] == " " and prev.bare and \
                    any(t.tag in ("NNP", "SL", "SH") for t in prev.tokens) and not name_word_ok(c, prev):
                start = prev.start
                if k >= 2:
                    first = c.words[k - 2]
                    if c.text[first.end:prev.start] == " " and first.bare and \
                            any(t.tag in ("NNP", "SL") for t in first.tokens) and \
                            c.gaz.resolve(prev.text) is None and \
                            c.lexicon.entity_type(prev.text) is None:
                        start = first.start  # "라쿠텐 골든 이글스"
            elif len(team) <= 2:
                continue  # "FC", "히트" alone name no team
        elif len(team) <= 2 and len(stem) == len(team):
            continue
        end = word.start + len(stem)
        c.add(start, end, "org", SPACE_RUN_RE.sub(" ", c.text[start:end]), 3)
