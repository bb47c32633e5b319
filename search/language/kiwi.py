"""One lazily created, shared Kiwi instance (Kiwi is heavy: ~1 s and ~100 MB to load)."""

from __future__ import annotations

import dataclasses
import os
import threading
from typing import Iterable, NamedTuple

_lock = threading.Lock()
_kiwi = None
_config = None
_word_config = None
_user_words: dict[str, str] = {}

# Kiwi's beam cut-off for the analysis of texts (Kiwi's default is 8). Kiwi is most of the
# indexing time; measured on 100 generated articles, one Kiwi thread: 8 -> 27, 5 -> 22, 3 ->
# ~19 ms per article; on the seeds 20 of 2576 content morphemes differ from cut-off 8 (5: 6).
KIWI_CUTOFF = 3.0
# Kiwi's z_coda option separates a consonant jamo added to a syllable ("했닼"), a chat-text
# habit; off, Kiwi is ~5% faster (21.8 -> 20.5 ms per bench article, one thread) and its
# analysis of the seeds and of 300 bench articles is identical, morpheme for morpheme.
TOKENIZE_OPTIONS = {"z_coda": False}
# Splitting a single noun (analysis.decompose) compares the best split with the whole word;
# a narrow beam drops the split, so it keeps Kiwi's default (the calls are tiny).
KIWI_WORD_CUTOFF = 8.0
# Kiwi's multi-word dictionary (entries such as "일본 경제 단체 연합회") costs ~190 MB of memory
# once used; the gazetteer supplies the multi-word names briefing cares about.
LOAD_MULTI_DICT = False


class Morph(NamedTuple):
    """One Kiwi morpheme: form, tag, character start and length in the analysed text."""

    form: str
    tag: str
    start: int
    len: int


def get_kiwi():
    """Return the process-wide Kiwi, creating it on first use (thread-safe)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi(num_workers=_threads(), load_multi_dict=LOAD_MULTI_DICT)
                for word, tag in _user_words.items():
                    kiwi.add_user_word(word, tag, 0.0)
                global _config, _word_config
                _config = dataclasses.replace(kiwi.global_config, cutoff_threshold=KIWI_CUTOFF)
                _word_config = dataclasses.replace(kiwi.global_config, cutoff_threshold=KIWI_WORD_CUTOFF)
                _kiwi = kiwi
    return _kiwi


THREADS_ENV = "BRIEFING_KIWI_THREADS"


def _threads() -> int:
    """Kiwi's worker threads: one per core, or $BRIEFING_KIWI_THREADS (indexing worker
    processes set it to 1: the processes are the parallelism)."""
    try:
        return max(1, int(os.environ.get(THREADS_ENV, "")))
    except ValueError:
        return os.cpu_count() or 1


def add_user_words(words: Iterable[tuple[str, str]]) -> None:
    """Register (word, POS tag) pairs so Kiwi keeps them whole; works before or after loading."""
    with _lock:
        for word, tag in words:
            word = word.strip()
            if not word or " " in word or word in _user_words:
                continue
            _user_words[word] = tag
            if _kiwi is not None:
                _kiwi.add_user_word(word, tag, 0.0)


def warm_up() -> None:
    """Create Kiwi and analyse a short text: Kiwi's first analysis costs ~0.7 s more than the
    next ones, which should not fall on a user's first search."""
    kiwi = get_kiwi()
    kiwi.tokenize("삼성전자가 반도체를 만든다", override_config=_config, **TOKENIZE_OPTIONS)


def kiwi_config(word: bool = False):
    """The configuration analyses of texts use (see KIWI_CUTOFF); ``word``: the one for
    analysing single words (KIWI_WORD_CUTOFF)."""
    get_kiwi()
    return _word_config if word else _config


def _morphs(tokens, _new=tuple.__new__) -> list[Morph]:
    # tuple.__new__ skips the named tuple's Python-level __new__ (half the cost, same objects)
    return [_new(Morph, (t.form, t.tag, t.start, t.len)) for t in tokens]


def tokenize_many(texts: Iterable[str]) -> list[list[Morph]]:
    """Morphemes of each text, analysed line by line (a morpheme never spans a line break, and
    a line's analysis does not depend on its neighbours); the distinct lines go to Kiwi in one
    call, which runs on Kiwi's worker threads (one per core) with the GIL released."""
    texts = list(texts)
    if not any("\n" in t for t in texts):
        return _tokenize_lines(texts)
    split = [t.split("\n") for t in texts]
    per_line = iter(_tokenize_lines([line for lines in split for line in lines]))
    out: list[list[Morph]] = []
    new = tuple.__new__
    for lines in split:
        morphs: list[Morph] = []
        offset = 0
        for line in lines:
            found = next(per_line)
            if offset:
                morphs += [new(Morph, (m[0], m[1], m[2] + offset, m[3])) for m in found]
            else:
                morphs += found
            offset += len(line) + 1
        out.append(morphs)
    return out


def _tokenize_lines(texts: list[str]) -> list[list[Morph]]:
    distinct = [t for t in dict.fromkeys(texts) if t]
    found: dict[str, list[Morph]] = {}
    if distinct:
        results = get_kiwi().tokenize(distinct, override_config=_config, **TOKENIZE_OPTIONS)
        found = {text: _morphs(toks) for text, toks in zip(distinct, results)}
    return [found.get(text, []) for text in texts]


def tokenize(text: str) -> list[Morph]:
    """Morphemes of one text."""
    return tokenize_many([text])[0]
