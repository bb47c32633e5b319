"""The installed name of briefing's two packages: ``briefing.search`` (the engine) and
``briefing.tui`` (the app and the command line).

The repository keeps them as the top-level folders ``search/`` and ``tui/``; the wheel installs
them as ``briefing/search`` and ``briefing/tui``, so nothing generic lands in site-packages. In a
checkout (or an editable install) this package's path is the repository root, which makes
``briefing.search`` that same ``search/`` folder.
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent
if not (_HERE / "search").is_dir():  # a checkout: search/ and tui/ sit beside this folder
    __path__.append(str(_HERE.parent))
