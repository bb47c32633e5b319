"""URL normalisation: one article per canonical URL, tracking parameters stripped."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only say where a click came from; they never change the page.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "ref_src", "cmpid", "ncid", "sr_share",
})
TRACKING_PREFIXES = ("utm_", "__twitter", "hsa_", "pk_", "mtm_")


def is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def normalize_url(url: str, base: str | None = None) -> str:
    """Absolute URL with a lower-case scheme and host, no default port, no fragment and no
    tracking parameters (the other parameters keep their order)."""
    if base:
        url = urljoin(base, url.strip())
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host
    if parts.username:
        netloc = f"{parts.username}@{host}"
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc += f":{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


_CANONICAL = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)


def canonical_url(html: str, page_url: str) -> str:
    """The page's ``<link rel=canonical>`` (resolved against the page URL, normalised), else
    the page URL normalised. A canonical on another site is trusted only when it is http(s)."""
    m = _CANONICAL.search(html[:200_000])
    if m:
        href = _HREF.search(m.group(0))
        value = next((g for g in href.groups() if g), "") if href else ""
        if value.strip():
            candidate = normalize_url(value, base=page_url)
            if urlsplit(candidate).scheme in ("http", "https"):
                return candidate
    return normalize_url(page_url)


def article_id(canonical: str) -> str:
    """A short stable id for an article: the site's first name label and a hash of its URL
    (``yna-3f9c0a12b4`` for https://www.yna.co.kr/view/...)."""
    host = (urlsplit(canonical).hostname or "web").lower()
    labels = [l for l in host.split(".") if l and l not in ("www", "m", "news", "mobile")]
    label = re.sub(r"[^a-z0-9]+", "", labels[0] if labels else host)[:16] or "web"
    return f"{label}-{hashlib.sha1(canonical.encode()).hexdigest()[:10]}"
