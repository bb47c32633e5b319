"""The query language's syntax: a query text read into items (words, phrases, field:value, OR,
multi-word aliases) without any analysis or Whoosh; :mod:`briefing.search.index.query` turns
them into a Whoosh query. Anything malformed raises :class:`briefing.search.errors.QueryError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.search.errors import QueryError

ENTITY_FIELDS = ("company", "person", "place", "org")
FIELDS = (*ENTITY_FIELDS, "publisher", "title", "body", "byline", "date")
_FIELD_PREFIX = re.compile(r"^([A-Za-z_]+):(.*)$", re.S)


@dataclass
class QueryItem:
    kind: str  # word | phrase | field | alias | or
    text: str = ""
    field: str | None = None
    negated: bool = False
    canonical: str | None = None
    start: int = 0  # where the word is in the (normalised) query
    optional: bool = False  # a word of a bracketed kicker ([단독], [산업 핫이슈])
    end: int = 0  # end of a field or OR item in the query


def _read_quoted(s: str, i: int) -> tuple[str, int]:
    """Text between the quote at ``s[i]`` and the closing quote; index after it."""
    end = s.find('"', i + 1)
    if end < 0:
        raise QueryError(
            f'unbalanced quote in {s[i:i + 30]!r}: close the phrase, e.g. "AI 수출 프로그램"'
        )
    return s[i + 1 : end], end + 1


def _read_word(s: str, i: int) -> tuple[str, int]:
    j = i
    while j < len(s) and not s[j].isspace() and s[j] != '"':
        j += 1
    return s[i:j], j


_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\uff02": '"', "\u201e": '"'})
_LOOSE_QUOTES = str.maketrans({"\u201c": " ", "\u201d": " ", "\uff02": " ", "\u201e": " "})


_KICKER = re.compile(r"\[[^\[\]]*\]|【[^【】]*】")


def lex(s: str, multiword_aliases: dict[str, str]) -> list[QueryItem]:
    quoted = s.translate(_QUOTES)  # “typographic” quotes pasted from articles work as phrases
    if quoted.count('"') % 2 and quoted.count('"') != s.count('"'):
        quoted = s.translate(_LOOSE_QUOTES)  # unbalanced ones in a pasted headline are punctuation
    s = quoted
    kickers = [m.span() for m in _KICKER.finditer(s)]
    items: list[QueryItem] = []
    i = 0
    while i < len(s):
        if s[i].isspace():
            i += 1
            continue
        negated = False
        if s[i] == "-":
            negated = True
            i += 1
            if i >= len(s) or s[i].isspace() or s[i] == "-":
                raise QueryError("a lone '-' excludes nothing: put the word right after it, e.g. 반도체 -삼성전자")
        if s[i] == '"':
            text, i = _read_quoted(s, i)
            if not text.strip():
                raise QueryError('empty phrase "": put words between the quotes, e.g. "AI 수출 프로그램"')
            items.append(QueryItem("phrase", text, negated=negated, start=i - len(text) - 1))
            continue
        start = i
        word, i = _read_word(s, i)
        m = _FIELD_PREFIX.match(word)
        if m and not m.group(2).startswith("//"):  # a URL is a word, not a field
            name, value = m.group(1).lower(), m.group(2)
            if name not in FIELDS:
                raise QueryError(
                    f"unknown field '{name}:' — fields are: {', '.join(f + ':' for f in FIELDS)}"
                )
            if not value and i < len(s) and s[i] == '"':
                value, i = _read_quoted(s, i)
            if not value.strip():
                example = "date:2025-02" if name == "date" else f"{name}:소프트뱅크" if name in ENTITY_FIELDS else f'{name}:"..."'
                raise QueryError(f"'{name}:' needs a value right after the colon, e.g. {example}")
            items.append(QueryItem("field", value.strip(), field=name, negated=negated, start=start, end=i))
            continue
        if word == "OR" and not negated:
            items.append(QueryItem("or", start=start, end=i))
            continue
        if word == "OR":
            raise QueryError("'-OR' is not valid: OR joins two words, e.g. 소프트뱅크 OR 오픈AI")
        optional = any(ks <= start and i <= ke for ks, ke in kickers)
        items.append(QueryItem("word", word, negated=negated, start=start, optional=optional))
    return _merge_multiword_aliases(items, multiword_aliases)


def _merge_multiword_aliases(items: list[QueryItem], aliases: dict[str, str]) -> list[QueryItem]:
    """Replace runs of plain words spelling a multi-word alias (lowercased text -> canonical
    name) by one alias item."""
    if not aliases:
        return items
    by_words = {tuple(k.split()): v for k, v in aliases.items()}
    longest = max(len(k) for k in by_words)
    out: list[QueryItem] = []
    i = 0
    while i < len(items):
        matched = False
        for n in range(min(longest, len(items) - i), 1, -1):
            run = items[i : i + n]
            if not all(it.kind == "word" and not it.negated for it in run):
                continue
            canonical = by_words.get(tuple(it.text.lower() for it in run))
            if canonical:
                out.append(QueryItem("alias", " ".join(it.text for it in run), canonical=canonical))
                i += n
                matched = True
                break
        if not matched:
            out.append(items[i])
            i += 1
    return out


def group_or(items: list[QueryItem]) -> list[list[QueryItem]]:
    """Split the item stream into AND-ed units; ``a OR b`` makes one unit of several items."""
    units: list[list[QueryItem]] = []
    pending_or = False
    for n, it in enumerate(items):
        if it.kind == "or":
            if not units or pending_or:
                raise QueryError("OR needs a word on both sides, e.g. 소프트뱅크 OR 오픈AI")
            pending_or = True
            continue
        if pending_or:
            if it.negated or any(x.negated for x in units[-1]):
                raise QueryError("-word cannot be part of an OR: write 'a OR b -c' to exclude c")
            units[-1].append(it)
            pending_or = False
        else:
            units.append([it])
    if pending_or:
        raise QueryError("OR needs a word on both sides, e.g. 소프트뱅크 OR 오픈AI")
    return units


def words_of(phrase: QueryItem) -> list[QueryItem]:
    """The whitespace-separated words of a phrase item, as word items (cached on the item)."""
    got = getattr(phrase, "_words", None)
    if got is None:
        got = [QueryItem("word", m.group(), start=phrase.start + m.start())
               for m in re.finditer(r"\S+", phrase.text)]
        phrase._words = got  # type: ignore[attr-defined]
    return got
