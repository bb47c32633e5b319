"""Configuration: the shipped ``config.yaml`` merged with a user file, validated with line numbers.

A malformed or wrongly typed file raises :class:`ConfigError`, whose message is one line naming
the file, the line and the key; the CLI prints it and exits with status 2.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefing.search.model import ENTITY_TYPES
from briefing.search.resources import default_config_path


class ConfigError(Exception):
    """A config file that cannot be used; ``str()`` is the one-line message for the user."""

    def __init__(self, path: Path | str, line: int | None, key: str, problem: str):
        self.path, self.line, self.key, self.problem = str(path), line, key, problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


@dataclass(frozen=True)
class GazetteerEntry:
    """One known entity: canonical name, type, aliases, optional ticker/homepage."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    ticker: str | None = None
    homepage: str | None = None
    media: bool = False  # a news outlet (shown apart when it only credits a photo or a report)


@dataclass
class Config:
    """The merged, validated configuration."""

    corpus_paths: list[Path]
    extensions: list[str]
    max_file_mb: float
    export_folder: Path
    index_workers: int
    keys: dict[str, str]
    gazetteer: list[GazetteerEntry]
    sources: list[str] = field(default_factory=list)  # files merged, in order
    fetch: dict[str, Any] = field(default_factory=dict)  # `fetch:` settings (briefing.search.feeds.client.FetchSettings)
    max_article_chars: int = 2_000_000  # longer bodies: the first part is indexed, with a warning


# --- schema -------------------------------------------------------------------------------
# Each leaf is (python types, description used in messages).
_STR = ((str,), "a string")
_NUM = ((int, float), "a number")
_INT = ((int,), "a whole number")
_BOOL = ((bool,), "true or false")
_STR_LIST = ("list", _STR)

_SCHEMA: dict[str, Any] = {
    "corpus": {"paths": _STR_LIST, "extensions": _STR_LIST, "max_file_mb": _NUM, "max_article_chars": _INT},
    "export": {"folder": _STR},
    "index": {"workers": _INT},
    "fetch": {"on_start": _BOOL, "delay_s": _NUM, "timeout_s": _NUM, "retries": _INT, "backoff_s": _NUM,
              "concurrency": _INT, "max_page_mb": _NUM, "user_agent": _STR, "robots": _BOOL},
    "keys": ("map", _STR),
    "gazetteer": (
        "list",
        {
            "name": _STR,
            "type": _STR,
            "aliases": _STR_LIST,
            "ticker": _STR,
            "homepage": _STR,
            "media": _BOOL,
        },
    ),
}

_REQUIRED_ENTRY_KEYS = ("name", "type")


_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null")}


def _scalar_value(node: yaml.ScalarNode) -> Any:
    """The value of a plain scalar; other tags (``!!python/name:``, ``!!timestamp`` ...) are refused."""
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    if node.tag not in _SCALAR_TAGS:
        raise _BadTag(node.tag)
    return yaml.safe_load(yaml.serialize(node))


class _BadTag(Exception):
    """A scalar with a tag this file does not accept."""


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if not isinstance(node, yaml.ScalarNode):
        return "a list"
    try:
        return repr(_scalar_value(node))
    except _BadTag:
        return repr(node.value)


def _check(node: yaml.Node, spec: Any, key: str, path: Path) -> Any:
    """Validate ``node`` against ``spec`` and return its Python value."""
    line = node.start_mark.line + 1

    def fail(problem: str, at: yaml.Node = node, k: str = key) -> ConfigError:
        return ConfigError(path, at.start_mark.line + 1, k, problem)

    if isinstance(spec, dict):
        if not isinstance(node, yaml.MappingNode):
            raise fail(f"expected a mapping, got {_describe(node)}")
        out = {}
        for knode, vnode in node.value:
            name = str(knode.value)
            sub = f"{key}.{name}" if key else name
            if name not in spec:
                raise fail(f"unknown key (expected one of: {', '.join(spec)})", knode, sub)
            out[name] = _check(vnode, spec[name], sub, path)
        return out
    if isinstance(spec, tuple) and spec and spec[0] in ("list", "map"):
        kind, inner = spec
        if kind == "list":
            if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
                return []
            if not isinstance(node, yaml.SequenceNode):
                raise fail(f"expected a list, got {_describe(node)}")
            return [_check(item, inner, f"{key}[{i}]", path) for i, item in enumerate(node.value)]
        if not isinstance(node, yaml.MappingNode):
            raise fail(f"expected a mapping, got {_describe(node)}")
        return {
            str(k.value): _check(v, inner, f"{key}.{k.value}", path) for k, v in node.value
        }
    types, desc = spec
    if not isinstance(node, yaml.ScalarNode):
        raise fail(f"expected {desc}, got {_describe(node)}")
    try:
        value = _scalar_value(node)
    except _BadTag:
        raise fail(f"expected {desc}, got a value tagged {node.tag.replace('tag:yaml.org,2002:', '!!')} "
                   "(tags are not allowed)") from None
    if types == (str,) and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = node.value  # "9984.T"-like tickers and bare numbers are fine as strings
    if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
        raise ConfigError(path, line, key, f"expected {desc}, got {_describe(node)}")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key in _RANGES:
        low, high = _RANGES[key]
        if not (math.isfinite(value) and low <= value <= high):
            raise ConfigError(path, line, key, f"must be a number from {low:g} to {high:g}, got {node.value}")
    return value


# finite ranges of the numeric settings (``.inf``, ``.nan``, ``1e999`` and negatives are refused)
_RANGES = {"corpus.max_file_mb": (0.001, 1_000_000), "index.workers": (0, 1024)}


def read_config_file(path: Path) -> tuple[dict, dict[str, int]]:
    """Parse and validate one file; return its data and the line of each gazetteer entry."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(path, None, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, None, "", f"cannot read: {exc}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(str(p) for p in (exc.problem, exc.context) if p) or "invalid YAML"
        raise ConfigError(path, line, "", f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, None, "", f"invalid YAML: {exc}") from None
    if root is None:
        return {}, {}
    data = _check(root, _SCHEMA, "", path)
    lines: dict[str, int] = {}
    if "gazetteer" in data:
        gaz_node = next(v for k, v in root.value if k.value == "gazetteer")
        for i, (entry, node) in enumerate(zip(data["gazetteer"], gaz_node.value)):
            line = node.start_mark.line + 1
            for req in _REQUIRED_ENTRY_KEYS:
                if not str(entry.get(req) or "").strip():
                    raise ConfigError(path, line, f"gazetteer[{i}].{req}", "is required")
            if entry["type"] not in ENTITY_TYPES:
                raise ConfigError(
                    path, line, f"gazetteer[{i}].type",
                    f"must be one of {', '.join(ENTITY_TYPES)}, got {entry['type']!r}",
                )
            lines[entry["name"]] = line
    if "keys" in data:
        for action, value in data["keys"].items():
            if not value.strip():
                raise ConfigError(path, None, f"keys.{action}", "key must not be empty")
    return data, lines


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if key == "gazetteer":
            by_name = {e["name"]: e for e in out.get("gazetteer", [])}
            for entry in value:
                by_name[entry["name"]] = entry
            out["gazetteer"] = list(by_name.values())
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def user_config_path() -> Path:
    """The per-user config file (platformdirs config dir)."""
    from platformdirs import user_config_path as _ucp

    return _ucp("briefing") / "config.yaml"


def load_config(path: Path | str | None = None, *, use_user_file: bool = True) -> Config:
    """Load the shipped defaults, then ``path`` (or the user file if it exists) on top."""
    default = default_config_path()
    data, _ = read_config_file(default)
    sources = [str(default)]
    override: Path | None = Path(path) if path else None
    if override is None and use_user_file:
        candidate = user_config_path()
        if candidate.exists():
            override = candidate
    base_dir = Path.cwd()
    if override is not None:
        over, _ = read_config_file(override)
        data = _merge(data, over)
        sources.append(str(override))
        base_dir = override.resolve().parent
    return _build(data, sources, base_dir)


def _build(data: dict, sources: list[str], base_dir: Path) -> Config:
    corpus = data.get("corpus", {})
    paths = [Path(os.path.expanduser(p)) for p in corpus.get("paths", [])]
    paths = [p if p.is_absolute() else base_dir / p for p in paths]
    exts = [e.lower() if e.startswith(".") else "." + e.lower() for e in corpus.get("extensions", [])]
    gazetteer = [
        GazetteerEntry(
            name=e["name"].strip(),
            type=e["type"],
            aliases=tuple(a.strip() for a in e.get("aliases", []) if a.strip()),
            ticker=e.get("ticker"),
            homepage=e.get("homepage"),
            media=bool(e.get("media", False)),
        )
        for e in data.get("gazetteer", [])
    ]
    return Config(
        corpus_paths=paths,
        extensions=exts or [".txt"],
        max_file_mb=float(corpus.get("max_file_mb", 64)),
        export_folder=Path(os.path.expanduser(data.get("export", {}).get("folder", "./briefs"))),
        index_workers=int(data.get("index", {}).get("workers", 0)),
        keys=dict(data.get("keys", {})),
        gazetteer=gazetteer,
        sources=sources,
        fetch=dict(data.get("fetch", {})),
        max_article_chars=max(1, int(corpus.get("max_article_chars", 2_000_000))),
    )


def data_dir(explicit: Path | str | None = None) -> Path:
    """Where the index lives: ``--data-dir``, else ``$BRIEFING_DATA_DIR``, else platformdirs."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("BRIEFING_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("briefing")
