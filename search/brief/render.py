"""Render a selection of articles as a Markdown brief (CommonMark + GitHub tables).

Order: YAML front matter; headline and overview; key facts (an extractive TextRank summary:
sentences copied verbatim from the articles, each attributed); a chronological timeline table;
entities by type with article counts; one section per article; the sources.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from briefing.search import __version__
from briefing.search.ingest.decode import strip_controls
from briefing.search.errors import BriefingError

TYPE_TITLES = {"company": "Companies", "person": "People", "place": "Places", "org": "Organisations"}
KEY_FACTS_MIN, KEY_FACTS_MAX = 3, 5


@dataclass
class BriefPlan:
    """What a brief will contain and where it will be written."""

    path: Path
    title: str
    article_ids: list[str]
    query: str | None = None
    includes: list[str] = field(default_factory=list)  # human-readable list for the export dialog
    auto_named: bool = False  # the name was chosen for the user: a clash gets a -2 suffix


# --- summary ---------------------------------------------------------------------------------


def _sentences(body: str) -> list[str]:
    from briefing.search.timeline.dates import sentence_spans

    out = []
    for s, e in sentence_spans(body):
        sentence = body[s:e].strip()
        # a sentence ends with a full stop (a headline or a list row does not)
        if len(sentence) >= 25 and re.search(r"[.!?][\"'”’)]*$", sentence):
            out.append(sentence)
    return out


def story_text(article) -> str:
    """The article's own story: its paragraphs without photo captions, credits and rows of a
    headline list (the key facts come from it)."""
    from briefing.search.ingest.furniture import is_outside_story

    captions = set(article.captions)
    return "\n\n".join(p for p in article.paragraphs if not is_outside_story(p, captions))


def key_sentences(body: str, n: int | None = None, analyser=None) -> list[str]:
    """The most informative sentences of ``body`` in their original order (TextRank over
    content morphemes, analysed by ``analyser``: the engine's; None: without gazetteer aliases);
    never rewritten, so each is a verbatim substring of ``body``."""
    from briefing.search.language.analysis import TextAnalyser

    analyze_terms = (analyser or TextAnalyser()).analyze_terms

    sentences = _sentences(body)
    if not sentences:
        return []
    n = n or max(KEY_FACTS_MIN, min(KEY_FACTS_MAX, round(len(sentences) / 5)))
    if len(sentences) <= n:
        return sentences
    bags = [set(analyze_terms(s, "query")) for s in sentences]
    size = len(sentences)
    weights = [[0.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            overlap = len(bags[i] & bags[j])
            if overlap and len(bags[i]) > 1 and len(bags[j]) > 1:
                w = overlap / (math.log(len(bags[i])) + math.log(len(bags[j])))
                weights[i][j] = weights[j][i] = w
    scores = [1.0] * size
    out_sum = [sum(row) or 1.0 for row in weights]
    for _ in range(50):
        new = [
            0.15 + 0.85 * sum(weights[j][i] / out_sum[j] * scores[j] for j in range(size))
            for i in range(size)
        ]
        if max(abs(a - b) for a, b in zip(new, scores)) < 1e-6:
            scores = new
            break
        scores = new
    # a small lead bonus: news puts the essentials first
    ranked = sorted(range(size), key=lambda i: -(scores[i] * (1.0 + 0.3 / (1 + i))))
    return [sentences[i] for i in sorted(ranked[:n])]


# --- planning --------------------------------------------------------------------------------


def _slug(text: str, limit: int = 50) -> str:
    slug = re.sub(r"[^\w가-힣]+", "-", text, flags=re.UNICODE).strip("-_").lower()
    return slug[:limit].rstrip("-") or "brief"


def _headline(engine, ids: list[str], query: str | None) -> str:
    if query:
        return f"Brief: {query}"
    if len(ids) == 1:
        return engine.article(ids[0]).title
    top = [e.name for e in engine.facets(ids).get("company", []) if e.count > 1][:3]
    return f"Brief: {', '.join(top)}" if top else f"Brief on {len(ids)} articles"


def plan_brief(engine, ids: list[str], *, query: str | None = None, folder: Path | None = None,
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


# --- rendering -------------------------------------------------------------------------------

_INLINE_ESCAPE = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    """Escape Markdown metacharacters (and so raw HTML) in running text; no control characters."""
    return _INLINE_ESCAPE.sub(r"\\\1", strip_controls(text.replace("\n", " ")))


def _md_id(text: str) -> str:
    """An id or date as is when it is letters, digits and ``-_.`` only (the usual case), else escaped."""
    return text if re.fullmatch(r"[\w.\-]*", text) else _md(text)


def _date_text(d: date | None) -> str:
    return d.isoformat() if d else "unknown"


def render_brief(engine, plan: BriefPlan, *, created: datetime | None = None) -> str:
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

    out += ["## Key facts", ""]
    for a in articles:
        sentences = key_sentences(story_text(a), analyser=engine.index.analyser)
        if not sentences:
            continue
        out += [f"### {_md(a.title)}", ""]
        out += [f"- {_md(s)} ({_md_id(a.id)})" for s in sentences]
        out.append("")

    out += ["## Timeline", ""]
    events = [e for e in engine.events(plan.article_ids) if e.value]
    if events:
        out += ["| Date | Event | Source |", "| --- | --- | --- |"]
        for e in events:
            out.append(f"| {_md_id(e.value)} | {_md(e.text)} | {_md_id(e.article_id)} |")
    else:
        out.append("No dated events.")
    out.append("")

    out += ["## Entities", ""]
    for etype, heading in TYPE_TITLES.items():
        items = facets.get(etype, [])
        if not items:
            continue
        out += [f"### {heading}", "", "| Name | Articles |", "| --- | ---: |"]
        out += [f"| {_md(e.name)} | {e.count} |" for e in items]
        out.append("")

    out += ["## Articles", ""]
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

    out += ["## Sources", ""]
    for n, a in enumerate(articles, 1):
        where = a.url or a.source_path
        out.append(
            f"{n}. {_md(a.title)}, {_md(a.publisher or 'publisher unknown')}, "
            f"{_date_text(a.published.value)}. {_md(where)}"
        )
    out.append("")
    return "\n".join(out)


def _overview(articles, facets) -> str:
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


def write_brief(engine, plan: BriefPlan, *, overwrite: bool = False) -> Path:
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
