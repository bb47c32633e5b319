"""Ingest source files into :class:`~search.models.Article` objects.

Kinds: raw page text (``.txt``), Markdown (``.md``), HTML (``.html``/``.htm``, extracted with
trafilatura) and JSON Lines (``.jsonl``: one article per line with title/body/published/url/
publisher). A file that cannot be read gives a :class:`Skipped` with the reason; it never stops
the run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

import yaml

from .decode import Undecodable, decode_bytes
from .models import Article, PublishedDate
from .page import (
    PageParts,
    add_left_out,
    extract_page,
    normalize_line,
    restore_story_paragraphs,
)
from .pubdate import html_published, parse_iso_like, read_html_evidence
from .publishers import KNOWN_OUTLETS

# Bump when extraction changes: stored articles with another version are re-ingested.
EXTRACTOR_VERSION = 2

KIND_BY_SUFFIX = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl",
}


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class SourceFile:
    """A file found in the corpus, with what is needed to tell if it changed."""

    path: Path
    size: int
    mtime_ns: int


def discover(paths: Iterable[Path], extensions: Iterable[str]) -> tuple[list[SourceFile], list[Skipped]]:
    """Files under ``paths`` (files or folders, recursively) with an accepted extension."""
    exts = {e.lower() for e in extensions}
    found: dict[Path, SourceFile] = {}
    skipped: list[Skipped] = []

    def add(p: Path) -> None:
        try:
            st = p.stat()
        except OSError as exc:
            skipped.append(Skipped(str(p), f"cannot read: {exc.strerror or exc}"))
            return
        found[p.resolve()] = SourceFile(p.resolve(), st.st_size, st.st_mtime_ns)

    for root in paths:
        root = Path(root).expanduser()
        if root.is_file():
            add(root)
        elif root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    p = Path(dirpath) / name
                    if not name.startswith(".") and p.suffix.lower() in exts:
                        add(p)
        else:
            skipped.append(Skipped(str(root), "no such file or folder"))
    return sorted(found.values(), key=lambda s: str(s.path)), skipped


def content_hash(data: bytes) -> str:
    """Hash of a file's bytes plus the extractor version."""
    return hashlib.sha256(data + f"\0v{EXTRACTOR_VERSION}".encode()).hexdigest()[:20]


def _article(parts: PageParts, *, id: str, path: Path, digest: str, kind: str,
             url: str | None = None, warnings: list[str] | None = None) -> Article:
    return Article(
        id=id, title=parts.title or path.stem, paragraphs=parts.paragraphs,
        source_path=str(path), content_hash=digest, publisher=parts.publisher,
        published=parts.published, byline=parts.byline, url=url, kind=kind,
        warnings=list(warnings or []),
        removed=[{"line": line, "reason": reason} for line, reason in parts.dropped],
        credits=list(parts.credits), captions=list(parts.captions),
    )


def _split_front_matter(text: str) -> tuple[dict, str]:
    if text.startswith("---"):
        end = re.search(r"^(---|\.\.\.)\s*$", text[3:], re.M)
        if end:
            try:
                meta = yaml.safe_load(text[3: 3 + end.start()]) or {}
            except yaml.YAMLError:
                meta = {}
            if isinstance(meta, dict):
                return meta, text[3 + end.end():]
    return {}, text


def _metadata_overrides(parts: PageParts, meta: dict, source: str) -> None:
    """Fill title/publisher/byline/date from explicit metadata (front matter, JSON, HTML)."""
    if meta.get("title"):
        parts.title = normalize_line(str(meta["title"]))
    if meta.get("publisher") or meta.get("sitename"):
        parts.publisher = normalize_line(str(meta.get("publisher") or meta.get("sitename")))
    author = meta.get("byline") or meta.get("author") or meta.get("authors")
    if author:
        names = author if isinstance(author, list) else re.split(r"[;,/]| and ", str(author))
        parts.byline = [normalize_line(str(n)) for n in names if str(n).strip()]
    raw_date = meta.get("published") or meta.get("date")
    if raw_date:
        d = raw_date if isinstance(raw_date, date) else parse_iso_like(str(raw_date))
        if d:
            parts.published = PublishedDate(d, 0.95, f"{source} field published={raw_date}", source)


def _markdown_to_text(text: str) -> str:
    """Markdown to page-like text: one paragraph per line, markup removed."""
    blocks = re.split(r"\n\s*\n", text)
    out = []
    for block in blocks:
        block = re.sub(r"^#{1,6}\s*", "", block.strip(), flags=re.M)
        block = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", block)
        block = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", block)
        block = re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", block)
        block = re.sub(r"^>\s?", "", block, flags=re.M)
        lines = [l.strip() for l in block.splitlines() if l.strip()]
        if lines and all(re.match(r"^([-*+]|\d+\.)\s", l) for l in lines):
            out.extend(lines)
        elif lines:
            out.append(" ".join(lines))
    return "\n\n".join(out)


def _html_to_parts(html: str, name: str, today: date | None,
                   outlets: tuple[str, ...]) -> tuple[PageParts, str | None]:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        favor_precision=True,
    )
    if doc is None:
        raise Undecodable("no article text found in the HTML")
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    found = read_html_evidence(html)
    title = meta.get("title") or ""
    body, left_out = restore_story_paragraphs(found.lines, meta.get("text") or "", title)
    parts = extract_page(body, name=name, today=today, outlets=outlets, title=title or None)
    add_left_out(parts, left_out)
    _metadata_overrides(parts, {k: meta.get(k) for k in ("title", "sitename", "author")}, "html")
    # the date from the page's own evidence, never trafilatura's guess (a copyright year -> 1 January)
    parts.published = html_published(found, parts.published, meta.get("url"), body)
    return parts, meta.get("url")


def ingest_file(path: Path | str, *, today: date | None = None, max_bytes: int | None = None,
                id: str | None = None, outlets: tuple[str, ...] = KNOWN_OUTLETS) -> list[Article]:
    """Read one file and return its articles (JSON Lines files may hold many).

    Raises :class:`Undecodable` (or OSError) for a file that cannot be used; the caller turns
    that into a :class:`Skipped` warning.
    """
    path = Path(path)
    kind = KIND_BY_SUFFIX.get(path.suffix.lower(), "text")
    if max_bytes is not None:
        size = path.stat().st_size
        if size > max_bytes:
            raise Undecodable(
                f"{size / 2**20:.1f} MB is over the limit of {max_bytes / 2**20:g} MB (corpus.max_file_mb)"
            )
    data = path.read_bytes()
    decoded = decode_bytes(data)
    digest = content_hash(data)
    text, warnings, article_id = decoded.text, list(decoded.notes), id or path.stem
    if not text.strip():
        raise Undecodable("empty file")
    if kind == "jsonl":
        articles = list(_jsonl_articles(text, path, digest, today, warnings, outlets))
        if not articles:
            raise Undecodable("no article in the JSON Lines file: " + "; ".join(warnings[:3]))
        articles[0].warnings = warnings  # file-level warnings, reported once
        return articles
    url = None
    if kind == "html":
        parts, url = _html_to_parts(text, path.name, today, outlets)
    elif kind == "markdown":
        meta, rest = _split_front_matter(text)
        parts = extract_page(_markdown_to_text(rest), name=path.name, today=today, outlets=outlets,
                             title=str(meta["title"]) if meta.get("title") else None)
        _metadata_overrides(parts, meta, "front matter")
        url = meta.get("url")
    else:
        parts = extract_page(text, name=path.name, today=today, outlets=outlets)
    if not parts.paragraphs and not parts.title:
        raise Undecodable("no article text found")
    return [_article(parts, id=article_id, path=path, digest=digest, kind=kind, url=url, warnings=warnings)]


def _jsonl_articles(text: str, path: Path, digest: str, today: date | None,
                    warnings: list[str], outlets: tuple[str, ...]) -> Iterator[Article]:
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            warnings.append(f"line {lineno}: not JSON ({exc.msg}); skipped")
            continue
        if not isinstance(rec, dict) or not (rec.get("body") or rec.get("title")):
            warnings.append(f"line {lineno}: no title or body; skipped")
            continue
        body = str(rec.get("body") or "")
        title = normalize_line(str(rec.get("title") or ""))
        parts = extract_page(body, name=path.name, today=today, outlets=outlets, title=title or None)
        _metadata_overrides(parts, rec, "jsonl")
        rec_id = str(rec.get("id") or f"{path.stem}-{lineno}")
        line_hash = hashlib.sha256(f"{digest}:{line}".encode()).hexdigest()[:20]
        yield _article(parts, id=rec_id, path=path, digest=line_hash, kind="jsonl", url=rec.get("url"))


def known_outlets(gazetteer_media: Iterable[str] = ()) -> tuple[str, ...]:
    """The built-in outlet list plus the gazetteer's media entries."""
    return tuple(dict.fromkeys([*KNOWN_OUTLETS, *gazetteer_media]))
