"""Fetch followed feeds and article pages into the corpus.

``fetch_feeds`` reads every feed (or the named ones) with a conditional GET, downloads the page
of each new item, extracts it and writes one record per canonical URL under the data dir;
``fetch_pages`` does the same for single article URLs. Failures are per feed and per item: each
is one line in the report, everything else is kept. The caller then runs the engine's
incremental ``update()`` to index the new records.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from briefing.search.errors import BriefingError, IndexBusy
from briefing.search.feeds.client import Fetcher, FetchError, FetchSettings, Response
from briefing.search.feeds.feedparse import FeedItem, MalformedFeed, ParsedFeed, parse_feed
from briefing.search.feeds.folders import articles_dir, raw_dir
from briefing.search.feeds.pages import HTML_TYPES, Extracted, Undecodable, decode_page, extract_article
from briefing.search.feeds.state import Feed, FeedState, FetchedArticle, LogEntry, now_iso
from briefing.search.feeds.urls import article_id, canonical_url, normalize_url
from briefing.search.model import Progress

MAX_ATTEMPTS = 3  # an item whose page failed this often is not tried again
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
LOCK_FILE = "fetch.lock"


@dataclass
class NewArticle:
    id: str
    title: str
    published: str | None
    publisher: str | None
    url: str
    feed: str | None


@dataclass
class FeedResult:
    name: str
    url: str
    status: str  # "ok", "not modified", "failed"
    http_status: int | None = None
    items: int = 0
    new: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)  # one line each


@dataclass
class FetchReport:
    feeds: list[FeedResult] = field(default_factory=list)
    new: list[NewArticle] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line per failed feed or item
    already: list[str] = field(default_factory=list)  # URLs (of `add`) that were in the corpus before


@dataclass
class PageJob:
    url: str
    feed: str | None = None
    item: FeedItem | None = None
    fallback_publisher: str | None = None


@dataclass
class PageResult:
    job: PageJob
    response: Response | None = None
    canonical: str | None = None
    charset: str | None = None
    extracted: Extracted | None = None
    error: str | None = None


@contextlib.contextmanager
def fetch_lock(data_dir: Path) -> Iterator[None]:
    """One fetch at a time per data dir."""
    import fcntl

    path = Path(data_dir) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise IndexBusy(f"another fetch is running in {data_dir}; try again when it finishes") from None
            raise
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def _locked_state(data_dir: Path) -> Iterator[FeedState]:
    """The feed state, with this process the only one fetching into ``data_dir``."""
    with fetch_lock(data_dir):
        state = FeedState(data_dir)
        try:
            yield state
        finally:
            state.close()


def _no_progress(done: int, total: int, label: str) -> None:
    return None


def fetch_feeds(data_dir: Path, settings: FetchSettings | None = None, names: list[str] | None = None,
                progress: Progress | None = None) -> FetchReport:
    """Fetch the named feeds (all if none) and their new items' pages; see the module doc."""
    progress = progress or _no_progress
    report = FetchReport()
    with _locked_state(data_dir) as state:
        feeds = [state.find(n) for n in names] if names else state.feeds()
        if feeds:
            with Fetcher(settings) as fetcher:
                _run_feeds(state, fetcher, feeds, data_dir, report, progress)
    return report


def fetch_pages(data_dir: Path, urls: list[str], settings: FetchSettings | None = None,
                progress: Progress | None = None) -> FetchReport:
    """Fetch single article pages (``briefing add URL...``)."""
    progress = progress or _no_progress
    report = FetchReport()
    with _locked_state(data_dir) as state:
        jobs = []
        for url in urls:
            url = normalize_url(url)
            if urlsplit(url).scheme not in ("http", "https"):
                report.failures.append(f"{url}: not an http(s) URL")
            elif (known := state.article_by_url(url)) is not None:
                report.already.append(f"{url} ({known.id})")
            else:
                jobs.append(PageJob(url))
        with Fetcher(settings) as fetcher:
            results = _run_pages(fetcher, jobs, progress, 0, len(jobs))
        for result in results:
            _store_page(state, data_dir, result, report, None)
    return report


def _pool(fetcher: Fetcher) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=fetcher.settings.concurrency, thread_name_prefix="briefing-fetch")


def _run_feeds(state: FeedState, fetcher: Fetcher, feeds: list[Feed], data_dir: Path, report: FetchReport,
               progress: Progress) -> None:
    plans: list[tuple[Feed, FeedResult, Response | None, list[PageJob]]] = []
    titles: dict[str, tuple[str | None, str | None]] = {}
    for feed, got in _get_feeds(fetcher, feeds, progress):
        result = FeedResult(feed.name, feed.url, "failed")
        report.feeds.append(result)
        read = _read_feed(feed, got, result)
        if read is None:
            plans.append((feed, result, None, []))
            continue
        ok, parsed = read
        plans.append((feed, result, ok, _page_jobs(state, feed, parsed, result)))
        titles[feed.name] = (parsed.title, parsed.site_url)

    all_jobs = [job for *_, jobs in plans for job in jobs]
    pages = iter(_run_pages(fetcher, all_jobs, progress, 0, len(all_jobs)))
    for feed, result, resp, jobs in plans:
        for _ in jobs:
            page = next(pages)
            _store_page(state, data_dir, page, report, result)
        if resp is not None:  # validators are kept only once every item of the feed was handled
            state.set_validators(feed.name, resp.headers.get("etag"), resp.headers.get("last-modified"),
                                 *titles[feed.name])
        report.failures.extend(result.errors)
        state.log(feed.name, LogEntry(now_iso(), result.status, result.http_status, result.items, result.new,
                                      result.errors))


def _get_feeds(fetcher: Fetcher, feeds: list[Feed], progress: Progress) -> list[tuple[Feed, Response | FetchError]]:
    """Download the feeds (a few at once); each with its response or the error."""
    total = len(feeds)
    progress(0, total, "feeds")

    def get(feed: Feed) -> Response | FetchError:
        try:
            return fetcher.get(feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT)
        except FetchError as exc:
            return exc

    with _pool(fetcher) as pool:
        responses = []
        for n, (feed, resp) in enumerate(zip(feeds, pool.map(get, feeds)), 1):
            responses.append((feed, resp))
            progress(n, total, feed.name)
    return responses


def _read_feed(feed: Feed, resp: Response | FetchError, result: FeedResult) -> tuple[Response, ParsedFeed] | None:
    """The feed's items, or None (not modified, or failed: ``result`` says which)."""
    if isinstance(resp, FetchError):
        result.errors.append(f"feed {feed.name}: {resp}")
        return None
    result.http_status = resp.status
    if resp.status == 304:
        result.status = "not modified"
        return None
    try:
        parsed = parse_feed(resp.content, resp.url, resp.headers.get("content-type", ""))
    except MalformedFeed as exc:
        result.errors.append(f"feed {feed.name}: {exc}")
        return None
    result.status, result.items = "ok", len(parsed.items)
    return resp, parsed


def _page_jobs(state: FeedState, feed: Feed, parsed: ParsedFeed, result: FeedResult) -> list[PageJob]:
    """The feed's items to download: not done yet, not known by their URL, each URL once."""
    publisher = parsed.title or feed.name
    jobs: list[PageJob] = []
    queued: set[str] = set()
    for item in parsed.items:
        seen = state.item(feed.name, item.key)
        if seen and (seen[0] in ("done", "duplicate") or seen[1] >= MAX_ATTEMPTS):
            continue
        known = state.article_by_url(item.url)
        if known is not None:
            state.mark_item(feed.name, item.key, item.url, "duplicate", known.id)
            result.duplicates += 1
        elif item.url in queued:
            result.duplicates += 1
        else:
            queued.add(item.url)
            jobs.append(PageJob(item.url, feed.name, item, publisher))
    return jobs


def _run_pages(fetcher: Fetcher, jobs: list[PageJob], progress: Progress, done: int, total: int) -> list[PageResult]:
    """Download and extract the pages (a few at once); results in the order of ``jobs``."""
    if not jobs:
        return []
    progress(done, total, "pages")
    results: list[PageResult] = []
    with _pool(fetcher) as pool:
        for n, result in enumerate(pool.map(lambda job: _get_page(fetcher, job), jobs), 1):
            results.append(result)
            progress(done + n, total, result.job.item.title if result.job.item else result.job.url)
    return results


def _get_page(fetcher: Fetcher, job: PageJob) -> PageResult:
    result = PageResult(job)
    item = job.item
    fallback = None
    if item is not None:
        fallback = {"title": item.title, "body": item.body, "published": item.published, "author": item.author,
                    "publisher": item.publisher or job.fallback_publisher}
    try:
        resp = fetcher.get(job.url, accept=PAGE_ACCEPT)
        if resp.content_type and resp.content_type not in HTML_TYPES:
            raise FetchError(f"not an HTML page ({resp.content_type})")
        html, charset = decode_page(resp.content, resp.headers.get("content-type", ""))
        result.response, result.charset = resp, charset
        result.canonical = canonical_url(html, resp.url)
        extracted = extract_article(html, resp.url, fallback)
        if item is not None and item.published:
            extracted.published = item.published  # the feed's own date beats a date guessed from the page
        if fallback and fallback.get("publisher") and _looks_like_host(extracted.publisher):
            extracted.publisher = fallback["publisher"]
        result.extracted = extracted
    except (FetchError, Undecodable) as exc:
        result.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad page never stops the run
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def _looks_like_host(name: str | None) -> bool:
    return not name or ("." in name and " " not in name and name.isascii())


def _store_page(state: FeedState, data_dir: Path, page: PageResult, report: FetchReport,
                result: FeedResult | None) -> None:
    job = page.job
    item_key = job.item.key if job.item else None
    if page.error is not None or page.extracted is None or page.response is None:
        line = f"{job.url}: {page.error}"
        if result is not None:
            result.errors.append(f"item {line}")
            state.mark_item(job.feed or "", item_key or job.url, job.url, "failed", error=page.error)
        else:
            report.failures.append(line)
        return
    canonical = page.canonical or normalize_url(page.response.url)
    known = state.article_by_url(canonical)
    if known is not None:
        if result is not None:
            result.duplicates += 1
            state.mark_item(job.feed or "", item_key or job.url, job.url, "duplicate", known.id)
        else:
            report.already.append(f"{job.url} ({known.id})")
        return
    aid = article_id(canonical)
    fetched_at = now_iso()
    ex = page.extracted
    raw = raw_dir(data_dir) / f"{aid}.html"
    # not "<id>.jsonl": the engine reserves a file's stem as an id, which the record's own id would then dodge
    record = articles_dir(data_dir) / f"{aid}.record.jsonl"
    raw.parent.mkdir(parents=True, exist_ok=True)
    record.parent.mkdir(parents=True, exist_ok=True)
    _write(raw, page.response.content)
    payload = {
        "id": aid, "title": ex.title, "body": ex.body, "published": ex.published, "author": ex.author,
        "publisher": ex.publisher, "url": canonical, "source_url": job.url, "feed": job.feed,
        "fetched_at": fetched_at, "body_from": ex.source,
    }
    _write(record, (json.dumps({k: v for k, v in payload.items() if v is not None}, ensure_ascii=False)
                    + "\n").encode("utf-8"))
    state.add_article(FetchedArticle(aid, canonical, job.url, job.feed, fetched_at, str(record.resolve()),
                                     str(raw.resolve()), page.charset, ex.source))
    if result is not None:
        result.new += 1
        state.mark_item(job.feed or "", item_key or job.url, job.url, "done", aid)
    report.new.append(NewArticle(aid, ex.title, ex.published, ex.publisher, canonical, job.feed))


def _write(path: Path, data: bytes) -> None:
    """Write atomically (a crash leaves the old file or none, never half of one)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def follow(data_dir: Path, url: str, name: str | None = None, settings: FetchSettings | None = None,
           check: bool = True) -> Feed:
    """Add a feed. With ``check`` the URL is fetched once: it must be a feed, and its title
    names it unless ``name`` is given."""
    url = normalize_url(url)
    if urlsplit(url).scheme not in ("http", "https"):
        raise BriefingError(f"{url}: a feed URL starts with http:// or https://")
    title = site = None
    if check:
        with Fetcher(settings) as fetcher:
            try:
                resp = fetcher.get(url, accept=FEED_ACCEPT)
                parsed = parse_feed(resp.content, resp.url, resp.headers.get("content-type", ""))
            except (FetchError, MalformedFeed) as exc:
                raise BriefingError(f"cannot follow {url}: {exc} (use --no-check to add it anyway)") from None
        title, site = parsed.title, parsed.site_url
    feed = Feed(name=(name or title or urlsplit(url).hostname or url).strip(), url=url, title=title, site_url=site)
    state = FeedState(data_dir)
    try:
        state.add(feed)
        return state.find(feed.name)
    finally:
        state.close()
