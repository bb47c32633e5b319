"""Terminal-cell-width text fitting: Korean (double-width) characters are never cut in half."""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size

ELLIPSIS = "…"


def fit(text: str, width: int, *, pad: bool = True) -> str:
    """Return ``text`` cut to at most ``width`` cells (with an ellipsis if cut), padded if ``pad``.

    A double-width character that would straddle the limit is dropped whole, and the row is padded
    with a space instead, so the result is always exactly ``width`` cells when ``pad`` is true.
    """
    if width <= 0:
        return ""
    text = " ".join(text.split())  # newlines and tabs would break a row
    if cell_len(text) > width:
        text = _cut(text, width - cell_len(ELLIPSIS)).rstrip() + ELLIPSIS
    if pad:
        text += " " * (width - cell_len(text))
    return text


def _cut(text: str, width: int) -> str:
    """The longest prefix of ``text`` that fits in ``width`` cells (whole characters only)."""
    used = 0
    for i, char in enumerate(text):
        used += get_character_cell_size(char)
        if used > width:
            return text[:i]
    return text


def row_width(widget, minimum: int) -> int:
    """Cells available for one row of a scrolling list, whether or not its scrollbar shows.

    Reserving the scrollbar always keeps the rows the same when the scrollbar comes and goes.
    """
    return max(widget.content_region.width - widget.styles.scrollbar_size_vertical - 1, minimum)


def plural(n: int, noun: str) -> str:
    """``1 article``, ``2 articles``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
