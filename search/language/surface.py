"""Analysis of a text's characters alone (no Kiwi): character bigrams and title keys."""

from __future__ import annotations

import re

from briefing.search.language.normalize import normalize

# Character n-grams (the "grams" field): Lucene's CJK bigram idea beside the morphemes. Runs
# of Hangul syllables, kana and Han characters give their overlapping bigrams, a run of one
# character that character, so a word Kiwi splits one way alone and another way in a sentence
# is still found by its characters.
_GRAM_RUN = re.compile(r"[\uac00-\ud7a3\u3041-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def gram_terms(text: str) -> list[str]:
    """The character bigrams (unigram for a one-character run) of ``text``, normalised."""
    out: list[str] = []
    for m in _GRAM_RUN.finditer(normalize(text).text):
        run = m.group()
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


# A kicker: a bracketed label before or after a headline ([단독], 【속보】, [산업 핫이슈], <인터뷰>).
_KICKER_HEAD = re.compile(r"^\s*(?:\[[^\]]*\]|【[^】]*】|〈[^〉]*〉|<[^>]*>|\([^)]*\))\s*")
_KICKER_TAIL = re.compile(r"\s*(?:\[[^\]]*\]|【[^】]*】)\s*$")


def strip_kickers(title: str) -> str:
    """``title`` without bracketed kickers at its start and end."""
    core = title
    while True:
        stripped = _KICKER_TAIL.sub("", _KICKER_HEAD.sub("", core, count=1), count=1)
        if stripped == core or not stripped.strip():
            return core
        core = stripped


def _letters(text: str) -> str:
    return "".join(ch for ch in normalize(text).text.lower() if ch.isalnum())


def title_keys(title: str) -> tuple[str, str]:
    """(whole, core): the letters and digits of a title, and of the title without kickers;
    the same headline with other punctuation or spacing gives the same keys."""
    return _letters(title), _letters(strip_kickers(title))

