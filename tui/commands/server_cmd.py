"""briefing server start|stop|status: the data dir's warm search server (tui/warm_server.py)."""

from __future__ import annotations

import argparse
import json
import time

from briefing.tui.commands._output import say

NAME = "server"
HELP = ("the warm search server: a background process per data dir that keeps the analyser loaded so "
        "`briefing search` answers fast; started by the first search, it exits after 10 idle minutes "
        "($BRIEFING_SERVER_IDLE seconds); BRIEFING_NO_SERVER=1 or --no-server does without it")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("status", "stop", "start"),
                   help="status: is one running (exit 1 if not); stop: end it; start: start one and wait until "
                        "it answers")
    p.add_argument("--json", action="store_true", help="status as JSON")


def run(args: argparse.Namespace, ctx) -> int:
    from briefing.tui import warm_client

    data = ctx.data_dir.absolute()
    if args.action == "stop":
        reply = warm_client.control(data, "stop")
        say(f"stopped the server of {data} (pid {reply['pid']})" if reply else f"no server runs for {data}",
            stderr=False)
        return 0
    if args.action == "start" and warm_client.control(data, "status") is None:
        if not data.is_dir():
            say(f"briefing: no data dir at {data} (run `briefing index` first)")
            return 1
        warm_client.start(data, _warm_up_argv(args))
        deadline = time.monotonic() + 120
        while warm_client.control(data, "status") is None:
            if time.monotonic() > deadline:
                say(f"briefing: the server did not start; see {data / 'server.log'}")
                return 1
            time.sleep(0.1)
    reply = warm_client.control(data, "status")
    if args.json:
        print(json.dumps(reply or {"status": "stopped", "data_dir": str(data)}, indent=2))
    elif reply:
        say(f"server for {reply['data_dir']}: pid {reply['pid']}, up {time.time() - reply['started']:.0f} s, "
            f"{reply['served']} call(s) served, exits after {reply['idle_limit_s']:.0f} s idle", stderr=False)
    else:
        say(f"no server runs for {data}", stderr=False)
    return 0 if reply else 1


def _warm_up_argv(args: argparse.Namespace) -> list[str]:
    """A search the new server runs once to load everything (its output is dropped)."""
    front = [f"--data-dir={args.data_dir}"] if args.data_dir else []
    front += [f"--config={args.config}"] if args.config else []
    return [*front, "search", "--json", "warm-up"]
