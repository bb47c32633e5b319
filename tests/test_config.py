"""Config merging and one-line errors naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.search.config import ConfigError, data_dir, load_config

from .conftest import run_cli


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "user.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_load():
    cfg = load_config(use_user_file=False)
    assert cfg.keys["quit"] == "q" and cfg.max_file_mb > 0
    names = {e.name for e in cfg.gazetteer}
    assert {"삼성전자", "소프트뱅크", "손정의"} <= names


def test_user_file_merges_and_extends_gazetteer(tmp_path):
    p = write(tmp_path, "export:\n  folder: out\ngazetteer:\n  - {name: 새회사, type: company, aliases: [NewCo]}\n"
                        "  - {name: 삼성전자, type: company, aliases: [SEC]}\n")
    cfg = load_config(p)
    assert str(cfg.export_folder) == "out"
    by_name = {e.name: e for e in cfg.gazetteer}
    assert by_name["새회사"].aliases == ("NewCo",)
    assert by_name["삼성전자"].aliases == ("SEC",)  # the user's entry replaces the default
    assert cfg.keys["quit"] == "q"  # untouched keys keep their defaults


@pytest.mark.parametrize(
    "text, line, key",
    [
        ("corpus:\n  max_file_mb: lots\n", 2, "corpus.max_file_mb"),
        ("corpus:\n  paths: notalist\n", 2, "corpus.paths"),
        ("export:\n  folder: [a, b]\n", 2, "export.folder"),
        ("index:\n  workers: 1.5\n", 2, "index.workers"),
        ("colour: red\n", 1, "colour"),
        ("gazetteer:\n  - {name: X}\n", 2, "gazetteer[0].type"),
        ("gazetteer:\n  - {name: X, type: planet}\n", 2, "gazetteer[0].type"),
        ("keys:\n  quit: ''\n", None, "keys.quit"),
    ],
)
def test_wrong_types_name_line_and_key(tmp_path, text, line, key):
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    assert exc.value.key == key and exc.value.line == line
    assert str(p) in str(exc.value) and "\n" not in str(exc.value)


def test_malformed_yaml_names_line(tmp_path):
    p = write(tmp_path, "corpus:\n  paths: [a, b\nexport: {}\n")
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    assert exc.value.line is not None and "invalid YAML" in str(exc.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_cli_reports_config_error_in_one_line_exit_2(tmp_path):
    p = write(tmp_path, "corpus:\n  max_file_mb: lots\n")
    proc = run_cli("--config", str(p), "list", data_dir=tmp_path / "data", cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert f"{p}:2" in lines[0] and "corpus.max_file_mb" in lines[0]


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "env"))
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("BRIEFING_DATA_DIR")
    assert "briefing" in str(data_dir(None))
