"""Headless subcommands, one module each.

Every module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args, ctx) -> int``.
They import no Textual code, so ``briefing search`` starts fast.
"""

COMMAND_MODULES = (
    "index_cmd",
    "corpus_cmd",
    "list_cmd",
    "show_cmd",
    "search_cmd",
    "entities_cmd",
    "extract_cmd",
    "timeline_cmd",
    "export_cmd",
    "feed_cmd", "fetch_cmd", "add_cmd",
    "saved_cmd",
    "server_cmd",
)
