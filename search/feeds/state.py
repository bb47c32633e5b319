"""Feed state in its own SQLite file (``<data dir>/feeds.sqlite``): followed feeds, their
conditional-GET validators, the fetch log, the feed items seen, and one row per fetched article
(canonical URL, source URL, feed, fetch time, where its record and raw page are)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from briefing.search.errors import BriefingError, NotFound

STATE_FILE = "feeds.sqlite"
LOG_KEEP = 20  # fetch-log entries kept per feed

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    name TEXT PRIMARY KEY, url TEXT NOT NULL UNIQUE, title TEXT, site_url TEXT, added_at TEXT NOT NULL,
    etag TEXT, last_modified TEXT
);
CREATE TABLE IF NOT EXISTS fetch_log (
    id INTEGER PRIMARY KEY, feed TEXT NOT NULL, at TEXT NOT NULL, status TEXT NOT NULL,
    http_status INTEGER, items INTEGER NOT NULL DEFAULT 0, new INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS fetch_log_feed ON fetch_log(feed, id);
CREATE TABLE IF NOT EXISTS items (
    feed TEXT NOT NULL, key TEXT NOT NULL, url TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    article_id TEXT, error TEXT, PRIMARY KEY (feed, key)
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, canonical_url TEXT NOT NULL UNIQUE, source_url TEXT NOT NULL, feed TEXT,
    fetched_at TEXT NOT NULL, record_path TEXT NOT NULL, raw_path TEXT, charset TEXT, body_from TEXT
);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source_url);
CREATE INDEX IF NOT EXISTS articles_record ON articles(record_path);
"""


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class Feed:
    name: str
    url: str
    title: str | None = None
    site_url: str | None = None
    added_at: str = ""
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class LogEntry:
    at: str
    status: str  # "ok", "not modified", "failed"
    http_status: int | None
    items: int
    new: int
    errors: list[str] = field(default_factory=list)


@dataclass
class FetchedArticle:
    id: str
    canonical_url: str
    source_url: str
    feed: str | None
    fetched_at: str
    record_path: str
    raw_path: str | None
    charset: str | None
    body_from: str | None


class FeedState:
    """Open (and create) the state file; one connection per instance, used from one thread."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / STATE_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    # --- feeds --------------------------------------------------------------------------
    def feeds(self) -> list[Feed]:
        rows = self.db.execute("SELECT name, url, title, site_url, added_at, etag, last_modified FROM feeds "
                               "ORDER BY rowid").fetchall()
        return [Feed(*r) for r in rows]

    def find(self, name_or_url: str) -> Feed:
        """A feed by name, or by URL; raises NotFound."""
        for feed in self.feeds():
            if name_or_url in (feed.name, feed.url):
                return feed
        raise NotFound(f"no feed named or at {name_or_url!r} (see `briefing feed list`)")

    def add(self, feed: Feed) -> None:
        """Follow a feed; raises BriefingError if its name or URL is already followed."""
        for other in self.feeds():
            if other.url == feed.url:
                raise BriefingError(f"already following {feed.url} as {other.name!r}")
            if other.name == feed.name:
                raise BriefingError(f"a feed named {feed.name!r} exists already ({other.url}); pick another --name")
        self.db.execute("INSERT INTO feeds VALUES (?,?,?,?,?,?,?)",
                        (feed.name, feed.url, feed.title, feed.site_url, feed.added_at or now_iso(), None, None))
        self.db.commit()

    def remove(self, name: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM feeds WHERE name=?", (name,))
            self.db.execute("DELETE FROM fetch_log WHERE feed=?", (name,))
            self.db.execute("DELETE FROM items WHERE feed=?", (name,))

    def set_validators(self, name: str, etag: str | None, last_modified: str | None,
                       title: str | None = None, site_url: str | None = None) -> None:
        self.db.execute("UPDATE feeds SET etag=?, last_modified=?, title=COALESCE(?, title), "
                        "site_url=COALESCE(?, site_url) WHERE name=?",
                        (etag, last_modified, title, site_url, name))
        self.db.commit()

    # --- fetch log ----------------------------------------------------------------------
    def log(self, name: str, entry: LogEntry) -> None:
        with self.db:
            self.db.execute("INSERT INTO fetch_log(feed, at, status, http_status, items, new, errors) "
                            "VALUES (?,?,?,?,?,?,?)",
                            (name, entry.at, entry.status, entry.http_status, entry.items, entry.new,
                             json.dumps(entry.errors, ensure_ascii=False)))
            self.db.execute("DELETE FROM fetch_log WHERE feed=? AND id NOT IN "
                            "(SELECT id FROM fetch_log WHERE feed=? ORDER BY id DESC LIMIT ?)",
                            (name, name, LOG_KEEP))

    def history(self, name: str, limit: int = LOG_KEEP) -> list[LogEntry]:
        """The feed's fetch log, newest first."""
        rows = self.db.execute("SELECT at, status, http_status, items, new, errors FROM fetch_log "
                               "WHERE feed=? ORDER BY id DESC LIMIT ?", (name, limit)).fetchall()
        return [LogEntry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    # --- items and articles -------------------------------------------------------------
    def item(self, feed: str, key: str) -> tuple[str, int] | None:
        """(state, attempts) of a feed item seen before."""
        row = self.db.execute("SELECT state, attempts FROM items WHERE feed=? AND key=?", (feed, key)).fetchone()
        return (row[0], row[1]) if row else None

    def mark_item(self, feed: str, key: str, url: str, state: str, article_id: str | None = None,
                  error: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO items(feed, key, url, state, attempts, article_id, error) VALUES (?,?,?,?,1,?,?) "
            "ON CONFLICT(feed, key) DO UPDATE SET state=excluded.state, attempts=attempts+1, "
            "article_id=excluded.article_id, error=excluded.error, url=excluded.url",
            (feed, key, url, state, article_id, error))
        self.db.commit()

    def article_by_url(self, url: str) -> FetchedArticle | None:
        """The article whose canonical or source URL is ``url``."""
        row = self.db.execute("SELECT * FROM articles WHERE canonical_url=? OR source_url=? LIMIT 1",
                              (url, url)).fetchone()
        return FetchedArticle(*row) if row else None

    def article_by_record(self, record_path: str) -> FetchedArticle | None:
        row = self.db.execute("SELECT * FROM articles WHERE record_path=?", (record_path,)).fetchone()
        return FetchedArticle(*row) if row else None

    def add_article(self, a: FetchedArticle) -> None:
        self.db.execute("INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?)",
                        (a.id, a.canonical_url, a.source_url, a.feed, a.fetched_at, a.record_path, a.raw_path,
                         a.charset, a.body_from))
        self.db.commit()

    def article_count(self, feed: str | None = None) -> int:
        if feed is None:
            return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM articles WHERE feed=?", (feed,)).fetchone()[0]


def fetch_details(data_dir: Path, source_path: str, url: str | None = None) -> dict:
    """Where a fetched article came from, for ``show --json``: source URL, feed, fetch time and
    the kept raw page (all None for an article that was not fetched)."""
    details = {"source_url": url, "feed": None, "fetched_at": None, "raw_path": None}
    if not (Path(data_dir) / STATE_FILE).exists():
        return details
    state = FeedState(data_dir)
    try:
        row = state.article_by_record(str(Path(source_path).resolve()))
    finally:
        state.close()
    if row is not None:
        details.update(source_url=row.source_url, feed=row.feed, fetched_at=row.fetched_at, raw_path=row.raw_path)
    return details
