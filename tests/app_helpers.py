"""Helpers for tests and benchmarks: a built index over the bundled seeds, and settling the app."""

from __future__ import annotations

import shutil
from pathlib import Path

from briefing.search.config import Config, load_config


def seed_config(export_folder: Path | None = None) -> Config:
    """The shipped config without the user's file (tests must not depend on it)."""
    config = load_config(use_user_file=False)
    if export_folder is not None:
        config.export_folder = Path(export_folder)
    return config


def build_index(data_dir: Path, config: Config | None = None) -> Path:
    """Build the index of the configured corpus (the bundled seeds by default) in ``data_dir``."""
    from briefing.search.engine import Engine

    engine = Engine(config or seed_config(), data_dir)
    try:
        engine.update()
    finally:
        engine.close()
    return data_dir


_BUILT: dict[str, Path] = {}


def seed_index() -> Path:
    """A data dir with the bundled seeds indexed, built once per process (for tests)."""
    if "seeds" not in _BUILT:
        import tempfile

        _BUILT["seeds"] = build_index(Path(tempfile.mkdtemp(prefix="briefing-seeds-")) / "data")
    return _BUILT["seeds"]


def open_engine(data_dir: Path, config: Config | None = None):
    """An Engine on ``data_dir`` (the caller closes it)."""
    from briefing.search.engine import Engine

    return Engine(config or seed_config(), data_dir)


def copy_data_dir(source: Path, target: Path) -> Path:
    """A private copy of a built data dir (for tests that may change it)."""
    shutil.copytree(source, target)
    return target


def sync(test):
    """Run an ``async def`` test with asyncio (no pytest async plugin needed); keeps fixtures."""
    import asyncio
    import functools

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot, rounds: int = 20) -> None:
    """Wait until no worker runs and no search is pending (workers may start other workers)."""
    from textual.worker import WorkerCancelled, WorkerFailed

    app = pilot.app
    for _ in range(rounds):
        try:
            await app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):  # replaced by a newer one, or failed (notified)
            pass
        await pilot.pause()
        if getattr(app, "search_pending", False):
            await pilot.pause(0.05)
            continue
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return
