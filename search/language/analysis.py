"""Korean text analysis on top of the shared Kiwi morphological analyser: the terms of a text.

Analysis keeps content morphemes (nouns, numerals, roots, foreign words, hanja, verb and
adjective stems), drops particles, endings, suffixes and punctuation, lowercases Latin, and
gives each term its position and character offsets in the original text.

Like Lucene Nori's "mixed" mode, a compound noun is emitted whole AND as its parts at the same
position (index mode only), so ``삼성`` finds ``삼성전자``. English/variant aliases from the
gazetteer add the canonical name's terms at the same position (``SoftBank`` -> ``소프트뱅크``).

A :class:`TextAnalyser` holds one gazetteer's aliases (:meth:`TextAnalyser.from_gazetteer`) and
is passed to what analyses text: the index writer and its tokenizers, query parsing, the
pipeline. Analysers of different gazetteers coexist in one process. Kiwi itself is shared
(:mod:`briefing.search.language.kiwi`): the names a gazetteer asks it to keep whole are added
to its dictionary, which is the union of those of the analysers made in the process.
An :class:`~briefing.search.language.analysed.AnalysedText` passed to the methods brings the
Kiwi morphemes of a text already analysed (the pipeline analyses an article once).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence, TypeVar

from briefing.search.language.aliases import aliases_from_gazetteer, user_words_from_gazetteer
from briefing.search.language.analysed import AnalysedText
from briefing.search.language.kiwi import Morph, add_user_words, get_kiwi, kiwi_config
from briefing.search.language.kiwi import tokenize_many as kiwi_tokenize_many
from briefing.search.language.normalize import Normalized, normalize
from briefing.search.language.windows import WINDOW_CHARS, WINDOW_GROUP, text_windows

# Kiwi tags kept as terms (the part before "-": VV-R, VA-I ... are irregular stems).
CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SN", "SH", "XR", "VV", "VA", "W_SERIAL"})
NOUN_TAGS = frozenset({"NNG", "NNP"})
_PART_TAGS = frozenset({"NNG", "NNP", "SL", "SN"})

MIN_SPLIT_CHARS = 3  # nouns shorter than this are never split
MIN_PART_CHARS = 2  # every part of a split noun has at least this many characters
# How much less likely (Kiwi log-score) the split may be than the whole word; long nouns are
# far more often real compounds (경제협력개발기구, 니혼게이자이신문) than 4-character ones (카테고리).
MAX_SPLIT_COST = 12.0
MAX_SPLIT_COST_LONG = 24.0  # nouns of LONG_NOUN_CHARS or more
LONG_NOUN_CHARS = 5
# Words, names and canonical names whose analysis an analyser remembers (per kind)
MEMO_WORDS = 65536
MEMO_CANONICAL = 4096

_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# A kept Kiwi morpheme: (form, base tag, start, end)
Morpheme = tuple[str, str, int, int]
PAIR_SEPARATOR = " "


class Term(NamedTuple):
    """One analysed term: its text, position index and character span in the analysed text."""

    text: str
    pos: int
    start: int
    end: int


class BodyTerms(NamedTuple):
    """What the index keeps of a body (its fields hold no positions): the count of each
    index-mode term and of each adjacent-term pair (:func:`pairs_of`)."""

    terms: Counter
    pairs: Counter


# Words of other scripts inside what Kiwi tags SW (Japanese, Cyrillic...): katakana runs,
# hiragana runs (particles and okurigana when short), letters and digits of any other script.
_OTHER_WORD = re.compile(r"[\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff]+|[\u3041-\u309f]+|[^\W_\u3040-\u30ff]+")
MIN_HIRAGANA_CHARS = 3  # shorter hiragana runs are particles and endings (が, へ, する)


def kept_morphemes(morphs: Iterable[Morph], norm: Normalized | None = None) -> list[Morpheme]:
    """Kept morphemes only, as (form, base tag, start, end); offsets into the original text
    when ``norm`` (the normalised text Kiwi analysed) says where its characters came from."""
    out = []
    for t in morphs:
        base = t.tag.split("-", 1)[0]
        if base in CONTENT_TAGS:
            out.append((t.form, base, t.start, t.start + t.len))
        elif base == "SW":  # Kiwi's "other symbol": Japanese and other scripts come here whole
            for m in _OTHER_WORD.finditer(t.form):
                word = m.group()
                if "\u3041" <= word[0] <= "\u309f" and len(word) < MIN_HIRAGANA_CHARS:
                    continue
                out.append((word, "SL", t.start + m.start(), t.start + m.end()))
    if norm is not None and norm.starts is not None:
        out = [(form, tag, *norm.span(s, e)) for form, tag, s, e in out]
    return out


def base_tag(tag: object) -> str:
    """A Kiwi tag without its irregular-conjugation suffix (VV-R -> VV)."""
    return str(tag).split("-", 1)[0]


def pairs_of(terms: Sequence[Term]) -> list[str]:
    """Adjacent-term pairs (``"a b"``) of index-mode ``terms``: the word at one position (and
    its alias expansions) with the word at the next. Phrases search these pairs (a "shingle"
    field) instead of positions, which Whoosh decodes slowly. A compound's parts are not
    paired: a phrase of parts matches where the parts are written as separate words."""
    out: list[str] = []
    previous: list[str] = []
    current: list[str] = []
    pos = last = -2
    first = (0, 0)
    for t in terms:  # terms come position by position, the word first
        if t.pos != pos:
            if last == pos - 1:
                out.extend(f"{a}{PAIR_SEPARATOR}{b}" for a in previous for b in current)
            if current:
                previous, last = current, pos
            pos, current, first = t.pos, [], (t.start, t.end)
        if t.start == first[0] and t.end >= first[1]:  # the word and its aliases, not its parts
            current.append(t.text)
    if current and last == pos - 1:
        out.extend(f"{a}{PAIR_SEPARATOR}{b}" for a in previous for b in current)
    return out


def phrase_pairs(groups: list[list[str]]) -> list[list[str]]:
    """For a phrase given as alternatives per position, the alternatives of each adjacent pair."""
    return [[f"{a}{PAIR_SEPARATOR}{b}" for a in left for b in right] for left, right in zip(groups, groups[1:])]


def register_gazetteer_words(entries: Iterable) -> tuple[str, ...]:
    """Ask the shared Kiwi to keep the gazetteer's single-word Hangul names whole (as NNP);
    returns those words."""
    words = tuple(user_words_from_gazetteer(entries))
    add_user_words((w, "NNP") for w in words)
    return words


K = TypeVar("K")
V = TypeVar("V")


def _memo(cache: dict[K, V], key: K, compute: Callable[[K], V], limit: int) -> V:
    """``cache[key]``, computed on a miss; the cache is emptied when it reaches ``limit``."""
    got = cache.get(key)
    if got is None:
        if len(cache) >= limit:
            cache.clear()
        got = cache[key] = compute(key)
    return got


class TextAnalyser:
    """Korean analysis with one gazetteer's aliases (see module doc). ``aliases``: lowercased
    alias -> canonical name (single words and multi-word aliases); ``user_words``: words the
    shared Kiwi keeps whole (registered now). Picklable: it pickles as its aliases and words."""

    def __init__(self, aliases: Mapping[str, str] | None = None, user_words: Iterable[str] = ()):
        self._aliases: dict[str, str] = {}  # single-term alias -> canonical
        self._multi_texts: dict[str, str] = {}  # lowercased multi-word alias -> canonical
        for alias, canonical in (aliases or {}).items():
            key = " ".join(alias.lower().split())
            (self._multi_texts if " " in key else self._aliases)[key] = canonical
        self._multi: dict[str, list[tuple[tuple[str, ...], str]]] | None = None  # built on first use
        self._lock = threading.Lock()
        self.user_words = tuple(dict.fromkeys(user_words))
        add_user_words((w, "NNP") for w in self.user_words)
        self._parts: dict[str, tuple[tuple[str, int, int], ...]] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self._canonical: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_gazetteer(cls, entries: Iterable) -> "TextAnalyser":
        """The analyser of a gazetteer (config.GazetteerEntry items): its usable aliases, its
        single-word names kept whole by Kiwi."""
        entries = list(entries)
        return cls(aliases_from_gazetteer(entries), user_words_from_gazetteer(entries))

    def __reduce__(self):
        return (TextAnalyser, (self.aliases(), self.user_words))

    def aliases(self) -> dict[str, str]:
        """The alias map (single and multi-word), lowercased alias -> canonical."""
        return {**self._aliases, **self._multi_texts}

    def multiword_aliases(self) -> dict[str, str]:
        """Multi-word aliases as lowercased text (single spaces) -> canonical name."""
        return dict(self._multi_texts)

    # --- morphemes ---------------------------------------------------------------------------

    def morphemes_many(self, lines: Sequence[str]) -> list[list[Morph]]:
        """Kiwi's morphemes of each line, in one call (the LineAnalyser of AnalysedText)."""
        return kiwi_tokenize_many(lines)

    def analyse(self, text: str) -> AnalysedText:
        """``text`` to be analysed once, line by line, as it is read (see AnalysedText)."""
        return AnalysedText(text, self)

    def analyse_many(self, texts: Sequence[str]) -> list[AnalysedText]:
        """Each text analysed now, in one Kiwi call for the lines of all of them (as written and
        as normalised for the index), on Kiwi's worker threads."""
        out = [AnalysedText(t, self) for t in texts]
        lines = {t: list(dict.fromkeys([*t.split("\n"), *normalize(t).text.split("\n")])) for t in dict.fromkeys(texts)}
        every = list(dict.fromkeys(line for text_lines in lines.values() for line in text_lines))
        found = dict(zip(every, self.morphemes_many(every)))
        for analysed in out:
            analysed.lines.update((line, found[line]) for line in lines[analysed.text])
        return out

    def morphemes(self, text: str, analysed: AnalysedText | None = None) -> list[Morpheme]:
        """The kept morphemes of ``text`` (see kept_morphemes), offsets into ``text``; read from
        ``analysed`` when given. A long text is read in windows (windows.text_windows)."""
        norm = normalize(text)
        if len(norm.text) <= WINDOW_CHARS:
            source = analysed if analysed is not None else AnalysedText(norm.text, self)
            return kept_morphemes(source.text_morphemes(norm.text), norm)
        out: list[Morpheme] = []
        windows = text_windows(norm.text)
        for i in range(0, len(windows), WINDOW_GROUP):
            group = windows[i:i + WINDOW_GROUP]
            source = analysed if analysed is not None else AnalysedText(norm.text, self)  # one group's memory
            for (offset, _), morphs in zip(group, source.text_morphemes_many([w for _, w in group])):
                shifted = [(form, tag, start + offset, end + offset) for form, tag, start, end in kept_morphemes(morphs)]
                out.extend((form, tag, *norm.span(s, e)) for form, tag, s, e in shifted)
        return out

    # --- terms -------------------------------------------------------------------------------

    def analyze(self, text: str, mode: str = "index", analysed: AnalysedText | None = None) -> list[Term]:
        """The terms of ``text``; ``mode="index"`` also emits compound parts, ``"query"`` does not."""
        return self.terms_of(self.morphemes(text, analysed), decompound=mode == "index")

    def analyze_terms(self, text: str, mode: str = "index") -> list[str]:
        """The terms ``text`` produces, in order (duplicates kept)."""
        return [t.text for t in self.analyze(text, mode)]

    def terms_of(self, base: list[Morpheme], decompound: bool, aliases: bool = True) -> list[Term]:
        """All terms of kept morphemes: per morpheme the whole form, its parts (``decompound``)
        and alias expansions (``aliases``)."""
        terms: list[Term] = []
        multi = self._multi_index() if aliases else {}
        for pos, (form, tag, start, end) in enumerate(base):
            lower = form.lower()
            terms.append(Term(lower, pos, start, end))
            extra: list[Term] = []
            if decompound and tag in NOUN_TAGS and len(form) >= MIN_SPLIT_CHARS:
                extra.extend(Term(p, pos, start + ps, start + pe) for p, ps, pe in self.decompose(form))
            if aliases:
                canonical = self._aliases.get(lower)
                if canonical:
                    extra.extend(Term(ct, pos, start, end) for ct in self.canonical_terms(canonical))
                for words, canonical in multi.get(lower, ()):
                    n = len(words)
                    if tuple(b[0].lower() for b in base[pos : pos + n]) == words:
                        last = base[pos + n - 1][3]
                        extra.extend(Term(ct, pos, start, last) for ct in self.canonical_terms(canonical))
            if extra:
                seen = {lower}
                for t in extra:
                    if t.text not in seen:
                        seen.add(t.text)
                        terms.append(t)
        return terms

    def name_terms(self, name: str) -> tuple[str, ...]:
        """Index-mode terms of one entity name, analysed alone (the ``entities`` field)."""
        return _memo(self._names, name, lambda n: tuple(t.text for t in self.analyze(n)), MEMO_WORDS)

    def canonical_terms(self, canonical: str) -> tuple[str, ...]:
        """Terms of a canonical entity name: whole morphemes, no parts, no alias expansion."""
        def compute(name: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(t.text for t in self.terms_of(self.morphemes(name), False, aliases=False)))

        return _memo(self._canonical, canonical, compute, MEMO_CANONICAL)

    def pair_terms(self, text: str) -> list[str]:
        """The adjacent-term pairs of ``text`` (see pairs_of)."""
        return pairs_of(self.analyze(text, "index"))

    def body_terms(self, text: str, analysed: AnalysedText | None = None) -> BodyTerms:
        """The :class:`BodyTerms` of ``text``, analysed window by window (windows.text_windows;
        ``analysed``: the analysis of ``text`` when it is one window)."""
        out = BodyTerms(Counter(), Counter())
        windows = [w for _, w in text_windows(text)]
        if len(windows) == 1:
            self.add_window_terms(windows[0], out, analysed)
            return out
        for i in range(0, len(windows), WINDOW_GROUP):
            group = windows[i:i + WINDOW_GROUP]
            for window, window_analysed in zip(group, self.analyse_many(group)):
                self.add_window_terms(window, out, window_analysed)
        return out

    def add_window_terms(self, window: str, into: BodyTerms, analysed: AnalysedText | None = None) -> None:
        """Count the index terms and pairs of one window of a body into ``into``. A pair
        spanning two windows is not counted: one per window break, in texts of over
        WINDOW_CHARS characters."""
        terms = self.analyze(window, "index", analysed)
        into.terms.update(t.text for t in terms)
        into.pairs.update(pairs_of(terms))

    def term_spans(self, text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
        """Character spans in ``text`` of the analysed terms that are in ``terms`` (merged, sorted)."""
        wanted = {t.lower() for t in terms}
        if not wanted:
            return []
        spans = sorted({(t.start, t.end) for t in self.analyze(text, "index") if t.text in wanted})
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged

    # --- queries -----------------------------------------------------------------------------

    def query_morphemes(self, text: str) -> list[Morpheme]:
        """The kept morphemes of a query text analysed as a whole, as (form, tag, start, end):
        a word analysed inside the query gets the analysis it has in a sentence (``간`` in
        ``일본 간 경쟁`` is a particle-like noun there, the noun "liver" alone)."""
        return self.morphemes(text)

    def query_groups(self, text: str, base: list[Morpheme] | None = None) -> list[list[tuple[str, ...]]]:
        """Query-mode alternatives per position; each alternative is a tuple of terms that must
        all occur (an alias whose canonical name has several terms, e.g. ``샘 올트먼``).
        ``base``: the morphemes of ``text`` from an analysis in context (:meth:`query_morphemes`)."""
        groups: list[list[tuple[str, ...]]] = []
        for form, _tag, _s, _e in (self.morphemes(text) if base is None else base):
            lower = form.lower()
            alts: list[tuple[str, ...]] = [(lower,)]
            canonical = self._aliases.get(lower)
            if canonical:
                alts.append(self.canonical_terms(canonical))
            groups.append(list(dict.fromkeys(alts)))
        word = text.strip().lower()
        if len(groups) == 1 and word and not any(ch.isspace() for ch in word):
            first = groups[0][0][0]
            rest_tags = {base_tag(m.tag)[:1] if base_tag(m.tag) != "VCP" else "VCP"
                         for m in self.morphemes_many([text.strip()])[0] if base_tag(m.tag) not in CONTENT_TAGS}
            if word != first and word.startswith(first) and _HANGUL.search(word) and "VCP" in rest_tags \
                    and "J" not in rest_tags:
                # an unknown name typed alone may lose its last syllable to the copula
                # ("솔리다임" -> 솔리다 + 이 + ㅁ): the whole word is an alternative
                groups[0].append((word,))
        return groups

    # --- compounds and aliases -----------------------------------------------------------------

    def decompose(self, noun: str) -> tuple[tuple[str, int, int], ...]:
        """Parts of a compound noun as (lowercased text, start, end) within ``noun``; () if none.

        A multi-word dictionary entry (``일본 경제 단체 연합회``) splits into its words. Otherwise
        Kiwi re-analyses the noun with the whole form blocked; the split is accepted only when every
        part is a noun (or foreign word / number) of at least two characters, the parts cover the
        noun exactly, and Kiwi does not find the split much less likely than the whole word.
        """
        return _memo(self._parts, noun, split_compound, MEMO_WORDS)

    def _multi_index(self) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        """Multi-word aliases as term sequences, indexed by their first term (built on first use:
        it needs Kiwi, which making an analyser must not load)."""
        if self._multi is None:
            with self._lock:
                index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
                for key, canonical in self._multi_texts.items():
                    words = tuple(b[0].lower() for b in self.morphemes(key))
                    if len(words) >= 2:
                        index.setdefault(words[0], []).append((words, canonical))
                self._multi = index
        return self._multi


def split_compound(noun: str) -> tuple[tuple[str, int, int], ...]:
    """The parts of a compound noun (see TextAnalyser.decompose, which remembers them)."""
    if len(noun) < MIN_SPLIT_CHARS or not _HANGUL.search(noun):
        return ()
    if any(ch.isspace() for ch in noun):  # a multi-word entry of Kiwi's dictionary
        words = [m for m in re.finditer(r"\S+", noun) if len(m.group()) >= MIN_PART_CHARS]
        return tuple((m.group().lower(), m.start(), m.end()) for m in words) if len(words) > 1 else ()
    kiwi, config = get_kiwi(), kiwi_config(word=True)
    whole = kiwi.analyze(noun, top_n=1, override_config=config)
    split = kiwi.analyze(noun, top_n=1, blocklist=[noun], override_config=config)
    if not whole or not split:
        return ()
    tokens, score = split[0]
    limit = MAX_SPLIT_COST_LONG if len(noun) >= LONG_NOUN_CHARS else MAX_SPLIT_COST
    if len(tokens) < 2 or whole[0][1] - score > limit:
        return ()
    parts, cursor = [], 0
    for tok in tokens:
        if base_tag(tok.tag) not in _PART_TAGS or tok.len < MIN_PART_CHARS:
            return ()
        if tok.start != cursor or noun[tok.start : tok.start + tok.len] != tok.form:
            return ()
        parts.append((tok.form.lower(), tok.start, tok.start + tok.len))
        cursor += tok.len
    if cursor != len(noun):
        return ()
    return tuple(parts)
