"""briefing extract [FILE|-]: entity mentions in any text (for checking and evaluation)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing.tui.commands._output import console, print_json, say
from briefing.tui.commands._output import text as rich_text

NAME = "extract"
HELP = "find entity mentions in a text file or standard input (one text; offsets are characters)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", default="-", help="a text file, or - for standard input (default)")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--lines", action="store_true",
                   help="treat each input line as its own text (offsets per line; JSON Lines output)")


def run(args: argparse.Namespace, ctx) -> int:
    from briefing.search.ingest.decode import Undecodable, decode_bytes
    from briefing.search.entities.mentions import extract_mentions
    from briefing.search.entities.gazetteer import Gazetteer
    from briefing.search.language.analysis import register_gazetteer_words

    if args.file == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(args.file)
        if not path.is_file():
            say(f"briefing: no such file: {args.file}")
            return 2
        data = path.read_bytes()
    try:
        text = decode_bytes(data).text
    except Undecodable as exc:
        say(f"briefing: {args.file}: {exc}")
        return 2
    register_gazetteer_words(ctx.config.gazetteer)  # Kiwi keeps the names whole, as in the engine
    gazetteer = Gazetteer.from_entries(ctx.config.gazetteer)

    def mentions_of(t: str) -> list[dict]:
        return [
            {"text": m.text, "type": m.type, "name": m.name, "start": m.start, "end": m.end, "role": m.role}
            for m in extract_mentions(t, gazetteer)
        ]

    if args.lines:
        import json

        for line in text.splitlines():
            sys.stdout.write(json.dumps({"text": line, "mentions": mentions_of(line)}, ensure_ascii=False) + "\n")
        return 0
    mentions = mentions_of(text)
    if args.json:
        print_json(mentions)
        return 0
    out = console()
    for m in mentions:
        role = "" if m["role"] == "story" else f" ({m['role']})"
        out.print(rich_text(f"{m['start']:>6}-{m['end']:<6} {m['type']:<8} {m['text']} → {m['name']}", (role, "dim")))
    return 0
