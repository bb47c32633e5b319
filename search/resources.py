"""Where the bundled corpus and default config live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    installed = _PACKAGE_DIR / "_bundled" / name
    if installed.exists():
        return installed
    return _PACKAGE_DIR.parent / name  # editable install or source checkout


def default_config_path() -> Path:
    """The shipped ``config.yaml``."""
    return _bundled("config.yaml")


def bundled_seeds_dir() -> Path:
    """The bundled corpus of raw Korean news pages."""
    return _bundled("seeds")
