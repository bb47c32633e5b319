"""Where fetched news lives in the data dir, and how it joins the indexed corpus."""

from __future__ import annotations

from pathlib import Path

FETCHED_DIR = "fetched"


def articles_dir(data_dir: Path) -> Path:
    """One JSON Lines record per fetched article: this folder is indexed with the corpus."""
    return Path(data_dir) / FETCHED_DIR / "articles"


def raw_dir(data_dir: Path) -> Path:
    """The pages as served (bytes untouched), for re-extraction without fetching again."""
    return Path(data_dir) / FETCHED_DIR / "raw"


def with_fetched(paths: list[Path], data_dir: Path, bundled: Path | None = None) -> list[Path]:
    """The corpus roots plus the fetched-articles folder once something was fetched. While the
    corpus is only the bundled demo seeds (``bundled``), fetched news replaces them."""
    folder = articles_dir(data_dir)
    if not folder.is_dir():
        return paths
    if bundled is not None and [Path(p) for p in paths] == [Path(bundled)]:
        return [folder]
    return [*paths, folder] if folder not in paths else paths
