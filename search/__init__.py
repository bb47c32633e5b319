"""briefing's engine: ingestion, Korean analysis, entities, timeline, index, briefs.

Nothing in this package imports textual or rich's live display; ``tests/test_layering.py``
checks that in a fresh interpreter.
"""

__version__ = "0.1.0"
