"""The entity gazetteer: canonical names and aliases from ``config.yaml``, with fast text scanning.

Lookup is exact for Hangul/hanja and case-insensitive for Latin; runs of spaces count as one
space and may be left out between Hangul words ("손 회장" also matches "손회장").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from briefing.search.config import GazetteerEntry
from briefing.search.model import ENTITY_TYPES

_SPACE_RE = re.compile(r"\s+")
_SCAN_GAP = r"[ \t\u00a0]*"
_PLAIN_RE = re.compile(r"[가-힣0-9]+")  # uncased characters that match only themselves
_KIWI_WORD_RE = re.compile(r"[가-힣][A-Za-z0-9가-힣]*|[A-Za-z0-9]+[가-힣][A-Za-z0-9가-힣]*")


def normalize_surface(surface: str) -> str:
    """The lookup key of a surface form: trimmed, single-spaced, casefolded."""
    return _SPACE_RE.sub(" ", surface.strip()).casefold()


def _squashed(key: str) -> str:
    return key.replace(" ", "")


@dataclass(frozen=True)
class GazetteerHit:
    """One place in a text where a gazetteer surface occurs."""

    start: int
    end: int
    surface: str  # the normalized key that matched
    entries: tuple[GazetteerEntry, ...]


class Gazetteer:
    """Known entities by canonical name and by alias."""

    def __init__(self, entries: Iterable[GazetteerEntry]):
        self.entries: list[GazetteerEntry] = []
        self.by_name: dict[str, GazetteerEntry] = {}
        self._by_key: dict[str, list[GazetteerEntry]] = {}
        self._warnings: list[str] = []
        for entry in entries:
            self._add(entry)
        self._scanner: re.Pattern | None = None
        self._by_squashed: dict[str, list[GazetteerEntry]] = {}
        self._by_first: dict[str, list[tuple[re.Pattern, str]]] = {}
        self._scan_parts: list[tuple[str, str]] = []  # (key, pattern), longest key first
        self._first_char_re: re.Pattern | None = None
        self._bucket_at: dict[str, re.Pattern | tuple | None] = {}
        self._bucket_of_parts: dict[tuple[str, ...], re.Pattern] = {}
        self._resolved: dict[tuple[str, str | None], GazetteerEntry | None] = {}

    @classmethod
    def from_entries(cls, entries: list[GazetteerEntry]) -> "Gazetteer":
        """Build from config entries; later entries with the same name replace earlier ones."""
        by_name: dict[str, GazetteerEntry] = {}
        for entry in entries:
            by_name[entry.name] = entry
        return cls(by_name.values())

    def _add(self, entry: GazetteerEntry) -> None:
        if entry.type not in ENTITY_TYPES:
            self._warnings.append(f"{entry.name}: unknown type {entry.type!r}, entry ignored")
            return
        self.entries.append(entry)
        self.by_name[entry.name] = entry
        for surface in (entry.name, *entry.aliases):
            key = normalize_surface(surface)
            if not key:
                continue
            bucket = self._by_key.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)

    # --- lookup -----------------------------------------------------------------------
    def candidates(self, surface: str) -> list[GazetteerEntry]:
        """Every entry that has ``surface`` as its name or an alias (canonical-name owners first)."""
        key = normalize_surface(surface)
        found = self._by_key.get(key)
        if found is None:
            self._ensure_scanner()
            found = self._by_squashed.get(_squashed(key), [])
        return sorted(found, key=lambda e: normalize_surface(e.name) != key)

    def resolve(self, surface: str, type: str | None = None) -> GazetteerEntry | None:
        """The entry ``surface`` names (of ``type`` if given), or None (memoised: entries never
        change after construction)."""
        key = (surface, type)
        try:
            return self._resolved[key]
        except KeyError:
            pass
        found = None
        for entry in self.candidates(surface):
            if type is None or entry.type == type:
                found = entry
                break
        if len(self._resolved) > 200_000:
            self._resolved.clear()
        self._resolved[key] = found
        return found

    def canonical(self, surface: str, type: str | None = None) -> str | None:
        """The canonical name for ``surface``, or None when unknown."""
        entry = self.resolve(surface, type)
        return entry.name if entry else None

    def conflicts(self) -> list[str]:
        """Human-readable warnings about aliases shared by different entities."""
        out = list(self._warnings)
        for key, bucket in sorted(self._by_key.items()):
            names = sorted({e.name for e in bucket})
            if len(names) > 1:
                out.append(f"alias {key!r} is used by {len(names)} entities: {', '.join(names)}")
        return out

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    # --- scanning -----------------------------------------------------------------------
    def _ensure_scanner(self) -> None:
        if self._scanner is not None:
            return
        squashed: dict[str, list[GazetteerEntry]] = {}
        for key, bucket in self._by_key.items():
            target = squashed.setdefault(_squashed(key), [])
            target.extend(e for e in bucket if e not in target)
        self._by_squashed = squashed
        keys = sorted(self._by_key, key=len, reverse=True)
        parts = [_SCAN_GAP.join(re.escape(word) for word in key.split(" ")) for key in keys]
        for key, part in zip(keys, parts):
            self._by_first.setdefault(key[0], []).append((re.compile(part, re.IGNORECASE), key))
        self._scan_parts = list(zip(keys, parts))
        firsts = sorted({key[0] for key in keys})
        self._first_char_re = re.compile("[" + "".join(re.escape(c) for c in firsts) + "]"
                                         if firsts else r"(?!x)x", re.IGNORECASE)
        pattern = "(?=(" + "|".join(parts) + "))" if parts else r"(?!x)x"
        self._scanner = re.compile(pattern, re.IGNORECASE)

    def scan(self, text: str) -> Iterator[GazetteerHit]:
        """Every start position where some surface occurs, with the longest surface there.

        Hits may overlap; the caller decides which to keep (see :meth:`surfaces_at`).
        """
        self._ensure_scanner()
        assert self._first_char_re is not None
        # Same hits as ``self._scanner.finditer`` (a lookahead alternation of every surface,
        # longest first), ten times faster: only positions whose character can start a
        # surface are tried, each with the alternation of just those surfaces (same order).
        bucket_at = self._bucket_at
        for first in self._first_char_re.finditer(text):
            start = first.start()
            char = text[start]
            bucket = bucket_at[char] if char in bucket_at else self._bucket(char)
            if bucket is None:
                continue
            end = -1
            if isinstance(bucket, tuple):  # plain surfaces: the longest one found there
                for length, surfaces in bucket:
                    if text[start:start + length] in surfaces:
                        end = start + length
                        break
            else:
                match = bucket.match(text, start)
                if match is not None:
                    end = match.end()
            if end <= start:
                continue
            key = normalize_surface(text[start:end])
            entries = self._by_key.get(key) or self._by_squashed.get(_squashed(key), [])
            if entries:
                yield GazetteerHit(start, end, key, tuple(entries))

    def _bucket(self, char: str) -> re.Pattern | tuple | None:
        """The alternation of the surfaces whose first character matches ``char`` (the regex
        engine's own case-insensitive test), longest first, as in the full scanner. When they
        are all plain (Hangul syllables and digits: no case, no gaps), ((length, surfaces), ...)
        longest first instead, which needs no regex compiled."""
        firsts = {key[0] for key, _ in self._scan_parts}
        if "가" <= char <= "힣":  # a Hangul syllable has no case: it matches only itself
            matching = {char} & firsts
        else:
            matching = {c for c in firsts if re.fullmatch(re.escape(c), char, re.IGNORECASE)}
        keys = [key for key, _ in self._scan_parts if key[0] in matching]
        parts = tuple(part for key, part in self._scan_parts if key[0] in matching)
        bucket: re.Pattern | tuple | None = None
        if keys and all(_PLAIN_RE.fullmatch(key) for key in keys):
            by_length: dict[int, set[str]] = {}
            for key in keys:
                by_length.setdefault(len(key), set()).add(key)
            bucket = tuple((n, frozenset(by_length[n])) for n in sorted(by_length, reverse=True))
        elif parts:
            bucket = self._bucket_of_parts.get(parts)
            if bucket is None:
                bucket = self._bucket_of_parts[parts] = re.compile("(?:" + "|".join(parts) + ")",
                                                                   re.IGNORECASE)
        self._bucket_at[char] = bucket
        return bucket

    def surfaces_at(self, text: str, start: int) -> list[GazetteerHit]:
        """All surfaces occurring at ``start``, longest first (for fallback after a boundary miss)."""
        self._ensure_scanner()
        out: list[GazetteerHit] = []
        if start >= len(text):
            return out
        for pattern, key in self._by_first.get(text[start].casefold(), ()):
            m = pattern.match(text, start)
            if m and m.end() > start:
                out.append(GazetteerHit(start, m.end(), key, tuple(self._by_key[key])))
        return sorted(out, key=lambda h: h.end - h.start, reverse=True)

    def kiwi_words(self) -> list[tuple[str, str]]:
        """(word, 'NNP') pairs of single-word Hangul names/aliases for Kiwi's user dictionary."""
        words = []
        for entry in self.entries:
            for surface in (entry.name, *entry.aliases):
                if " " not in surface and len(surface) >= 2 and _KIWI_WORD_RE.fullmatch(surface):
                    words.append((surface, "NNP"))
        return words
