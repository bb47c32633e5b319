"""search.feeds is engine code: none of its modules may import Textual or rich's live display."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import search.feeds


def test_feeds_modules_import_no_ui():
    modules = [f"search.feeds.{m.name}" for m in pkgutil.iter_modules(search.feeds.__path__)]
    assert "search.feeds.fetch" in modules and "search.feeds.copies" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'"
        " or m in ('rich.live', 'rich.progress', 'rich.console'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
