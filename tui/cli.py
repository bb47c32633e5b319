"""The ``briefing`` command: no subcommand opens the app; subcommands work headless."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from briefing.search import __version__
from briefing.search.config import Config, ConfigError, data_dir, load_config, user_config_path
from briefing.search.ingest.decode import strip_controls
from briefing.search.errors import BriefingError

from briefing.tui.commands import COMMAND_MODULES


class Context:
    """What every command needs, built lazily from the global options."""

    def __init__(self, args: argparse.Namespace):
        self.args = args

    @cached_property
    def config(self) -> Config:
        return self.load_config()

    @cached_property
    def data_dir(self) -> Path:
        return data_dir(self.args.data_dir)

    @cached_property
    def engine(self):
        return self.make_engine()

    def load_config(self) -> Config:
        return load_config(self.args.config)

    def make_engine(self):
        from briefing.search.engine import Engine

        return Engine(self.config, self.data_dir)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description=(
            "Terminal news-briefing browser for Korean/Japanese/US tech and industrial-policy news. "
            "With no command it opens the app on the configured corpus (the bundled seeds by default)."
        ),
        epilog=(
            f"User config: {user_config_path()} (overrides the shipped config.yaml). "
            "Index: --data-dir, else $BRIEFING_DATA_DIR, else the platform data dir."
        ),
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    parser.add_argument("--config", metavar="PATH", help="config file to merge over the defaults")
    parser.add_argument("--data-dir", metavar="PATH", help="where the index lives")
    parser.add_argument("--no-server", action="store_true",
                        help="do the work in this process, without the warm search server (see `briefing server`; "
                             "or set BRIEFING_NO_SERVER=1)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f".commands.{name}", __package__)
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


GLOBAL_OPTIONS = ("--config", "--data-dir")
GLOBAL_FLAGS = ("--no-server",)


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move ``--data-dir X`` / ``--config X`` (or ``--opt=X``) found after the subcommand to the
    front, so ``briefing search Q --data-dir D`` works like ``briefing --data-dir D search Q``.
    Nothing after a ``--`` is touched."""
    front, rest = [], []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.split("=", 1)[0]
        if arg in GLOBAL_FLAGS and i > 0:
            front.append(arg)
        elif name in GLOBAL_OPTIONS and i > 0:
            if "=" in arg:
                front.append(arg)
            else:
                front.extend(argv[i:i + 2])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> int:
    from briefing.tui import warm_client

    argv = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    code = warm_client.serve(argv)  # a search answered by the data dir's warm server
    if code is not None:
        return code
    code = run(argv)
    warm_client.start_if_wanted(argv)
    return code


def run(argv: list[str], make_context: Callable[[argparse.Namespace], Context] = Context) -> int:
    """Parse ``argv`` (global options first) and run it in this process."""
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = make_context(args)
    try:
        if args.command is None:
            from briefing.tui.app import run_app

            return run_app(ctx)
        code = int(args._run(args, ctx) or 0)
        if "engine" in ctx.__dict__:
            for notice in ctx.engine.notices:
                print(f"briefing: {strip_controls(notice)}", file=sys.stderr)
        return code
    except ConfigError as exc:
        print(f"briefing: config error: {strip_controls(str(exc))}", file=sys.stderr)
        return 2
    except BriefingError as exc:
        print(f"briefing: {strip_controls(str(exc))}", file=sys.stderr)
        if "engine" in ctx.__dict__:
            for notice in ctx.engine.notices:
                print(f"briefing: {strip_controls(notice)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
