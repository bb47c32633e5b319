"""Key facts of an article: its most informative sentences (an extractive TextRank summary over
content morphemes), copied verbatim from the article's own story, never rewritten."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from briefing.search.model import Article

if TYPE_CHECKING:
    from briefing.search.language.analysis import TextAnalyser

KEY_FACTS_MIN, KEY_FACTS_MAX = 3, 5


def _sentences(body: str) -> list[str]:
    from briefing.search.timeline.dates import sentence_spans

    out = []
    for s, e in sentence_spans(body):
        sentence = body[s:e].strip()
        # a sentence ends with a full stop (a headline or a list row does not)
        if len(sentence) >= 25 and re.search(r"[.!?][\"'”’)]*$", sentence):
            out.append(sentence)
    return out


def story_text(article: Article) -> str:
    """The article's own story: its paragraphs without photo captions, credits and rows of a
    headline list (the key facts come from it)."""
    from briefing.search.ingest.furniture import is_outside_story

    captions = set(article.captions)
    return "\n\n".join(p for p in article.paragraphs if not is_outside_story(p, captions))


def key_sentences(body: str, n: int | None = None, analyser: TextAnalyser | None = None) -> list[str]:
    """The most informative sentences of ``body`` in their original order (TextRank over
    content morphemes, analysed by ``analyser``: the engine's; None: without gazetteer aliases);
    never rewritten, so each is a verbatim substring of ``body``."""
    from briefing.search.language.analysis import TextAnalyser as Plain

    analyze_terms = (analyser or Plain()).analyze_terms

    sentences = _sentences(body)
    if not sentences:
        return []
    n = n or max(KEY_FACTS_MIN, min(KEY_FACTS_MAX, round(len(sentences) / 5)))
    if len(sentences) <= n:
        return sentences
    bags = [set(analyze_terms(s, "query")) for s in sentences]
    size = len(sentences)
    weights = [[0.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            overlap = len(bags[i] & bags[j])
            if overlap and len(bags[i]) > 1 and len(bags[j]) > 1:
                w = overlap / (math.log(len(bags[i])) + math.log(len(bags[j])))
                weights[i][j] = weights[j][i] = w
    scores = [1.0] * size
    out_sum = [sum(row) or 1.0 for row in weights]
    for _ in range(50):
        new = [
            0.15 + 0.85 * sum(weights[j][i] / out_sum[j] * scores[j] for j in range(size))
            for i in range(size)
        ]
        if max(abs(a - b) for a, b in zip(new, scores)) < 1e-6:
            scores = new
            break
        scores = new
    # a small lead bonus: news puts the essentials first
    ranked = sorted(range(size), key=lambda i: -(scores[i] * (1.0 + 0.3 / (1 + i))))
    return [sentences[i] for i in sorted(ranked[:n])]
