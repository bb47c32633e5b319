"""What analysis takes from the gazetteer: the alias map, the words Kiwi keeps whole, and a
fingerprint of what changes analysis."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Iterable

MIN_HANGUL_ALIAS_CHARS = 3  # shorter Hangul aliases (삼성, 암, 매경) are abbreviations, not variants

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
_HANJA = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

def _alias_usable(alias: str) -> bool:
    """English aliases and Hangul variants of 3+ characters expand; short abbreviations do not."""
    if _LATIN.search(alias) or _HANJA.search(alias):  # 孫正義, 鴻海: Hanja forms of names
        return len(alias) >= 2
    return len(alias) >= MIN_HANGUL_ALIAS_CHARS


def aliases_from_gazetteer(entries: Iterable) -> dict[str, str]:
    """Map lowercased alias -> canonical name for every usable alias of the gazetteer entries.

    Multi-word aliases are included as written (lowercased, single spaces); the analyser
    matches them as term sequences. An alias claimed by two entries is dropped (ambiguous).
    """
    out: dict[str, str] = {}
    clash: set[str] = set()
    for e in entries:
        for alias in e.aliases:
            key = " ".join(alias.lower().split())
            if not key or key == e.name.lower() or not _alias_usable(alias):
                continue
            if key in out and out[key] != e.name:
                clash.add(key)
            out[key] = e.name
    for key in clash:
        out.pop(key, None)
    return out



def user_words_from_gazetteer(entries: Iterable) -> list[str]:
    """Single-word names and aliases containing Hangul: Kiwi should keep these whole."""
    words = []
    for e in entries:
        for name in (e.name, *e.aliases):
            name = name.strip()
            if name and " " not in name and _HANGUL.search(name):
                words.append(name)
    return list(dict.fromkeys(words))



def gazetteer_fingerprint(entries: Iterable) -> str:
    """A short hash of everything in the gazetteer that changes analysis or entity fields."""
    data = sorted(
        (e.name, e.type, sorted(e.aliases)) for e in entries
    )
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]
