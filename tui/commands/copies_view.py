"""Duplicate wire copies in command output: each story once, with "N copies" and the copies'
publishers; ``--all-copies`` lists every copy on its own line."""

from __future__ import annotations

import argparse
from typing import Any


def add_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--all-copies", action="store_true",
                   help="list every copy of a wire story (default: each story once, with its copies noted)")


def collapse(engine, rows: list, expand: bool) -> list[tuple[Any, list[tuple[str, str | None]]]]:
    """(row, [(id, publisher) of its other copies]) with each story once unless ``expand``."""
    copies = engine.copies()
    if expand:
        return [(r, copies.others(r.id)) for r in rows]
    by_id = {r.id: r for r in rows}
    return [(by_id[i], copies.others(i)) for i, _ in copies.collapse([r.id for r in rows])]


def note(row, others: list[tuple[str, str | None]]) -> str:
    """``2 copies: 한빛경제, 동해일보`` ('' for a story with no copies)."""
    if not others:
        return ""
    publishers = [row.publisher or "unknown"] + [p or "unknown" for _, p in others]
    return f"{len(others) + 1} copies: {', '.join(dict.fromkeys(publishers))}"


def as_json(others: list[tuple[str, str | None]]) -> list[dict]:
    return [{"id": i, "publisher": p} for i, p in others]
