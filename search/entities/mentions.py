"""Entity mentions in article text: the public entry points.

``extract_mentions(text, gazetteer)`` returns non-overlapping :class:`Mention` objects sorted by
start whose offsets slice ``text``. It works on one sentence or a whole article body and never
raises on odd input. Sources of mentions, strongest first (see
:mod:`briefing.search.entities.finder`):

1. gazetteer names and aliases (``삼성`` -> 삼성전자, ``MS`` -> 마이크로소프트), at Kiwi word
   boundaries;
2. names discovered from titles and suffixes: ``유영상 SK텔레콤 사장`` (person before a title,
   with an optional affiliation), ``LG전자``/``미래에셋증권`` (company suffixes), ``서초구``/
   ``아이치현`` (place suffixes), ``국방부``/``도쿄포럼`` (organisation suffixes);
3. sports teams with their city or sponsor (``삼성 라이온즈``, ``뉴욕 양키스``: organisations);
4. short forms ``최 회장``/``모리타 사장`` resolved to a person named in full in the same text,
   and later bare repeats of a discovered name;
5. (weakest, optional) confident spans of the learned tagger in :mod:`briefing.search.entities.tagger`, kept
   only where nothing above matched, with a proper-noun morpheme, above per-type margins, typed
   by evidence where there is some (the konec lexicon of :mod:`briefing.search.entities.lexicon`: ``인도`` is a
   country, so a place; suffixes: a university, a team) and never a person made of common nouns;
6. a short form defined in brackets after a name (``과학기술정보통신부(과기정통부)``,
   ``반도체산업협회(SIA)``) names the same entity for the rest of the text.

Kiwi analyses the text line by line and the tagger reads each line as a sentence, so a line gets
the same mentions alone or inside a longer text (short forms, bracketed aliases and repeats of
a name discovered elsewhere still link across lines), and no mention crosses a line break.
A gazetteer alias only matches at Kiwi morpheme boundaries (``애플`` is not in ``애플리케이션``).

Reporter names (``박해리 기자``) never become entities; media outlets that only credit a photo
or a report (``[사진=연합뉴스]``, ``닛케이에 따르면``) get ``role="source"``.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from briefing.search.entities.finder import EntityFinder
from briefing.search.entities.gazetteer import Gazetteer
from briefing.search.language.analysed import AnalysedText
from briefing.search.model import Mention

__all__ = ["Mention", "extract_mentions", "extract_mentions_many", "model_inputs", "entity_counts",
           "source_credits"]


def extract_mentions(text: str, gazetteer: Gazetteer, *, use_model: bool | None = None,
                     analysed: AnalysedText | None = None) -> list[Mention]:
    """Entity mentions in ``text``: sorted by start, non-overlapping, offsets slicing ``text``.

    ``use_model`` (default True) adds the learned tagger's spans where the gazetteer and the
    rules found nothing; ``analysed`` gives the morphemes of ``text``'s lines (else Kiwi
    analyses them). Many texts with one gazetteer: build an :class:`EntityFinder` once.
    """
    return extract_mentions_many([text], gazetteer, use_model=use_model,
                                 analysed=None if analysed is None else [analysed])[0]


def extract_mentions_many(texts: Sequence[str], gazetteer: Gazetteer, *, use_model: bool | None = None,
                          analysed: Sequence[AnalysedText] | None = None,
                          pause_gc: bool = True) -> list[list[Mention]]:
    """:func:`extract_mentions` for many texts, analysed by Kiwi in one batch (``analysed``: one
    per text); ``pause_gc``: see :class:`EntityFinder`."""
    finder = EntityFinder(gazetteer, use_model=True if use_model is None else use_model, pause_gc=pause_gc)
    return finder.find_many(texts, analysed)


def model_inputs(texts: Sequence[str], gazetteer: Gazetteer) -> list[tuple[list, list]]:
    """(morphemes, hints) per text as the learned tagger sees them (used to train it)."""
    return list(EntityFinder(gazetteer, use_model=False).model_inputs(texts))


def entity_counts(mentions: Iterable[Mention]) -> dict[str, list[tuple[str, int]]]:
    """Story mentions counted per type: ``{type: [(name, count), ...]}`` by count, then name."""
    counts: dict[str, Counter] = {}
    for m in mentions:
        if m.role != "story":
            continue
        counts.setdefault(m.type, Counter())[m.name] += 1
    return {
        type_: sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        for type_, counter in counts.items()
    }


def source_credits(mentions: Iterable[Mention]) -> list[tuple[str, int]]:
    """Media outlets credited only as a source (photo credit, "보도했다"), with counts."""
    story = {m.name for m in mentions if m.role == "story"}
    counter = Counter(m.name for m in mentions if m.role == "source" and m.name not in story)
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
