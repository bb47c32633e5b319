"""Sentences of a text and the tense of a clause (from Kiwi's morphemes): what decides, for a
date written without its year or month, whether it lies before or after publication."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.search.language.analysed import AnalysedText

_LINE = re.compile(r"[^\n]+")
_SENT_END = re.compile(r"(?<=[^\d\s][.!?])(?=\s)|(?<=[.!?][\"”’'」』)])(?=\s)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets: lines split after ``.!?`` that is not a number's dot."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        pos = line.start()
        cuts = [m.start() + line.start() for m in _SENT_END.finditer(line.group())]
        for cut in cuts + [line.end()]:
            piece = text[pos:cut]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            if piece.strip():
                spans.append((pos + lead, cut - trail))
            pos = cut
    return spans


_VERBAL = {"VV", "VA", "VX", "XSV", "XSA", "VCP", "VCN"}
_FUTURE_NOUNS = {"예정", "계획", "방침", "전망", "목표", "것"}
_SEQUENCE_NOUNS = {"뒤", "후", "다음", "이후", "직후"}


def clause_tense(text: str, start: int, end: int | None = None, analysed: AnalysedText | None = None) -> str | None:
    """Tense of the first tense-bearing predicate in ``text[start:end]``.

    Returns ``"past"`` (EP 었/았/였, or a verb's adnominal -ㄴ/-은), ``"future"`` (겠, -ㄹ
    예정/계획/것), ``"present"`` (-ㄴ다/-는다) or None. Connective endings (``따르면``, ``하고``)
    carry no tense, so the scan goes on to the next predicate; an adnominal -는 only counts
    when nothing else decides. ``analysed``: the analysis of the text ``text`` is part of.
    """
    end = len(text) if end is None else end
    if not text[start:end].strip():
        return None
    if analysed is None:
        from briefing.search.language.kiwi import tokenize

        morphs = tokenize(text)
    else:
        morphs = analysed.text_morphemes(text)
    tokens = [t for t in morphs if start <= t.start < end]  # the whole text's analysis, cut to the clause
    stem: tuple[str, str] | None = None  # the last verbal stem seen (form, tag)
    after_rl = False  # just saw an adnominal -ㄹ: "할 예정" is future, "될 가능성" is not
    weak: str | None = None  # adnominal -는: usually a description inside a noun phrase
    for i, tok in enumerate(tokens):
        form, tag = tok.form, tok.tag.split("-")[0]
        if after_rl:
            after_rl = False
            if tag.startswith("NN") and form in _FUTURE_NOUNS:
                return "future"
        if tag in _VERBAL:
            stem = (form, tag)
            continue
        if stem is None:
            continue
        if tag == "EP":
            if form in _PAST_EP:
                return "past"
            if form == "겠":
                return "future"
            continue
        if tag == "ETM":
            if form in ("ᆫ", "은") and stem[1] in ("VV", "XSV", "VX"):
                following = tokens[i + 1].form if i + 1 < len(tokens) else ""
                if following not in _SEQUENCE_NOUNS:  # "마무리한 뒤 ... 진행할 예정": not past
                    return "past"
            if form in ("ᆯ", "을"):
                after_rl = True
            elif form == "는":
                weak = weak or "present"
        elif tag == "EF" and form in ("ᆫ다", "는다"):
            return "present"
        stem = None
    return weak


_PAST_EP = {"었", "았", "였", "었었", "았었", "ᆻ", "ᆻ었"}
