"""Article pages: decode the bytes (HTTP charset, then ``<meta charset>``, then the corpus
decoder's UTF-8/CP949 guess) and extract title, date, author and body with trafilatura, falling
back to the feed item's own text when the page yields nothing."""

from __future__ import annotations

import codecs
import html as html_lib
import re
from dataclasses import dataclass

from briefing.search.ingest.decode import Undecodable, decode_bytes

HTML_TYPES = ("text/html", "application/xhtml+xml")
MIN_BODY_CHARS = 80  # shorter extracted text is a teaser or a cookie notice: use the feed's text

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_KOREAN_ALIASES = {"euc-kr": "cp949", "euckr": "cp949", "ks_c_5601-1987": "cp949", "ksc5601": "cp949",
                   "x-windows-949": "cp949", "windows-949": "cp949", "uhc": "cp949"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _KOREAN_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str) -> str | None:
    """The ``charset=`` of a Content-Type header, as a Python codec name."""
    m = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.IGNORECASE)
    return _codec(m.group(1)) if m else None


def meta_charset(data: bytes) -> str | None:
    """The ``<meta charset>`` or ``http-equiv`` charset in the first 4 KB of a page."""
    m = _META_CHARSET.search(data[:4096])
    return _codec(m.group(1).decode("ascii", "replace")) if m else None


def decode_page(data: bytes, content_type: str = "") -> tuple[str, str]:
    """Text and the encoding used: the HTTP header's charset, else the page's own, else a
    UTF-8/CP949 guess. A declared charset the bytes do not match gives way to the guess."""
    for codec in (header_charset(content_type), meta_charset(data)):
        if codec:
            if codec == "euc_kr":
                codec = "cp949"  # the Windows superset every Korean site really uses
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                continue
    decoded = decode_bytes(data)
    return decoded.text, decoded.encoding


@dataclass
class Extracted:
    """What the fetcher writes to the corpus for one article."""

    title: str
    body: str
    published: str | None  # ISO date
    author: str | None
    publisher: str | None
    source: str  # "page" or "feed item" (where the body came from)


def strip_html(text: str) -> str:
    """Feed item HTML to paragraphs of plain text."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text or "")
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|<p\b[^>]*>", "\n\n", text)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", text))
    paras = [re.sub(r"[ \t\u00a0]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paras if p)


def extract_article(html: str, url: str, fallback: dict | None = None) -> Extracted:
    """Title, date, author, publisher and body of a page; ``fallback`` (the feed item: title,
    body, published, author, publisher) fills what the page does not give.

    Raises :class:`Undecodable` when neither the page nor the item has any text.
    """
    import trafilatura

    fb = fallback or {}
    meta: dict = {}
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False, favor_precision=True)
    except Exception:  # noqa: BLE001 - a page trafilatura chokes on falls back to the feed item
        doc = None
    if doc is not None:
        meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = (meta.get("text") or "").strip()
    source = "page"
    if len(body) < MIN_BODY_CHARS and len(fb.get("body") or "") > len(body):
        body, source = fb["body"], "feed item"
    title = (meta.get("title") or "").strip() or (fb.get("title") or "").strip()
    if not body and not title:
        raise Undecodable("no article text on the page or in the feed item")
    return Extracted(
        title=title,
        body=body,
        published=(meta.get("date") or None) or fb.get("published"),
        author=(meta.get("author") or None) or fb.get("author"),
        publisher=(meta.get("sitename") or None) or fb.get("publisher"),
        source=source,
    )


__all__ = ["HTML_TYPES", "Extracted", "Undecodable", "decode_page", "extract_article", "header_charset",
           "meta_charset", "strip_html"]
