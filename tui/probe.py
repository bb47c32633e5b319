"""What the app tells whoever watches it (bench/bench_app.py, tests): when each start-up milestone
was reached and, for a benchmark, when each result list reached the screen. The app only calls the
probe; a benchmark passes its own (``BriefingApp(..., probe=...)``) to record more."""

from __future__ import annotations

import time


class AppProbe:
    """Start-up milestones (``created``, ``first_paint``, ``index_open``, ``searchable``,
    ``analyser``) as ``time.perf_counter()`` values in :attr:`timings`; cheap, always on."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {"created": time.perf_counter()}

    def milestone(self, name: str, at: float | None = None) -> bool:
        """Record ``name`` the first time it is reached; True that first time."""
        if name in self.timings:
            return False
        self.timings[name] = time.perf_counter() if at is None else at
        return True

    def list_rendered(self, seq: int, dispatched: float, rendered: float) -> None:
        """Search ``seq``, dispatched at ``dispatched``, has its result list on screen at ``rendered``."""
