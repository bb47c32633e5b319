"""Korean text analysis for Whoosh, on top of the shared Kiwi morphological analyser.

The tokenizer keeps content morphemes (nouns, numerals, roots, foreign words, hanja, verb and
adjective stems), drops particles, endings, suffixes and punctuation, lowercases Latin, and
emits proper Whoosh tokens with positions and character offsets into the original text.

Like Lucene Nori's "mixed" mode, a compound noun is emitted whole AND as its parts at the same
position (index mode only), so ``삼성`` finds ``삼성전자``. English/variant aliases from the
gazetteer add the canonical name's terms at the same position (``SoftBank`` -> ``소프트뱅크``).

The tokenizer holds no state: Kiwi is fetched lazily from :mod:`briefing.search.language.kiwi`, and the alias
maps live at module level, so an index whose schema pickles the analyzer opens in any process.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

from briefing.search.language.kiwi import add_user_words, get_kiwi, kiwi_config
from briefing.search.language.kiwi import tokenize as kiwi_tokenize
from briefing.search.language.kiwi import tokenize_many as kiwi_tokenize_many
from briefing.search.language.normalize import Normalized, normalize, normalize_text  # noqa: F401 (normalize_text: for query.py)
from briefing.search.language.aliases import aliases_from_gazetteer, gazetteer_fingerprint, user_words_from_gazetteer  # noqa: F401
from briefing.search.language.surface import gram_terms, strip_kickers, title_keys  # noqa: F401
from briefing.search.language.windows import WINDOW_CHARS, WINDOW_GROUP, text_windows  # noqa: F401

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

_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# alias (lowercased single term) -> canonical name; multi-word alias terms -> canonical name
_aliases: dict[str, str] = {}
_multi_aliases: dict[str, list[tuple[tuple[str, ...], str]]] | None = None  # first term -> ...
_multi_alias_texts: dict[str, str] = {}  # lowercased raw multi-word alias -> canonical
_config_lock = threading.Lock()

# A table of kept Kiwi morphemes: exact text -> [(form, base tag, start, end)] (see _compact)
Tokens = dict[str, list[tuple[str, str, int, int]]]
# exact text -> compact Kiwi tokens, filled by pretokenize() for the duration of a batch
_pretokenized: Tokens = {}


class Term(NamedTuple):
    """One analysed term: its text, position index and character span in the analysed text."""

    text: str
    pos: int
    start: int
    end: int


# --- Kiwi access -------------------------------------------------------------------------


# Words of other scripts inside what Kiwi tags SW (Japanese, Cyrillic...): katakana runs,
# hiragana runs (particles and okurigana when short), letters and digits of any other script.
_OTHER_WORD = re.compile(r"[\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff]+|[\u3041-\u309f]+|[^\W_\u3040-\u30ff]+")
MIN_HIRAGANA_CHARS = 3  # shorter hiragana runs are particles and endings (が, へ, する)


def _compact(tokens, norm: Normalized | None = None) -> list[tuple[str, str, int, int]]:
    """Kept morphemes only, as (form, base tag, start, end); offsets into the original text
    when ``norm`` (the normalised text Kiwi analysed) says where its characters came from."""
    out = []
    for t in tokens:
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


def _kiwi_tokens(text: str) -> list[tuple[str, str, int, int]]:
    """Kept Kiwi morphemes of ``text`` (see _compact); uses the pretokenized batch if any."""
    cached = _pretokenized.get(text)
    if cached is not None:
        return cached
    norm = normalize(text)
    if len(norm.text) <= WINDOW_CHARS:
        return _compact(kiwi_tokenize(norm.text), norm)
    out: list[tuple[str, str, int, int]] = []  # a long text: window by window (text_windows)
    windows = text_windows(norm.text)
    for i in range(0, len(windows), WINDOW_GROUP):
        group = windows[i:i + WINDOW_GROUP]
        for (offset, _), tokens in zip(group, kiwi_tokenize_many(w for _, w in group)):
            shifted = [(form, tag, start + offset, end + offset) for form, tag, start, end in _compact(tokens)]
            out.extend((form, tag, *norm.span(s, e)) for form, tag, s, e in shifted)
    return out


def tokenize_many(texts: Iterable[str], decompound: bool = True) -> Tokens:
    """Kiwi tokens of many texts in one call on Kiwi's worker threads (the GIL is released).

    With ``decompound`` the compound nouns found are also split now (filling the cache of
    :func:`decompose`), so a background thread can do all the Kiwi work of a batch.
    """
    unique = [t for t in dict.fromkeys(texts) if t]
    if not unique:
        return {}
    norms = [normalize(t) for t in unique]
    table = {text: _compact(toks, norm)
             for text, norm, toks in zip(unique, norms, kiwi_tokenize_many([n.text for n in norms]))}
    if decompound:
        for toks in table.values():
            for form, tag, _s, _e in toks:
                if tag in NOUN_TAGS and len(form) >= MIN_SPLIT_CHARS:
                    decompose(form)
    return table


@contextmanager
def use_pretokenized(table: Tokens) -> Iterator[int]:
    """Let the tokenizer read the Kiwi results in ``table`` (from :func:`tokenize_many`)."""
    fresh = [t for t in table if t not in _pretokenized]
    for text in fresh:
        _pretokenized[text] = table[text]
    try:
        yield len(fresh)
    finally:
        for text in fresh:
            _pretokenized.pop(text, None)


@contextmanager
def pretokenize(texts: Iterable[str]) -> Iterator[int]:
    """Analyse ``texts`` in one parallel Kiwi call; inside the block the tokenizer reuses them.

    Yields the number of texts analysed. The cache is keyed by the exact text and emptied of
    this batch on exit, so memory stays bounded by the batch size.
    """
    table = tokenize_many(t for t in texts if t not in _pretokenized)
    with use_pretokenized(table) as n:
        yield n


def _base_tag(tag) -> str:
    return str(tag).split("-", 1)[0]


@lru_cache(maxsize=65536)
def decompose(noun: str) -> tuple[tuple[str, int, int], ...]:
    """Parts of a compound noun as (lowercased text, start, end) within ``noun``; () if none.

    A multi-word dictionary entry (``일본 경제 단체 연합회``) splits into its words. Otherwise
    Kiwi re-analyses the noun with the whole form blocked; the split is accepted only when every
    part is a noun (or foreign word / number) of at least two characters, the parts cover the
    noun exactly, and Kiwi does not find the split much less likely than the whole word.
    """
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
        if _base_tag(tok.tag) not in _PART_TAGS or tok.len < MIN_PART_CHARS:
            return ()
        if tok.start != cursor or noun[tok.start : tok.start + tok.len] != tok.form:
            return ()
        parts.append((tok.form.lower(), tok.start, tok.start + tok.len))
        cursor += tok.len
    if cursor != len(noun):
        return ()
    return tuple(parts)


# --- core analysis -----------------------------------------------------------------------


def _base_terms(text: str) -> list[tuple[str, str, int, int]]:
    """Kept morphemes as (form, base tag, start, end), before decompounding and aliases."""
    return _kiwi_tokens(text)


@lru_cache(maxsize=65536)
def name_terms(name: str) -> tuple[str, ...]:
    """Index-mode terms of one entity name, analysed alone (the ``entities`` field)."""
    return tuple(t.text for t in _analyze(name, decompound=True))


@lru_cache(maxsize=4096)
def canonical_terms(canonical: str) -> tuple[str, ...]:
    """Terms of a canonical entity name: whole morphemes, no parts, no alias expansion."""
    return tuple(dict.fromkeys(t.text for t in _analyze(canonical, False, aliases=False)))


def _analyze(text: str, decompound: bool, aliases: bool = True) -> list[Term]:
    """All terms of ``text``: per kept morpheme the whole form, its parts and alias expansions."""
    base = _base_terms(text)
    terms: list[Term] = []
    multi = _multi_index() if aliases else {}
    for pos, (form, tag, start, end) in enumerate(base):
        lower = form.lower()
        terms.append(Term(lower, pos, start, end))
        extra: list[Term] = []
        if decompound and tag in NOUN_TAGS and len(form) >= MIN_SPLIT_CHARS:
            extra.extend(Term(p, pos, start + ps, start + pe) for p, ps, pe in decompose(form))
        if aliases:
            canonical = _aliases.get(lower)
            if canonical:
                extra.extend(Term(ct, pos, start, end) for ct in canonical_terms(canonical))
            for words, canonical in multi.get(lower, ()):
                n = len(words)
                if tuple(b[0].lower() for b in base[pos : pos + n]) == words:
                    last = base[pos + n - 1][3]
                    extra.extend(Term(ct, pos, start, last) for ct in canonical_terms(canonical))
        if extra:
            seen = {lower}
            for t in extra:
                if t.text not in seen:
                    seen.add(t.text)
                    terms.append(t)
    return terms


def analyze(text: str, mode: str = "index") -> list[Term]:
    """Analyse ``text``; ``mode="index"`` also emits compound parts, ``"query"`` does not.
    (Index mode remembers the last text analysed: do not change the list returned.)"""
    return _analyze_cached(text) if mode == "index" else _analyze(text, decompound=False)


def analyze_terms(text: str, mode: str = "index") -> list[str]:
    """The terms ``text`` produces, in order (duplicates kept)."""
    return [t.text for t in analyze(text, mode)]


def query_morphemes(text: str) -> list[tuple[str, str, int, int]]:
    """The kept morphemes of a query text analysed as a whole, as (form, tag, start, end):
    a word analysed inside the query gets the analysis it has in a sentence (``간`` in
    ``일본 간 경쟁`` is a particle-like noun there, the noun "liver" alone)."""
    return _base_terms(text)


def query_groups(text: str, base: list[tuple[str, str, int, int]] | None = None) -> list[list[tuple[str, ...]]]:
    """Query-mode alternatives per position; each alternative is a tuple of terms that must
    all occur (an alias whose canonical name has several terms, e.g. ``샘 올트먼``).
    ``base``: the morphemes of ``text`` from an analysis in context (:func:`query_morphemes`)."""
    groups: list[list[tuple[str, ...]]] = []
    for pos, (form, _tag, _s, _e) in enumerate(_base_terms(text) if base is None else base):
        lower = form.lower()
        alts = [(lower,)]
        canonical = _aliases.get(lower)
        if canonical:
            alts.append(canonical_terms(canonical))
        groups.append(list(dict.fromkeys(alts)))
    word = text.strip().lower()
    if len(groups) == 1 and word and not any(ch.isspace() for ch in word):
        first = groups[0][0][0]
        rest_tags = {_base_tag(m.tag)[:1] if _base_tag(m.tag) != "VCP" else "VCP"
                     for m in kiwi_tokenize(text.strip()) if _base_tag(m.tag) not in CONTENT_TAGS}
        if word != first and word.startswith(first) and _HANGUL.search(word) and "VCP" in rest_tags \
                and "J" not in rest_tags:
            # an unknown name typed alone may lose its last syllable to the copula
            # ("솔리다임" -> 솔리다 + 이 + ㅁ): the whole word is an alternative
            groups[0].append((word,))
    return groups



def term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans in ``text`` of the analysed terms that are in ``terms`` (merged, sorted)."""
    wanted = {t.lower() for t in terms}
    if not wanted:
        return []
    spans = sorted({(t.start, t.end) for t in analyze(text, "index") if t.text in wanted})
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Alias of :func:`term_spans` (the engine's name for it)."""
    return term_spans(text, terms)



PAIR_SEPARATOR = " "


def pair_terms(text: str) -> list[str]:
    """Adjacent-term pairs of ``text`` (``"a b"``): the word at one position (and its alias
    expansions) with the word at the next. Phrases search these pairs (a "shingle" field)
    instead of positions, which Whoosh decodes slowly. A compound's parts are not paired: a
    phrase of parts matches where the parts are written as separate words."""
    out: list[str] = []
    previous: list[str] = []
    current: list[str] = []
    pos = last = -2
    first = (0, 0)
    for t in _analyze_cached(text):  # terms come position by position, the word first
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


_last_analysis: tuple[str, list[Term]] | None = None


def _analyze_cached(text: str) -> list[Term]:
    """Index-mode analysis of ``text``, remembering the last text (the body field and its pair
    field analyse the same body one after the other)."""
    global _last_analysis
    last = _last_analysis
    if last is not None and last[0] is text:
        return last[1]
    terms = _analyze(text, decompound=True)
    _last_analysis = (text, terms)
    return terms




class BodyTerms(NamedTuple):
    """What the index keeps of a body (its fields hold no positions): the count of each
    index-mode term and of each adjacent-term pair (:func:`pair_terms`)."""

    terms: Counter
    pairs: Counter


def add_window_terms(window: str, into: BodyTerms) -> None:
    """Count the index terms and pairs of one window of a body into ``into`` (the window's
    Kiwi tokens are read from the pretokenized table when there). A pair spanning two windows
    is not counted: one per window break, in texts of over WINDOW_CHARS characters."""
    into.terms.update(t.text for t in _analyze_cached(window))
    into.pairs.update(pair_terms(window))




def body_terms(text: str) -> BodyTerms:
    """The :class:`BodyTerms` of ``text``, analysed window by window (see text_windows)."""
    out = BodyTerms(Counter(), Counter())
    windows = [w for _, w in text_windows(text)]
    for i in range(0, len(windows), WINDOW_GROUP):
        group = windows[i:i + WINDOW_GROUP]
        with pretokenize(group):
            for window in group:
                add_window_terms(window, out)
    return out





def configure_aliases(mapping: dict[str, str]) -> None:
    """Install the alias map (lowercased alias -> canonical) used by the tokenizer."""
    singles: dict[str, str] = {}
    multi_texts: dict[str, str] = {}
    for alias, canonical in mapping.items():
        key = " ".join(alias.lower().split())
        if " " in key:
            multi_texts[key] = canonical
        else:
            singles[key] = canonical
    global _multi_aliases, _last_analysis
    with _config_lock:
        _last_analysis = None
        _aliases.clear()
        _aliases.update(singles)
        _multi_alias_texts.clear()
        _multi_alias_texts.update(multi_texts)
        _multi_aliases = None  # rebuilt lazily: it needs Kiwi, which configure must not load
        canonical_terms.cache_clear()
        name_terms.cache_clear()


def _multi_index() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Multi-word aliases as term sequences, indexed by their first term (built on first use)."""
    global _multi_aliases
    if _multi_aliases is None:
        with _config_lock:
            index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
            for key, canonical in _multi_alias_texts.items():
                words = tuple(b[0].lower() for b in _base_terms(key))
                if len(words) >= 2:
                    index.setdefault(words[0], []).append((words, canonical))
            _multi_aliases = index
    return _multi_aliases


def current_aliases() -> dict[str, str]:
    """The installed alias map (single and multi-word), lowercased alias -> canonical."""
    return {**_aliases, **_multi_alias_texts}


def multiword_aliases() -> dict[str, str]:
    """Installed multi-word aliases as lowercased text (single spaces) -> canonical name."""
    return dict(_multi_alias_texts)



def configure(gazetteer_entries: Iterable) -> None:
    """Register gazetteer names with Kiwi (as NNP) and install the alias map."""
    entries = list(gazetteer_entries)
    add_user_words((w, "NNP") for w in user_words_from_gazetteer(entries))
    decompose.cache_clear()
    configure_aliases(aliases_from_gazetteer(entries))


