"""The analysis of source files, the same in this process and in the worker processes of an
update (:mod:`briefing.search.pipeline`): read a file's articles, then per body window one Kiwi
pass (an AnalysedText) read by the entity extractor, the date resolver and the index terms.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from briefing.search.model import Article, Event

if TYPE_CHECKING:
    from briefing.search.language.analysis import BodyTerms, Term, TextAnalyser

PLACEHOLDER_ID = "\0unassigned"  # id of an ingested article until the engine assigns its own
# Windows of article bodies analysed per Kiwi call: at most this many characters or texts (a
# worker's chunk of ordinary articles, ~40,000 characters, is one call, as before windows).
WINDOW_GROUP_CHARS = 160_000
WINDOW_GROUP_TEXTS = 128


@dataclass(frozen=True)
class AnalysisSetup:
    """What analysis depends on besides the code: sent to every worker (picklable)."""

    gazetteer: tuple  # config.GazetteerEntry, in config order
    outlets: tuple[str, ...]
    max_bytes: int
    max_chars: int = 2_000_000  # corpus.max_article_chars: a longer body is cut (see shorten)


@dataclass
class AnalysedArticle:
    """One article with its analysis: ``title`` is the index-mode terms of its title and
    ``terms`` what the index keeps of its body, or ``written`` says where a worker indexed it
    (segment name, document number)."""

    article: Article
    mentions: list
    events: list[Event]
    title: list[Term]
    written: tuple[str, int] | None = None
    terms: BodyTerms | None = None


@dataclass
class AnalysedFile:
    """The articles of one source file, or why it could not be read (``error``); ``deferred``:
    its analysis went over the time budget of a worker's task and was left for later."""

    path: str
    articles: list[AnalysedArticle]
    error: str | None = None
    deferred: bool = False


def entity_names(mentions) -> dict[str, list[str]]:
    """type -> canonical names of the story mentions, in order of first mention."""
    out: dict[str, list[str]] = {}
    for m in mentions:
        if m.role == "story" and m.name not in out.setdefault(m.type, []):
            out[m.type].append(m.name)
    return out


def index_doc(article: Article, mentions):
    """The index document of an article."""
    from briefing.search.index.article_index import IndexDoc

    return IndexDoc.from_article(article, entity_names(mentions))


class Analyser:
    """Reads and analyses source files with one gazetteer: ``gazetteer`` (entities) and ``text``
    (the text analyser) are made from ``setup.gazetteer`` when not given."""

    def __init__(self, setup: AnalysisSetup, gazetteer=None, text: TextAnalyser | None = None,
                 pause_gc: bool = True):
        from briefing.search.entities.finder import EntityFinder
        from briefing.search.entities.gazetteer import Gazetteer
        from briefing.search.language.analysis import TextAnalyser

        self.setup = setup
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.from_entries(list(setup.gazetteer))
        self.text = text if text is not None else TextAnalyser.from_gazetteer(setup.gazetteer)
        # the finder registers the gazetteer's names with Kiwi (entities.finder.KiwiLines)
        self.entities = EntityFinder(self.gazetteer, pause_gc=pause_gc)  # pause_gc: see EntityFinder

    def read(self, path: str) -> AnalysedFile:
        """Ingest one file (articles get PLACEHOLDER_ID); a file that cannot be used gets its reason."""
        from briefing.search.ingest.sources import ingest_file

        try:
            found = ingest_file(Path(path), max_bytes=self.setup.max_bytes, outlets=self.setup.outlets,
                                id=PLACEHOLDER_ID)
        except (OSError, ValueError) as exc:
            return AnalysedFile(path, [], str(exc))
        for article in found:
            shorten(article, self.setup.max_chars)
        return AnalysedFile(path, [AnalysedArticle(a, [], [], []) for a in found])

    def analyse(self, files: list[AnalysedFile], budget_s: float | None = None) -> list[AnalysedFile]:
        """Mentions, events and index terms of the articles of ``files``.

        Bodies are read in windows (windows.text_windows: an ordinary article is one), a group
        of windows at a time: one parallel Kiwi pass over a group serves entity extraction,
        timeline tense and the index terms, and a group's memory is freed before the next, so
        an article of N MB costs N times the per-MB cost of short ones (see WINDOW_GROUP_CHARS).
        Mentions and events get offsets in the whole body; a window's dates are resolved
        within the window. A file whose windows have taken over ``budget_s`` CPU-seconds is
        left unfinished and marked ``deferred`` (its articles dropped)."""
        from briefing.search.language.analysis import BodyTerms
        from briefing.search.language.windows import text_windows

        items = [item for f in files for item in f.articles]
        if not items:
            return files
        titles = self.text.analyse_many([i.article.title for i in items])
        for item, title in zip(items, titles):
            item.title = self.text.analyze(item.article.title, "index", title)
            item.mentions, item.events = [], []
            item.terms = BodyTerms(Counter(), Counter())
        group: list[tuple[AnalysedArticle, int, str, bool]] = []
        size = 0
        started: dict[int, float] = {}  # id of a file -> CPU time when its first window was queued
        for f in files:
            for item in f.articles:
                windows = text_windows(item.article.body)
                for offset, window in windows:
                    if budget_s is not None and id(f) in started and time.process_time() - started[id(f)] > budget_s:
                        f.deferred = True
                        break
                    if group and (size + len(window) > WINDOW_GROUP_CHARS or len(group) >= WINDOW_GROUP_TEXTS):
                        self._analyse_windows(group)
                        group, size = [], 0
                    started.setdefault(id(f), time.process_time())
                    group.append((item, offset, window, len(windows) == 1))
                    size += len(window)
                if f.deferred:
                    break
        if group:
            self._analyse_windows(group)
        for f in files:
            if f.deferred:
                f.articles = []
        return files

    def _analyse_windows(self, group: list[tuple[AnalysedArticle, int, str, bool]]) -> None:
        """Analyse windows ((article, offset in its body, text, whether it is the whole body))
        with one parallel Kiwi call, whose morphemes serve the entities, the dates and the index."""
        from briefing.search.timeline.events import article_events

        texts = [window for _, _, window, _ in group]
        analysed = self.text.analyse_many(texts)
        found = self.entities.find_many(texts, analysed)
        for (item, offset, window, whole), mentions, text in zip(group, found, analysed):
            article = item.article if whole else dataclasses.replace(item.article, paragraphs=[window])
            events = article_events(article, mentions, analysed=text)
            if offset:
                mentions = [dataclasses.replace(m, start=m.start + offset, end=m.end + offset) for m in mentions]
                events = [event.moved(offset) for event in events]
            item.mentions.extend(mentions)
            item.events.extend(events)
            assert item.terms is not None, "set by analyse()"
            self.text.add_window_terms(window, item.terms, text)

    def run(self, paths: Sequence[str], budget_s: float | None = None) -> list[AnalysedFile]:
        """Read and analyse ``paths``, results in the same order (see analyse for the budget)."""
        return self.analyse([self.read(p) for p in paths], budget_s)


def shorten(article: Article, max_chars: int) -> None:
    """Cut a body of over ``max_chars`` characters to its first part (at a paragraph, sentence
    or word end, see windows.text_windows) and say so in the article's warnings."""
    from briefing.search.language.windows import text_windows

    length = sum(map(len, article.paragraphs)) + 2 * max(0, len(article.paragraphs) - 1)
    if length <= max_chars:
        return
    kept: list[str] = []
    room = max_chars
    for paragraph in article.paragraphs:
        if len(paragraph) > room:
            first = text_windows(paragraph, room)[0][1].rstrip() if room > 0 else ""
            if first:
                kept.append(first)
            break
        kept.append(paragraph)
        room -= len(paragraph) + 2
    article.paragraphs = kept
    article.warnings.append(f"the article has {length:,} characters; indexed the first "
                            f"{len(article.body):,} (corpus.max_article_chars is {max_chars:,})")


def assign_id(item: AnalysedArticle, article_id: str) -> None:
    """Give an analysed article its final id (the events carry it too)."""
    item.article.id = article_id
    for event in item.events:
        event.article_id = article_id
