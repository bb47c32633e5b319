"""Feeds (RSS 0.9x/1.0/2.0, Atom) read with feedparser into plain items."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from briefing.search.feeds.pages import strip_html
from briefing.search.feeds.urls import normalize_url


class MalformedFeed(ValueError):
    """Bytes that are not a feed; ``str()`` says why in one line."""


@dataclass
class FeedItem:
    key: str  # guid/id, else the link
    url: str  # normalised link
    title: str
    body: str  # the item's own text (content, else summary), HTML stripped
    published: str | None  # ISO date in the publisher's own time zone
    author: str | None
    publisher: str | None  # an item's <source>, if it names one


@dataclass
class ParsedFeed:
    title: str | None
    site_url: str | None
    items: list[FeedItem]
    problem: str | None = None  # feedparser's complaint about a feed it could still read


def _item_date(entry: Mapping[str, Any]) -> str | None:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if not raw:
            continue
        for parse in (parsedate_to_datetime, lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))):
            try:
                return parse(raw.strip()).date().isoformat()
            except (TypeError, ValueError, IndexError):
                continue
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date().isoformat()
    return None


def parse_feed(data: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Items of the feed in ``data``; raises :class:`MalformedFeed` if nothing can be read."""
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=False)
    version = parsed.get("version") or ""
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}" if exc else "malformed"
        if not parsed.entries:
            raise MalformedFeed(f"not a readable RSS/Atom feed ({problem})")
    if not version and not parsed.entries:
        raise MalformedFeed("not an RSS or Atom feed (no channel and no items)")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not link:
            continue
        content = entry.get("content") or []
        text = content[0].get("value", "") if content else entry.get("summary", "")
        source = entry.get("source") or {}
        items.append(FeedItem(
            key=str(entry.get("id") or link),
            url=normalize_url(link, base=url),
            title=strip_html(entry.get("title", "")).replace("\n\n", " "),
            body=strip_html(text),
            published=_item_date(entry),
            author=entry.get("author") or None,
            publisher=(source.get("title") if isinstance(source, dict) else None) or None,
        ))
    feed = parsed.get("feed", {})
    return ParsedFeed(feed.get("title") or None, feed.get("link") or None, items, problem)
