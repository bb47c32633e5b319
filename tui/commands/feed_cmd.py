"""briefing feed add|list|remove|import|export: the feeds briefing follows."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing.tui.commands._output import print_json

NAME = "feed"
HELP = "follow feeds: add, list (with the fetch log), remove, import/export OPML"


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="feed_command", metavar="ACTION", required=True)
    a = sub.add_parser("add", help="follow a feed (RSS or Atom)", description="follow a feed (RSS or Atom)")
    a.add_argument("url", metavar="URL")
    a.add_argument("--name", help="what to call it (default: the feed's own title)")
    a.add_argument("--no-check", action="store_true", help="add without fetching it once to check it is a feed")
    ls = sub.add_parser("list", help="the followed feeds and their last fetch",
                        description="the followed feeds and their last fetch")
    ls.add_argument("--json", action="store_true", help="JSON output with each feed's fetch log")
    rm = sub.add_parser("remove", help="stop following a feed (its articles stay)",
                        description="stop following a feed (its articles stay in the corpus)")
    rm.add_argument("feed", metavar="NAME|URL")
    im = sub.add_parser("import", help="follow the feeds of an OPML file", description="follow the feeds of an OPML file")
    im.add_argument("file", metavar="FILE.opml")
    ex = sub.add_parser("export", help="print the followed feeds as OPML 2.0 (newsboat reads it)",
                        description="print the followed feeds as OPML 2.0 (newsboat reads it)")
    ex.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def run(args: argparse.Namespace, ctx) -> int:
    from briefing.search.feeds.state import FeedState

    action = args.feed_command
    if action == "add":
        from briefing.search.feeds.fetch import follow

        from briefing.tui.commands.fetch_cmd import settings

        feed = follow(ctx.data_dir, args.url, args.name, settings(ctx), check=not args.no_check)
        print(f"following {feed.name} ({feed.url}); `briefing fetch` gets its articles")
        return 0
    state = FeedState(ctx.data_dir)
    try:
        if action == "list":
            return _list(state, args.json)
        if action == "remove":
            feed = state.find(args.feed)
            state.remove(feed.name)
            print(f"stopped following {feed.name} ({feed.url}); its {state.article_count(feed.name)} "
                  "articles stay in the corpus")
            return 0
        if action == "import":
            return _import(state, Path(args.file))
        if action == "export":
            from briefing.search.feeds.opml import export_opml

            text = export_opml(state.feeds())
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
                print(f"wrote {len(state.feeds())} feeds to {args.output}", file=sys.stderr)
            else:
                sys.stdout.write(text)
            return 0
    finally:
        state.close()
    return 2


def _list(state, as_json: bool) -> int:
    feeds = state.feeds()
    if as_json:
        out = []
        for f in feeds:
            log = state.history(f.name)
            last = log[0] if log else None
            out.append({
                "name": f.name, "url": f.url, "title": f.title, "site_url": f.site_url, "added_at": f.added_at,
                "articles": state.article_count(f.name),
                "last_fetch": last.at if last else None, "status": last.status if last else None,
                "new_items": last.new if last else 0, "errors": last.errors if last else [],
                "log": [{"at": e.at, "status": e.status, "http_status": e.http_status, "items": e.items,
                         "new": e.new, "errors": e.errors} for e in log],
            })
        print_json(out)
        return 0
    if not feeds:
        print("no feeds followed yet: `briefing feed add URL` or `briefing feed import FILE.opml`")
        return 0
    for f in feeds:
        log = state.history(f.name, 1)
        if log:
            e = log[0]
            errors = f", {len(e.errors)} error{'s' if len(e.errors) != 1 else ''}" if e.errors else ""
            last = f"last fetch {e.at}: {e.status}, {e.new} new{errors}"
        else:
            last = "never fetched"
        print(f"{f.name}  {f.url}  ({state.article_count(f.name)} articles; {last})")
    return 0


def _import(state, path: Path) -> int:
    from briefing.search.errors import BriefingError
    from briefing.search.feeds.opml import read_opml
    from briefing.search.feeds.state import Feed
    from briefing.search.feeds.urls import normalize_url

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BriefingError(f"cannot read {path}: {exc.strerror or exc}") from None
    added = skipped = 0
    for item in read_opml(data):
        try:
            state.add(Feed(name=item.name or item.url, url=normalize_url(item.url), title=item.name, site_url=item.site_url))
            added += 1
        except BriefingError as exc:
            print(f"skipped: {exc}", file=sys.stderr)
            skipped += 1
    print(f"imported {added} feed{'s' if added != 1 else ''} from {path}"
          + (f" ({skipped} already followed)" if skipped else ""))
    return 0
