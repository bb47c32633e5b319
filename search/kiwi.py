"""One lazily created, shared Kiwi instance (Kiwi is heavy: ~1 s and ~100 MB to load)."""

from __future__ import annotations

import os
import threading
from typing import Iterable

_lock = threading.Lock()
_kiwi = None
_user_words: dict[str, str] = {}


def get_kiwi():
    """Return the process-wide Kiwi, creating it on first use (thread-safe)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi(num_workers=os.cpu_count() or 1)
                for word, tag in _user_words.items():
                    kiwi.add_user_word(word, tag, 0.0)
                _kiwi = kiwi
    return _kiwi


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


def kiwi_loaded() -> bool:
    """True once the shared Kiwi exists (the app shows 'loading analyser' until then)."""
    return _kiwi is not None
