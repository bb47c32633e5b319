"""search/ is the engine: importing it must not pull in textual or rich's live display."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import briefing.search


def test_search_imports_no_ui():
    modules = [m.name for m in pkgutil.walk_packages(briefing.search.__path__, "briefing.search.")]  # sub-packages too
    assert len(modules) >= 10 and "briefing.search.feeds.fetch" in modules and "briefing.search.feeds.copies" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')"
        " or m in ('rich.live', 'rich.progress', 'rich.console'))\n"
        "bad += [m for m in ('search', 'tui') if m in sys.modules]  # installed names are briefing.*\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_headless_cli_does_not_import_textual():
    code = ("import sys; import briefing.tui.cli; briefing.tui.cli.build_parser(); "
            "print('textual' in sys.modules, 'search' in sys.modules or 'tui' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False False"  # no textual; only the installed names briefing.*
