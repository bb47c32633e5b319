"""An :class:`EntityFinder`: the gazetteer, the konec lexicon and the learned tagger, built once
and passed in, that finds the entity mentions of texts.

Candidates come from, strongest first: gazetteer names and aliases
(:mod:`~briefing.search.entities.gazetteer_names`), sports teams
(:mod:`~briefing.search.entities.teams`), people before titles with their affiliations
(:mod:`~briefing.search.entities.persons`), names typed by a suffix
(:mod:`~briefing.search.entities.suffixes`), short forms and repeats
(:mod:`~briefing.search.entities.short_forms`), and the learned tagger's confident spans
(:mod:`~briefing.search.entities.tagged_spans`); bylines and credits
(:mod:`~briefing.search.entities.credits`) decide what is not an entity and what a source.

A text is read line by line from its :class:`AnalysedText` (Kiwi's morphemes of each line), so
a line gets the same mentions alone or inside a longer text.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator, Sequence

from briefing.search.entities.candidates import SOURCE, Candidate, Candidates
from briefing.search.entities.credits import Credits, find_bylines
from briefing.search.entities.gazetteer import Gazetteer
from briefing.search.entities.gazetteer_names import find_gazetteer_names, gazetteer_only
from briefing.search.entities.lexicon import NeLexicon, shipped_lexicon
from briefing.search.entities.persons import find_titled_persons
from briefing.search.entities.short_forms import find_defined_aliases, find_repeats, find_short_forms
from briefing.search.entities.suffixes import find_suffix_names
from briefing.search.entities.tagged_spans import TaggerSettings, find_tagged_spans
from briefing.search.entities.tagger import NerTagger, shipped_tagger
from briefing.search.entities.tagger_features import Hint
from briefing.search.entities.teams import find_teams
from briefing.search.entities.tokens import Token, tokens_of
from briefing.search.language.analysed import AnalysedText, LineAnalyser
from briefing.search.language.kiwi import Morph, add_user_words
from briefing.search.language.kiwi import tokenize_many as kiwi_tokenize_many
from briefing.search.model import Mention


class KiwiLines:
    """The shared Kiwi with the gazetteer's one-word names as user words (kept whole)."""

    def __init__(self, gazetteer: Gazetteer):
        add_user_words(gazetteer.kiwi_words())

    def morphemes_many(self, lines: Sequence[str]) -> list[list[Morph]]:
        """Kiwi's morphemes of each line."""
        return kiwi_tokenize_many(lines)


class EntityFinder:
    """Finds entity mentions with one gazetteer, lexicon and (optional) learned tagger.

    ``use_model`` adds the tagger's spans (``tagger``, else the shipped one) where the gazetteer
    and the rules found nothing. ``pause_gc`` pauses cyclic garbage collection during a batch
    (indexing workers that raise the collector's thresholds instead turn it off). ``analyser``
    analyses the lines of texts given without an :class:`AnalysedText` (default: Kiwi with the
    gazetteer's names, see :class:`KiwiLines`).
    """

    def __init__(self, gazetteer: Gazetteer, *, lexicon: NeLexicon | None = None, use_model: bool = True,
                 tagger: NerTagger | None = None, settings: TaggerSettings | None = None,
                 pause_gc: bool = True, analyser: LineAnalyser | None = None):
        self.gazetteer = gazetteer
        self.lexicon = lexicon if lexicon is not None else shipped_lexicon()
        self.tagger = (tagger if tagger is not None else shipped_tagger()) if use_model else None
        self.settings = settings if settings is not None else TaggerSettings()
        self.pause_gc = pause_gc
        self.analyser: LineAnalyser = analyser if analyser is not None else KiwiLines(gazetteer)

    def analyse(self, text: str) -> AnalysedText:
        """An :class:`AnalysedText` of ``text`` whose lines this finder's analyser analyses."""
        return AnalysedText(text, self.analyser)

    def find(self, text: str, analysed: AnalysedText | None = None) -> list[Mention]:
        """Entity mentions in ``text``: sorted by start, non-overlapping, offsets slicing ``text``."""
        return self.find_many([text], None if analysed is None else [analysed])[0]

    def find_many(self, texts: Sequence[str], analysed: Sequence[AnalysedText] | None = None
                  ) -> list[list[Mention]]:
        """:meth:`find` for many texts, their missing lines analysed in one batch."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        out = []
        with _gc_paused(self.pause_gc):
            for text, tokens in zip(texts, self.tokens_many(texts, analysed)):
                try:
                    out.append(self._extract(text, tokens))
                except Exception:  # noqa: BLE001 - extraction must never break indexing
                    out.append(gazetteer_only(text, self.gazetteer))
        return out

    def model_inputs(self, texts: Sequence[str]) -> list[tuple[list[Token], list[Hint]]]:
        """(morphemes, hints) per text as the learned tagger sees them (used to train it)."""
        out = []
        for text, tokens in zip(texts, self.tokens_many(list(texts))):
            c = Candidates(text, tokens, self.gazetteer, self.lexicon)
            self._rules(c)
            out.append((list(c.tokens), c.hints))
        return out

    def tokens_many(self, texts: Sequence[str], analysed: Sequence[AnalysedText] | None = None
                    ) -> list[list[Token]]:
        """The tokens of each text (none for a blank one), from ``analysed`` when given."""
        items = list(analysed) if analysed is not None else [self.analyse(t) for t in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        try:
            analyse_together([texts[i] for i in todo], [items[i] for i in todo])
        except Exception:  # noqa: BLE001 - fall back to one text at a time
            pass
        results: list[list[Token]] = [[] for _ in texts]
        for i in todo:
            try:
                lines = items[i].morphemes_many(texts[i].split("\n"))
            except Exception:  # noqa: BLE001
                continue
            results[i] = tokens_of(texts[i], lines)
        return results

    def _rules(self, c: Candidates) -> list[Candidate]:
        """Every candidate but the tagger's; the chosen ones become the tagger's hints."""
        find_bylines(c)
        find_gazetteer_names(c)
        find_suffix_names(c)
        find_teams(c)
        find_titled_persons(c)
        find_short_forms(c)
        find_repeats(c)
        chosen = c.select()
        c.hints = [(x.start, x.end, f"{SOURCE[x.priority]}:{x.type}") for x in chosen]
        return chosen

    def _extract(self, text: str, tokens: list[Token]) -> list[Mention]:
        c = Candidates(text, tokens, self.gazetteer, self.lexicon)
        chosen = self._rules(c)
        if self.tagger is not None:
            find_tagged_spans(c, self.tagger, self.settings)
            chosen = c.select()
        if find_defined_aliases(c, chosen):
            chosen = c.select()
        return Credits(text).mentions(chosen)


def analyse_together(texts: Sequence[str], analysed: Sequence[AnalysedText]) -> None:
    """Analyse the lines of ``texts`` missing from their :class:`AnalysedText` in one call per
    analyser (Kiwi runs a batch on its worker threads)."""
    by_analyser: dict[int, tuple[LineAnalyser, list[str]]] = {}
    for text, item in zip(texts, analysed):
        missing = by_analyser.setdefault(id(item.analyser), (item.analyser, []))[1]
        missing += [line for line in text.split("\n") if line not in item.lines]
    for analyser, lines in by_analyser.values():
        unique = list(dict.fromkeys(lines))
        found = dict(zip(unique, analyser.morphemes_many(unique))) if unique else {}
        for text, item in zip(texts, analysed):
            if item.analyser is analyser:
                for line in text.split("\n"):
                    if line not in item.lines and line in found:
                        item.lines[line] = found[line]


@contextmanager
def _gc_paused(pause: bool) -> Iterator[None]:
    """No cyclic garbage collection while extracting: a batch allocates hundreds of thousands
    of short-lived tuples (tokens, words) and creates no reference cycles, and the collector's
    passes over the whole heap that these allocations trigger cost about a quarter of the
    extraction time. Re-enabled afterwards (unless it was off already).

    Indexing workers raise the collector's thresholds instead (pipeline.WORKER_GC_THRESHOLDS)
    and pass ``pause_gc=False``: there, pausing made extraction slower (600 bench articles in
    one process: 38.0 / 36.2 ms per article with the pause, 35.9 / 34.7 without)."""
    if not pause:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
