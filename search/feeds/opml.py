"""OPML 2.0 import and export of followed feeds (the format newsboat, and every RSS reader,
reads and writes: ``<outline type="rss" text=… title=… xmlUrl=… htmlUrl=…/>``, folders nested)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import formatdate

from briefing.search.errors import BriefingError
from briefing.search.feeds.state import Feed


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    name: str | None
    site_url: str | None = None


def export_opml(feeds: list[Feed], title: str = "briefing feeds") -> str:
    """An OPML 2.0 document listing ``feeds``."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = formatdate(usegmt=True)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attrs = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.site_url:
            attrs["htmlUrl"] = feed.site_url
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def read_opml(data: bytes) -> list[OpmlFeed]:
    """Every outline with an ``xmlUrl`` (at any depth), in document order, once per URL.

    Raises BriefingError if the bytes are not an OPML document.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise BriefingError(f"not an OPML file: {exc}") from None
    if root.tag.lower() != "opml":
        raise BriefingError(f"not an OPML file: the root element is <{root.tag}>, not <opml>")
    seen, out = set(), []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        name = (outline.get("title") or outline.get("text") or "").strip() or None
        out.append(OpmlFeed(url, name, outline.get("htmlUrl") or None))
    return out
