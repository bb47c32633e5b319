"""Render a planned brief as Markdown (CommonMark + GitHub tables) and write it safely.

Order: YAML front matter; headline and overview; key facts (an extractive TextRank summary:
sentences copied verbatim from the articles, each attributed); a chronological timeline table;
entities by type with article counts; one section per article; the sources.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import yaml

from briefing.search import __version__
from briefing.search.brief.key_facts import key_sentences, story_text
from briefing.search.brief.plan import BriefPlan
from briefing.search.ingest.decode import strip_controls
from briefing.search.errors import BriefingError
from briefing.search.model import Article

if TYPE_CHECKING:
    from briefing.search.engine import Engine, EntityCount
    from briefing.search.language.analysis import TextAnalyser
    from briefing.search.timeline.events import Event

Facets = dict[str, list["EntityCount"]]  # entity type -> names with their article counts

TYPE_TITLES = {"company": "Companies", "person": "People", "place": "Places", "org": "Organisations"}

_INLINE_ESCAPE = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    """Escape Markdown metacharacters (and so raw HTML) in running text; no control characters."""
    return _INLINE_ESCAPE.sub(r"\\\1", strip_controls(text.replace("\n", " ")))


def _md_id(text: str) -> str:
    """An id or date as is when it is letters, digits and ``-_.`` only (the usual case), else escaped."""
    return text if re.fullmatch(r"[\w.\-]*", text) else _md(text)


def _date_text(d: date | None) -> str:
    return d.isoformat() if d else "unknown"


def render_brief(engine: Engine, plan: BriefPlan, *, created: datetime | None = None) -> str:
    """The brief as Markdown text."""
    created = created or datetime.now().replace(microsecond=0)
    articles = [engine.article(i) for i in plan.article_ids]
    facets = engine.facets(plan.article_ids)
    front = {
        "title": plan.title,
        "created": created.isoformat(),
        "query": plan.query,
        "articles": plan.article_ids,
        "tool": f"briefing {__version__}",
    }
    out: list[str] = ["---", yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip(), "---", ""]
    out += [f"# {_md(plan.title)}", "", _overview(articles, facets), ""]
    out += _key_facts_section(articles, engine.index.analyser)
    out += _timeline_section([e for e in engine.events(plan.article_ids) if e.value])
    out += _entities_section(facets)
    out += _articles_section(engine, articles)
    out += _sources_section(articles)
    return "\n".join(out)


def _key_facts_section(articles: list[Article], analyser: TextAnalyser) -> list[str]:
    out = ["## Key facts", ""]
    for a in articles:
        sentences = key_sentences(story_text(a), analyser=analyser)
        if not sentences:
            continue
        out += [f"### {_md(a.title)}", ""]
        out += [f"- {_md(s)} ({_md_id(a.id)})" for s in sentences]
        out.append("")
    return out


def _timeline_section(events: Sequence[Event]) -> list[str]:
    out = ["## Timeline", ""]
    if events:
        out += ["| Date | Event | Source |", "| --- | --- | --- |"]
        for e in events:
            out.append(f"| {_md_id(e.value or '')} | {_md(e.text)} | {_md_id(e.article_id)} |")
    else:
        out.append("No dated events.")
    out.append("")
    return out


def _entities_section(facets: Facets) -> list[str]:
    out = ["## Entities", ""]
    for etype, heading in TYPE_TITLES.items():
        items = facets.get(etype, [])
        if not items:
            continue
        out += [f"### {heading}", "", "| Name | Articles |", "| --- | ---: |"]
        out += [f"| {_md(e.name)} | {e.count} |" for e in items]
        out.append("")
    return out


def _articles_section(engine: Engine, articles: list[Article]) -> list[str]:
    out = ["## Articles", ""]
    for n, a in enumerate(articles, 1):
        out += [f"### {n}. {_md(a.title)}", ""]
        out.append(f"- Id: {_md_id(a.id)}")
        out.append(f"- Publisher: {_md(a.publisher or 'unknown')}")
        conf = f" (confidence {a.published.confidence:.2f})" if a.published.value else ""
        out.append(f"- Date: {_date_text(a.published.value)}{conf}")
        out.append(f"- Byline: {_md(', '.join(a.byline) or 'none')}")
        if a.credits:
            out.append(f"- Photos: {_md(', '.join(a.credits))}")
        out.append(f"- Source: {_md(a.url or a.source_path)}")
        others = engine.copies().others(a.id)  # the same wire story elsewhere
        if others:
            out.append("- Also carried by: " + ", ".join(f"{_md(p or 'unknown publisher')} ({i})" for i, p in others))
        related = engine.related(a.id, limit=5)
        if related:
            out.append("- Related:")
            out += [f"  - {_md_id(r.id)}: {_md(r.title)} (shares {_md(', '.join(r.shared))})" for r in related]
        out.append("")
    return out


def _sources_section(articles: list[Article]) -> list[str]:
    out = ["## Sources", ""]
    for n, a in enumerate(articles, 1):
        where = a.url or a.source_path
        out.append(
            f"{n}. {_md(a.title)}, {_md(a.publisher or 'publisher unknown')}, "
            f"{_date_text(a.published.value)}. {_md(where)}"
        )
    out.append("")
    return out


def _overview(articles: list[Article], facets: Facets) -> str:
    dates = sorted(a.published.value for a in articles if a.published.value)
    unknown = sum(1 for a in articles if not a.published.value)
    if dates:
        span = dates[0].isoformat() if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
        span = f"published {span}" + (f" ({unknown} undated)" if unknown else "")
    else:
        span = "with no known publication date"
    publishers = sorted({a.publisher for a in articles if a.publisher})
    unstated = sum(1 for a in articles if not a.publisher)
    parts = [f"{len(articles)} article(s) {span}"]
    if publishers:
        parts.append(f"from {', '.join(publishers)}" + (f" ({unstated} with no stated publisher)" if unstated else ""))
    else:
        parts.append("with no stated publisher")
    text = " ".join(parts) + "."
    threshold = 2 if len(articles) > 1 else 1
    for etype, label in (("company", "Recurring companies"), ("person", "Recurring people")):
        names = [f"{e.name} ({e.count})" for e in facets.get(etype, []) if e.count >= threshold][:8]
        if names:
            text += f" {label}: {', '.join(names)}."
    return _md(text)


def target_path(plan: BriefPlan) -> Path:
    """The file :func:`write_brief` will write now: a default name that is taken gets the first
    free -2, -3 ... suffix; a name the user chose is kept (and refused if it exists)."""
    path = plan.path
    if plan.auto_named:
        stem, n = path.stem, 2
        while path.exists():
            path = path.with_name(f"{stem}-{n}{path.suffix}")
            n += 1
    return path


def write_brief(engine: Engine, plan: BriefPlan, *, overwrite: bool = False) -> Path:
    """Write the brief; an existing file is never replaced unless ``overwrite`` (a default-named
    brief gets a -2, -3 ... suffix instead). Raises BriefingError when it cannot write."""
    text = render_brief(engine, plan)
    path = plan.path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BriefingError(f"cannot create the folder {path.parent}: {exc.strerror or exc}") from None
    if path.exists() and not overwrite:
        if plan.auto_named:
            path = target_path(plan)
        else:
            raise BriefingError(f"{path} exists; choose another name or use --force to replace it")
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the file appeared meanwhile: never overwrites
            tmp.unlink()
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise BriefingError(f"{path} appeared while writing; nothing was overwritten") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BriefingError(f"cannot write {path}: {exc.strerror or exc}") from None
    plan.path = path
    return path
