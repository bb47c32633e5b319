"""Plan a brief: its title, its file name and the articles it cites (one copy per wire story);
nothing is written here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.search.errors import BriefingError

if TYPE_CHECKING:
    from briefing.search.engine import Engine


@dataclass
class BriefPlan:
    """What a brief will contain and where it will be written."""

    path: Path
    title: str
    article_ids: list[str]
    query: str | None = None
    includes: list[str] = field(default_factory=list)  # human-readable list for the export dialog
    auto_named: bool = False  # the name was chosen for the user: a clash gets a -2 suffix


def _slug(text: str, limit: int = 50) -> str:
    slug = re.sub(r"[^\w가-힣]+", "-", text, flags=re.UNICODE).strip("-_").lower()
    return slug[:limit].rstrip("-") or "brief"


def _headline(engine: Engine, ids: list[str], query: str | None) -> str:
    if query:
        return f"Brief: {query}"
    if len(ids) == 1:
        return engine.article(ids[0]).title
    top = [e.name for e in engine.facets(ids).get("company", []) if e.count > 1][:3]
    return f"Brief: {', '.join(top)}" if top else f"Brief on {len(ids)} articles"


def plan_brief(engine: Engine, ids: list[str], *, query: str | None = None, folder: Path | None = None,
               output: Path | None = None, today: date | None = None) -> BriefPlan:
    """Decide the title, the file and the contents of a brief (nothing is written)."""
    if not ids:
        raise BriefingError("nothing to export: mark articles or open one first")
    ids = engine.copies().cite(list(dict.fromkeys(ids)))  # one copy per wire story (search/feeds/copies.py)
    title = _headline(engine, ids, query)
    auto_named = output is None
    if output is None:
        folder = Path(folder if folder is not None else engine.config.export_folder)
        output = folder / f"{(today or date.today()).isoformat()}-{_slug(title)}.md"
    includes = [
        f"{len(ids)} article(s): " + ", ".join(ids[:6]) + (" …" if len(ids) > 6 else ""),
        "overview, key facts (3-5 sentences per article), timeline, entities, sources",
    ]
    return BriefPlan(Path(output), title, ids, query, includes, auto_named)
