"""The article store: one SQLite file beside the index holding ingested articles, entity
mentions, timeline events and the state of every source file (for incremental updates).

SQLite gives atomic transactions: an interrupted update leaves the previous state intact.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from briefing.search.model import Article, Mention
from briefing.search.sqlite_file import StoreDamaged, StoreReadOnly, connect, is_damage

SCHEMA_VERSION = 1
# How article, mention and event rows are written (recorded in meta "row_format"; the engine
# rebuilds a store written in another). 2: article data, an article's mentions and its events
# are zlib-compressed JSON, one row per article; the articles an entity is named in as a story
# entity have a table of their own. The store went from 4x the raw text to ~1.3x.
ROW_FORMAT = "2"
COMPRESS_LEVEL = 6

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, hash TEXT, ids TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, path TEXT, hash TEXT, title TEXT, publisher TEXT,
    published TEXT, confidence REAL, data TEXT
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id TEXT, start INTEGER, "end" INTEGER, text TEXT, type TEXT, name TEXT, role TEXT
);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article_id);
CREATE INDEX IF NOT EXISTS mentions_name ON mentions(name, type);
CREATE TABLE IF NOT EXISTS events (
    article_id TEXT, seq INTEGER, data TEXT, sort_key TEXT
);
CREATE INDEX IF NOT EXISTS events_article ON events(article_id);
CREATE TABLE IF NOT EXISTS article_mentions (article_id TEXT PRIMARY KEY, data BLOB);
CREATE TABLE IF NOT EXISTS article_events (article_id TEXT PRIMARY KEY, data BLOB);
CREATE TABLE IF NOT EXISTS entity_articles (
    name TEXT, type TEXT, article_id TEXT, PRIMARY KEY (name, type, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_articles_article ON entity_articles(article_id);
"""


def _guarded(method):
    """Turn SQLite's damage errors into :class:`StoreDamaged` (the engine rebuilds the store)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise StoreDamaged(f"the article store {self.path} is damaged ({exc})") from None
            raise

    return wrapper


@dataclass(frozen=True)
class SourceState:
    path: str
    size: int
    mtime_ns: int
    hash: str
    ids: tuple[str, ...]

    def matches(self, found) -> bool:
        """The file as found on disk (anything with size and mtime_ns) is unchanged since."""
        return (self.size, self.mtime_ns) == (found.size, found.mtime_ns)


class Store:
    """Thread-safe access to the SQLite article store."""

    def __init__(self, path: Path):
        """Open (or create) the store; a store that cannot be written is opened read-only
        (``read_only`` is then True); a damaged file raises :class:`StoreDamaged`."""
        self.path = Path(path)
        self._lock = threading.RLock()
        self._article_cache: dict[str, Article] = {}
        self.read_only = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = connect(self.path)
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise StoreDamaged(f"the article store {self.path} is damaged ({exc})") from None
            if not self.path.exists():
                raise StoreReadOnly(f"cannot create the article store {self.path}: {exc}") from None
            self._open_read_only()
        except OSError as exc:
            if not self.path.exists():
                raise StoreReadOnly(f"cannot create the article store {self.path}: {exc.strerror or exc}") from None
            self._open_read_only()

    def _open_read_only(self) -> None:
        self.read_only = True
        try:
            self._db = connect(self.path, read_only=True)
            self._db.execute("SELECT COUNT(*) FROM articles").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreDamaged(f"the article store {self.path} cannot be read ({exc})") from None

    def quick_check(self) -> str | None:
        """None if SQLite's ``PRAGMA quick_check`` finds the file sound, else what it found."""
        try:
            with self._lock:
                rows = self._db.execute("PRAGMA quick_check(3)").fetchall()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        found = "; ".join(str(r[0]) for r in rows)
        return None if found == "ok" else found

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- meta -------------------------------------------------------------------------
    @_guarded
    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    @_guarded
    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))

    # --- reading ----------------------------------------------------------------------
    @_guarded
    def sources(self) -> dict[str, SourceState]:
        with self._lock:
            rows = self._db.execute("SELECT path, size, mtime_ns, hash, ids FROM sources").fetchall()
        return {r[0]: SourceState(r[0], r[1], r[2], r[3], tuple(json.loads(r[4]))) for r in rows}

    @_guarded
    def summaries(self) -> list[tuple]:
        """(id, title, publisher, published ISO or None, confidence) for every article."""
        with self._lock:
            return self._db.execute(
                "SELECT id, title, publisher, published, confidence FROM articles"
            ).fetchall()

    @_guarded
    def ids(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT id FROM articles ORDER BY id")]

    @_guarded
    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def article(self, article_id: str) -> Article | None:
        cached = self._article_cache.get(article_id)
        if cached is not None:
            return cached
        article = self._stored_article(article_id)
        if article is None:
            return None
        if len(self._article_cache) > 512:
            self._article_cache.clear()
        self._article_cache[article_id] = article
        return article

    def row_format(self) -> str:
        """The ROW_FORMAT the store's rows were written in ("1" for stores before it was kept)."""
        return self.get_meta("row_format") or ("1" if self.count() else ROW_FORMAT)

    @_guarded
    def _stored_article(self, article_id: str) -> Article | None:
        with self._lock:
            return _read_article(self._db, article_id)

    def ids_with_prefix(self, prefix: str) -> list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self._lock:
            return [
                r[0]
                for r in self._db.execute(
                    "SELECT id FROM articles WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 20",
                    (escaped + "%",),
                )
            ]

    @_guarded
    def mentions(self, article_id: str) -> list[Mention]:
        with self._lock:
            return _read_mentions(self._db, article_id)

    @_guarded
    def articles_mentioning(self, name: str, type: str | None = None) -> list[str]:
        sql = "SELECT DISTINCT article_id FROM entity_articles WHERE name=?"
        params: list = [name]
        if type:
            sql += " AND type=?"
            params.append(type)
        with self._lock:
            return [r[0] for r in self._db.execute(sql, params)]

    @_guarded
    def companies_by_article(self) -> dict[str, set[str]]:
        with self._lock:
            rows = self._db.execute("SELECT article_id, name FROM entity_articles WHERE type='company'").fetchall()
        out: dict[str, set[str]] = {}
        for aid, name in rows:
            out.setdefault(aid, set()).add(name)
        return out

    @_guarded
    def events(self, ids: Iterable[str] | None = None) -> list[dict]:
        """Events of the articles ``ids`` (None: all), by sort key, article and order in it."""
        with self._lock:
            if ids is None:
                rows = self._db.execute("SELECT article_id, data FROM article_events").fetchall()
            else:
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS sel (id TEXT PRIMARY KEY)")
                self._db.execute("DELETE FROM sel")
                self._db.executemany("INSERT OR IGNORE INTO sel VALUES (?)", [(i,) for i in ids])
                rows = self._db.execute(
                    "SELECT article_id, data FROM article_events WHERE article_id IN (SELECT id FROM sel)"
                ).fetchall()
        out = []
        for aid, data in rows:
            for seq, event in enumerate(unpack_row(data)):
                event["article_id"] = aid
                out.append((event.get("sort_key") or "9999", aid, seq, event))
        out.sort(key=lambda t: t[:3])
        return [t[3] for t in out]

    # --- writing ----------------------------------------------------------------------
    def update(self, *, remove_ids: Iterable[str] = (), remove_paths: Iterable[str] = ()) -> "StoreUpdate":
        """Start one update (see :class:`StoreUpdate`): ``remove_ids`` and ``remove_paths``
        go first; articles that come back later in the update are written again."""
        return StoreUpdate(self, remove_ids, remove_paths)

    def write(
        self,
        *,
        articles: Iterable[tuple[Article, list, list[dict]]],
        sources: Iterable[SourceState],
        remove_ids: Iterable[str] = (),
        remove_paths: Iterable[str] = (),
        meta: dict[str, str] | None = None,
    ) -> None:
        """Apply one update in a single transaction: (article, mentions, events) triples."""
        with self.update(remove_ids=remove_ids, remove_paths=remove_paths) as update:
            update.add(articles)
            update.commit(sources=sources, meta=meta)


def _read_article(db: sqlite3.Connection, article_id: str) -> Article | None:
    row = db.execute("SELECT data FROM articles WHERE id=?", (article_id,)).fetchone()
    return Article.from_dict(unpack_row(row[0])) if row else None


def _read_mentions(db: sqlite3.Connection, article_id: str) -> list[Mention]:
    """An article's mentions in text order ([] if it has none)."""
    row = db.execute("SELECT data FROM article_mentions WHERE article_id=?", (article_id,)).fetchone()
    return sorted((Mention.from_row(m) for m in unpack_row(row[0])), key=lambda m: m.start) if row else []


class StoreUpdate:
    """One update of the store, written while the update runs (articles arrive in batches)
    and committed at the end as one transaction, on a connection of its own: readers see the
    previous state until :meth:`commit`; an update that ends without it (an error, an
    interruption) leaves the store as it was. Use as a context manager."""

    def __init__(self, store: Store, remove_ids: Iterable[str], remove_paths: Iterable[str]):
        self._store = store
        if store.read_only:
            raise StoreReadOnly(f"the article store {store.path} is read-only")
        self._db = connect(store.path)
        self._open = True
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for aid in remove_ids:
                self._delete_article(aid)
            for p in remove_paths:
                self._db.execute("DELETE FROM sources WHERE path=?", (p,))
        except BaseException:
            self.rollback()
            raise

    def __enter__(self) -> "StoreUpdate":
        return self

    def __exit__(self, *exc) -> None:
        if self._open:
            self.rollback()

    def _delete_article(self, aid: str) -> None:
        self._db.execute("DELETE FROM articles WHERE id=?", (aid,))
        self._delete_rows(aid)

    def _delete_rows(self, aid: str) -> None:
        """The mention and event rows of one article (in the tables of either row format)."""
        for table in ("article_mentions", "article_events", "entity_articles", "mentions", "events"):
            self._db.execute(f"DELETE FROM {table} WHERE article_id=?", (aid,))

    def written(self, article_id: str) -> tuple[Article, list[Mention]]:
        """An article this update wrote, with its mentions (read on the update's connection,
        which sees its own rows before the commit)."""
        article = _read_article(self._db, article_id)
        if article is None:
            raise KeyError(article_id)
        return article, _read_mentions(self._db, article_id)

    def add(self, articles: Iterable[tuple[Article, list, list[dict]]]) -> None:
        """Write (article, mentions, events) triples, replacing earlier rows of their ids."""
        db = self._db
        for article, mentions, events in articles:
            aid = article.id
            self._delete_rows(aid)
            pub = article.published.value
            db.execute(
                "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?)",
                (aid, article.source_path, article.content_hash, article.title,
                 article.publisher, pub.isoformat() if pub else None,
                 article.published.confidence, _article_data(article)),
            )
            rows = [m.to_row() for m in mentions]
            if rows:
                db.execute("INSERT INTO article_mentions VALUES (?,?)", (aid, _pack(rows)))
                db.executemany("INSERT OR IGNORE INTO entity_articles VALUES (?,?,?)",
                               [(r[4], r[3], aid) for r in rows if r[5] == "story"])
            if events:
                slim = [{k: v for k, v in e.items() if k != "article_id"} for e in events]
                db.execute("INSERT INTO article_events VALUES (?,?)", (aid, _pack(slim)))

    def commit(self, *, sources: Iterable[SourceState], meta: dict[str, str] | None = None) -> None:
        """Record the sources' states and ``meta``, and publish the whole update."""
        db = self._db
        for s in sources:
            db.execute(
                "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?)",
                (s.path, s.size, s.mtime_ns, s.hash, json.dumps(list(s.ids))),
            )
        for key, value in {"row_format": ROW_FORMAT, **(meta or {})}.items():
            db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))
        db.execute("COMMIT")
        self._close()
        with self._store._lock:
            self._store._article_cache.clear()

    def rollback(self) -> None:
        """Drop everything written by this update."""
        try:
            self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # nothing began, or SQLite already rolled back
        self._close()

    def _close(self) -> None:
        self._open = False
        self._db.close()


def _article_data(article: Article) -> bytes:
    data = article.to_dict()
    data.pop("body")  # the paragraphs hold it
    return _pack(data)


def _pack(value) -> bytes:
    """JSON, zlib-compressed (Korean text shrinks to ~40%)."""
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), COMPRESS_LEVEL)


def unpack_row(data):
    """Inverse of _pack; a row of row format 1 is plain JSON text."""
    return json.loads(zlib.decompress(data) if isinstance(data, bytes) else data)
