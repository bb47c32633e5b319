"""A polite HTTP client for feeds and article pages (httpx).

Timeouts, a few retries with exponential back-off (on timeouts, connection errors, 429 and
5xx), redirects followed, a clear User-Agent, at least ``delay_s`` between two requests to the
same host, ``robots.txt`` respected, conditional GET (ETag / Last-Modified) and a size limit
checked while the body streams in. Safe to call from several threads: requests to one host
take turns, requests to different hosts run at once (the caller bounds how many).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from briefing.search import __version__

USER_AGENT = f"briefing/{__version__} (terminal news reader; fetches feeds its user follows)"


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how patiently to fetch (config.yaml ``fetch:``)."""

    user_agent: str = USER_AGENT
    timeout_s: float = 15.0
    retries: int = 2
    backoff_s: float = 1.0  # first back-off; doubles on each retry
    delay_s: float = 1.0  # between two requests to the same host
    concurrency: int = 4  # requests at once (to different hosts)
    max_bytes: int = 5 * 2**20  # larger pages are refused
    robots: bool = True

    @classmethod
    def from_config(cls, fetch: dict) -> FetchSettings:
        """Settings from the ``fetch:`` mapping of the config (unknown keys are ignored)."""
        base = cls()
        return cls(
            user_agent=str(fetch.get("user_agent") or base.user_agent),
            timeout_s=float(fetch.get("timeout_s", base.timeout_s)),
            retries=max(0, int(fetch.get("retries", base.retries))),
            backoff_s=float(fetch.get("backoff_s", base.backoff_s)),
            delay_s=max(0.0, float(fetch.get("delay_s", base.delay_s))),
            concurrency=max(1, int(fetch.get("concurrency", base.concurrency))),
            max_bytes=int(float(fetch.get("max_page_mb", base.max_bytes / 2**20)) * 2**20),
            robots=bool(fetch.get("robots", base.robots)),
        )


class FetchError(Exception):
    """A request that failed for good; ``str()`` is one line for the report."""


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200 or 304
    headers: dict[str, str]
    content: bytes = b""
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


_RETRY_STATUS = {429, 500, 502, 503, 504}


class Fetcher:
    """One HTTP session with per-host politeness; close it (or use ``with``) when done."""

    def __init__(self, settings: FetchSettings | None = None, *, transport: httpx.BaseTransport | None = None):
        self.settings = settings or FetchSettings()
        s = self.settings
        self.client = httpx.Client(
            follow_redirects=True, max_redirects=8, transport=transport,
            timeout=httpx.Timeout(s.timeout_s, connect=min(s.timeout_s, 10.0)),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._guard = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._next_at: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | None] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # --- politeness ---------------------------------------------------------------------
    def _host_lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._host_locks.setdefault(host, threading.Lock())

    def _wait_turn(self, host: str) -> None:
        """Called with the host's lock held: sleep until ``delay_s`` after its last request."""
        pause = self._next_at.get(host, 0.0) - time.monotonic()
        if pause > 0:
            time.sleep(pause)

    def _done(self, host: str) -> None:
        self._next_at[host] = time.monotonic() + self.settings.delay_s

    def allowed(self, url: str) -> bool:
        """What the site's robots.txt says about ``url`` for our User-Agent (fetched once per
        site; a missing robots.txt allows everything, a 401/403 allows nothing)."""
        if not self.settings.robots:
            return True
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._guard:
            known = site in self._robots
            parser = self._robots.get(site)
        if not known:
            parser = self._read_robots(site)
            with self._guard:
                self._robots[site] = parser
        return parser is None or parser.can_fetch(self.settings.user_agent, url)

    def _read_robots(self, site: str) -> RobotFileParser | None:
        parser = RobotFileParser(site + "/robots.txt")
        try:
            resp = self._request(site + "/robots.txt", {}, retries=0)
        except FetchError as exc:
            if str(exc).startswith("HTTP 401") or str(exc).startswith("HTTP 403"):
                parser.parse(["User-agent: *", "Disallow: /"])
                return parser
            return None  # no robots.txt (or unreachable): nothing is forbidden
        parser.parse(resp.content.decode("utf-8", errors="replace").splitlines())
        return parser

    # --- requests -----------------------------------------------------------------------
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: str | None = None) -> Response:
        """GET ``url`` politely; a 304 comes back as a Response with status 304.

        Raises :class:`FetchError` for anything else that is not a 2xx after the retries.
        """
        if not self.allowed(url):
            raise FetchError("blocked by the site's robots.txt")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        return self._request(url, headers, retries=self.settings.retries)

    def _request(self, url: str, headers: dict[str, str], *, retries: int) -> Response:
        host = urlsplit(url).netloc.lower()
        attempt = 0
        while True:
            with self._host_lock(host):
                self._wait_turn(host)
                try:
                    resp, retry_after = self._once(url, headers), None
                except _Retryable as exc:
                    resp, retry_after, error = None, exc.retry_after, exc.reason
                finally:
                    self._done(host)
            if resp is not None:
                return resp
            if attempt >= retries:
                raise FetchError(error + (f" (after {attempt + 1} tries)" if attempt else ""))
            pause = self.settings.backoff_s * 2**attempt
            if retry_after is not None:
                pause = max(pause, min(retry_after, 60.0))
            time.sleep(pause)
            attempt += 1

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        limit = self.settings.max_bytes
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                if r.status_code in _RETRY_STATUS:
                    raise _Retryable(f"HTTP {r.status_code} {r.reason_phrase}".strip(),
                                     _retry_after(r.headers.get("retry-after")))
                redirects = [str(h.url) for h in r.history]
                if r.status_code == 304:
                    return Response(str(r.url), 304, dict(r.headers), b"", redirects)
                if r.status_code >= 400 or r.status_code < 200:
                    raise FetchError(f"HTTP {r.status_code} {r.reason_phrase}".strip())
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise FetchError(f"{int(declared) / 2**20:.1f} MB is over the page limit of "
                                     f"{limit / 2**20:g} MB (fetch.max_page_mb)")
                chunks, size = [], 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(f"over the page limit of {limit / 2**20:g} MB (fetch.max_page_mb)")
                    chunks.append(chunk)
                return Response(str(r.url), r.status_code, dict(r.headers), b"".join(chunks), redirects)
        except httpx.TimeoutException:
            raise _Retryable(f"timed out after {self.settings.timeout_s:g} s") from None
        except httpx.TooManyRedirects:
            raise FetchError("too many redirects") from None
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retryable(f"cannot connect: {_short(exc)}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {_short(exc)}") from None


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _short(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:160]
