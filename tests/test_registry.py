"""Rule selection (tf_migrate/rules/registry.py) and its index of codes and names, which lets a
run whose every file is a cache hit go without importing the rules and libcst."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tf_migrate.rules.registry as registry
from tf_migrate.rules.registry import (
    UnknownRuleError,
    all_rules,
    rule_index,
    select_codes,
    select_rules,
)

ROOT = Path(__file__).resolve().parent.parent


def test_the_index_lists_every_rule_in_code_order() -> None:
    assert rule_index() == tuple((rule.code, rule.name) for rule in all_rules())


def test_selection_by_code_prefix_and_name() -> None:
    select, ignore = ("TFM1", "tf1-symbol-name"), ("TFM104", "session")
    codes = select_codes(select, ignore)
    assert "TFM401" in codes and "TFM101" in codes
    assert "TFM104" not in codes and "TFM102" not in codes and "TFM201" not in codes
    assert [rule.code for rule in select_rules(select, ignore)] == list(codes)
    with pytest.raises(UnknownRuleError):
        select_codes(("TFM9",))


def test_a_damaged_index_file_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "index.json"
    monkeypatch.setattr(registry, "_index_file", lambda: index)
    for text in ("not json", '{"TFM101": "placeholder"}', '[["TFM101"]]', '[[1, 2]]'):
        index.write_text(text)
        assert registry._recorded_index() is None
    index.write_text(json.dumps([["TFM101", "placeholder"]]))
    assert registry._recorded_index() == (("TFM101", "placeholder"),)


def _python(script: str, cache_home: Path) -> list[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.splitlines()


def test_a_recorded_index_selects_without_importing_the_rules(tmp_path: Path) -> None:
    selecting = """
        import sys
        from tf_migrate.rules.registry import select_codes, validate_selectors
        validate_selectors(["TFM1", "placeholder"])
        print(",".join(select_codes(["ALL"], ["TFM2"])))
        print("libcst" in sys.modules)
    """
    first = _python(selecting, tmp_path)
    assert first[1] == "True"  # nothing recorded yet: the rules were imported, and recorded
    assert len(list((tmp_path / "tf-migrate" / "rule-index").glob("*.json"))) == 1
    second = _python(selecting, tmp_path)
    assert second == [first[0], "False"]
    assert first[0] == ",".join(code for code, _ in rule_index() if not code.startswith("TFM2"))
