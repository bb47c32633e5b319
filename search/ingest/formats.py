"""File formats: the articles in a source file's decoded text.

Formats: raw page text (``.txt``), Markdown with optional YAML front matter (``.md``), HTML
(``.html``/``.htm``, extracted with trafilatura) and JSON Lines (``.jsonl``: one article per
line with title/body/published/url/publisher). Explicit metadata (front matter, JSON fields,
HTML metadata) overrides what the page text suggests; an HTML extractor's text is checked
against the page's visible lines (a story paragraph it left out is put back). Reading files is
:mod:`sources`' job.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

import yaml

from briefing.search.ingest.decode import Undecodable, strip_controls
from briefing.search.ingest import furniture as fx
from briefing.search.ingest.page import COPYRIGHT_NAME_RE, PageParts, compact, extract_page, normalize_line
from briefing.search.ingest.pubdate import (
    header_date,
    html_published,
    labelled_date,
    parse_iso_like,
    read_html_evidence,
)
from briefing.search.model import Article, PublishedDate

KIND_BY_SUFFIX = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl",
}


@dataclass(frozen=True)
class Origin:
    """The source file a text was read from, as its articles record it."""

    path: Path  # the real path: its name is the date fallback, its stem the JSON Lines id prefix
    shown: str  # the path as text (sources.display_path)
    shown_stem: str  # the file name without its suffix, as text: the title of a page without one
    digest: str  # the content hash of the file's bytes
    id: str  # the article id of a one-article file


def file_articles(text: str, kind: str, origin: Origin, *, today: date | None, outlets: tuple[str, ...],
                  warnings: list[str]) -> list[Article]:
    """The articles in the decoded ``text`` of a file of format ``kind`` (JSON Lines files may
    hold many); ``warnings`` gets what was repaired or ignored. Raises :class:`Undecodable`
    when there is no article."""
    if kind == "jsonl":
        articles = list(_jsonl_articles(text, origin, today, warnings, outlets))
        if not articles:
            raise Undecodable("no article in the JSON Lines file: " + "; ".join(warnings[:3]))
        articles[0].warnings = warnings  # file-level warnings, reported once
        return articles
    url = None
    name = origin.path.name
    if kind == "html":
        parts, url = _html_to_parts(text, name, today, outlets)
    elif kind == "markdown":
        meta, rest = _split_front_matter(text, warnings)
        parts = extract_page(_markdown_to_text(rest), name=name, today=today, outlets=outlets,
                             title=_text_field(meta, "title"))
        _metadata_overrides(parts, meta, "front matter", warnings)
        url = meta.get("url") if isinstance(meta.get("url"), str) else None
    else:
        parts = extract_page(text, name=name, today=today, outlets=outlets)
    if not parts.paragraphs and not parts.title:
        raise Undecodable("no article text found")
    return [_article(parts, id=origin.id, origin=origin, digest=origin.digest, kind=kind,
                     url=url if isinstance(url, str) else None, warnings=warnings)]


def _article(parts: PageParts, *, id: str, origin: Origin, digest: str, kind: str,
             url: str | None = None, warnings: list[str] | None = None) -> Article:
    return Article(
        id=id, title=parts.title or strip_controls(origin.shown_stem), paragraphs=parts.paragraphs,
        source_path=origin.shown, content_hash=digest, publisher=parts.publisher,
        published=parts.published, byline=parts.byline, url=url, kind=kind,
        warnings=list(warnings or []),
        removed=[{"line": line, "reason": reason} for line, reason in parts.dropped],
        credits=list(parts.credits), captions=list(parts.captions),
    )


# --- front matter and other metadata --------------------------------------------------------------


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader without aliases (an alias bomb of a few hundred bytes would expand to
    gigabytes) and without the implicit timestamp type (dates are parsed by pubdate)."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:  # PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases are not allowed in front matter",
                                              event.start_mark)
        return super().compose_node(parent, index)


_FrontMatterLoader.yaml_implicit_resolvers = {
    k: [(tag, regexp) for tag, regexp in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_MAX_FRONT_MATTER = 64 * 1024  # characters


def _split_front_matter(text: str, warnings: list[str] | None = None) -> tuple[dict, str]:
    """Front matter fields (scalars only; lists of scalars for authors) and the rest."""
    if text.startswith("---"):
        end = re.search(r"^(---|\.\.\.)\s*$", text[3:], re.M)
        if end:
            block = text[3: 3 + end.start()]
            rest = text[3 + end.end():]
            if len(block) > _MAX_FRONT_MATTER:
                _warn(warnings, f"front matter over {_MAX_FRONT_MATTER // 1024} KB ignored")
                return {}, rest
            try:
                meta = yaml.load(block, Loader=_FrontMatterLoader) or {}
            except yaml.YAMLError as exc:
                _warn(warnings, f"front matter ignored ({getattr(exc, 'problem', None) or 'invalid YAML'})")
                return {}, rest
            if isinstance(meta, dict):
                return _scalar_fields(meta, warnings), rest
    return {}, text


def _valid_text(value: object) -> object:
    """Strings (and lists of them) without lone surrogates (JSON ``"\\udcff"`` escapes), which
    no store or terminal can take: each becomes U+FFFD. Other values as they are."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list):
        return [_valid_text(v) for v in value]
    return value


def _scalar_fields(meta: dict, warnings: list[str] | None) -> dict:
    """Keep string-keyed scalar fields (and lists of scalars); warn about the rest."""
    out: dict[str, object] = {}
    meta = {k: _valid_text(v) for k, v in meta.items()}
    for key, value in meta.items():
        if not isinstance(key, str):
            continue
        if isinstance(value, (str, int, float, bool, date)) or value is None:
            out[key] = value
        elif isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
            out[key] = [str(v) for v in value]
        else:
            _warn(warnings, f"field {key!r} ignored (expected text, got {type(value).__name__})")
    return out


def _warn(warnings: list[str] | None, text: str) -> None:
    if warnings is not None:
        warnings.append(text)


def _text_field(meta: dict, *keys: str) -> str | None:
    """The first of ``keys`` that holds text (numbers are taken as text; lists, objects not)."""
    for key in keys:
        value = meta.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (str, int, float)):
            text = str(value).strip()
            if text:
                return text
    return None


def _metadata_overrides(parts: PageParts, meta: dict, source: str, warnings: list[str] | None = None) -> None:
    """Fill title/publisher/byline/date from explicit metadata (front matter, JSON, HTML);
    fields of the wrong type are ignored; a date that is not one is dropped with a warning."""
    title = _text_field(meta, "title")
    if title:
        parts.title = normalize_line(title)
    publisher = _text_field(meta, "publisher", "sitename")
    if publisher:
        parts.publisher = normalize_line(publisher)
    author = next((meta[k] for k in ("byline", "author", "authors") if meta.get(k)), None)
    if isinstance(author, list):
        names = [str(n) for n in author if isinstance(n, (str, int, float)) and not isinstance(n, bool)]
    elif isinstance(author, str):
        names = re.split(r"[;,/]| and ", author)
    else:
        names = []
    if names:
        parts.byline = [normalize_line(n) for n in names if n.strip()]
    raw_date = next((meta[k] for k in ("published", "date") if meta.get(k)), None)
    if raw_date:
        try:
            d = raw_date if isinstance(raw_date, date) else (
                parse_iso_like(str(raw_date)) if isinstance(raw_date, (str, int)) else None)
        except (ValueError, OverflowError):
            d = None
        if d:
            parts.published = PublishedDate(d, 0.95, f"{source} field published={raw_date}", source)
        else:
            _warn(warnings, f"{source} date {str(raw_date)[:40]!r} is not a date; ignored")


# --- Markdown -------------------------------------------------------------------------------------


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


# --- HTML: the extractor's text checked against the page's lines ----------------------------------


def _left_out_reason(line: str) -> str:
    """Why a line an HTML extractor left out is not article text, as far as the line tells."""
    if fx.is_caption(line):
        return "photo caption"
    if fx.is_photo_credit_line(line):
        return "photo credit"
    if fx.is_copyright_line(line):
        return "copyright"
    if fx.byline_names(line) is not None:
        return "byline"
    if len(line) <= 40 and (labelled_date([line]) or header_date([line])):
        return "date line"
    if fx.is_ui_line(line):
        return "page widget"
    if fx.is_headline_list_row(line):
        return "headline list of other articles"
    return "not article text (left out by the HTML extractor)"


def restore_story_paragraphs(visible: list[str], text: str, title: str = ""
                             ) -> tuple[str, list[tuple[str, str]]]:
    """Check an HTML extractor's ``text`` against the page's ``visible`` lines: a story paragraph
    it left out between the article's first and last kept lines is put back in its place (a
    story paragraph is never removed); every other line it left out is returned with its reason
    (the title's copies aside)."""
    kept_text = compact(text)
    lines = [normalize_line(v) for v in visible]
    kept = [bool(compact(v)) and (compact(v) in kept_text or compact(v) == compact(title))
            for v in lines]
    anchors = [i for i, v in enumerate(lines) if kept[i] and len(compact(v)) >= 15]
    out_lines = text.splitlines()
    removed: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        if kept[i] or not line:
            continue
        inside = bool(anchors) and anchors[0] < i < anchors[-1]
        if inside and fx.is_story_paragraph(line):
            before = compact(next(lines[j] for j in reversed(anchors) if j < i))
            at = next((k + 1 for k, t in enumerate(out_lines) if before and before in compact(t)
                       or (compact(t) and compact(t) in before)), len(out_lines))
            out_lines.insert(at, line)
            kept_text = compact("\n".join(out_lines))
        else:
            removed.append((line, _left_out_reason(line)))
    return "\n".join(out_lines), removed


def add_left_out(parts: PageParts, left_out: list[tuple[str, str]]) -> None:
    """Record lines an HTML extractor left out (see :func:`restore_story_paragraphs`): listed as
    removed; the photo credits they carry become metadata."""
    parts.dropped.extend(left_out)
    for line, reason in left_out:
        if reason == "byline":
            parts.byline += [n for n in fx.byline_names(line) or [] if n not in parts.byline]
        if reason == "copyright" and not parts.publisher:
            names = [n for n in COPYRIGHT_NAME_RE.findall(line) if not n.isdigit()]
            parts.publisher = names[0] if names else None
        if reason in ("photo caption", "photo credit"):
            credit = fx.split_credit(line)[1] if reason == "photo caption" else line
            source = fx.credit_source(credit) if credit else None
            if source and source not in parts.credits:
                parts.credits.append(source)


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


# --- JSON Lines -----------------------------------------------------------------------------------


def _jsonl_articles(text: str, origin: Origin, today: date | None,
                    warnings: list[str], outlets: tuple[str, ...]) -> Iterator[Article]:
    path = origin.path
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            warnings.append(f"line {lineno}: not JSON ({exc.msg}); skipped")
            continue
        if not isinstance(rec, dict):
            warnings.append(f"line {lineno}: not a JSON object; skipped")
            continue
        rec = {k: _valid_text(v) for k, v in rec.items()}
        body = rec["body"] if isinstance(rec.get("body"), str) else ""
        title = normalize_line(_text_field(rec, "title") or "")
        if not (body.strip() or title):
            warnings.append(f"line {lineno}: no title or body text; skipped")
            continue
        parts = extract_page(body, name=path.name, today=today, outlets=outlets, title=title or None)
        record_warnings: list[str] = []
        _metadata_overrides(parts, rec, "jsonl", record_warnings)
        warnings.extend(f"line {lineno}: {w}" for w in record_warnings)
        rec_id = _text_field(rec, "id") or f"{path.stem}-{lineno}"
        url = rec.get("url") if isinstance(rec.get("url"), str) else None
        if rec.get("url") is not None and url is None:
            warnings.append(f"line {lineno}: url is not text ({type(rec['url']).__name__}); ignored")
        line_hash = hashlib.sha256(f"{origin.digest}:{line}".encode()).hexdigest()[:20]
        yield _article(parts, id=rec_id, origin=origin, digest=line_hash, kind="jsonl", url=url)
