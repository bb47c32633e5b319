"""The fixture news site on 127.0.0.1 (pytest-httpserver, threaded so a slow page does not
hold up the others) and fetch settings with short timeouts."""

from __future__ import annotations

import re

import pytest
from pytest_httpserver import HTTPServer

from briefing.search.feeds.client import FetchSettings

from .site import FeedSite


@pytest.fixture
def site():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    fixture = FeedSite(base=f"http://127.0.0.1:{server.port}")
    server.expect_request(re.compile(".*")).respond_with_handler(fixture.handle)
    try:
        yield fixture
    finally:
        server.clear()
        server.stop()


@pytest.fixture
def quick() -> FetchSettings:
    """No politeness delay, short timeouts, a 1 MB page limit (the huge page is 3 MB)."""
    return FetchSettings(timeout_s=0.5, retries=0, backoff_s=0.01, delay_s=0.0, concurrency=4,
                         max_bytes=2**20)
