"""Fixtures whose after.py is tf-migrate's own output (`after = "tool"`): migrating before.py
with every rule and the safe fixes (what `tf-migrate before.py` does) gives exactly after.py."""

from __future__ import annotations

import io
import tokenize
import tomllib
from pathlib import Path

import pytest

from tf_migrate.engine.fixer import fix_module
from tf_migrate.model import Applicability
from tf_migrate.rules.registry import all_rules

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _tool_fixtures() -> list[Path]:
    found = []
    for toml in sorted(FIXTURES.glob("*/fixture.toml")):
        if tomllib.loads(toml.read_text("utf-8")).get("after") == "tool":
            found.append(toml.parent)
    return found


TOOL_FIXTURES = _tool_fixtures()


def _safe(applicability: Applicability) -> bool:
    return applicability is Applicability.SAFE


def test_there_are_tool_fixtures() -> None:
    assert len(TOOL_FIXTURES) >= 5


@pytest.mark.parametrize("folder", TOOL_FIXTURES, ids=[f.name for f in TOOL_FIXTURES])
def test_after_is_the_tools_output(folder: Path) -> None:
    before = (folder / "before.py").read_text("utf-8")
    after = (folder / "after.py").read_text("utf-8")
    # The folder is the program's project: helpers it imports from beside it are read.
    outcome = fix_module(before, all_rules(), should_apply=_safe, path=folder / "before.py")
    assert outcome.source == after, (
        f"{folder.name}: migrating before.py no longer gives after.py; regenerate it and check "
        "it with `tf-migrate verify`"
    )


def _code_names(source: str) -> set[str]:
    """Identifiers of the code, leaving out docstrings, strings and comments."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {token.string for token in tokens if token.type == tokenize.NAME}


@pytest.mark.parametrize("folder", TOOL_FIXTURES, ids=[f.name for f in TOOL_FIXTURES])
def test_after_has_no_tf1_graph_idioms(folder: Path) -> None:
    names = _code_names((folder / "after.py").read_text("utf-8"))
    for idiom in ("compat", "Session", "InteractiveSession", "placeholder",
                  "placeholder_with_default", "feed_dict", "global_variables_initializer"):
        assert idiom not in names, f"{folder.name}/after.py still uses `{idiom}`"
