"""The code table (tf_migrate/rules/codes.py) and rule selection (tf_migrate/rules/registry.py)."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tf_migrate.rules as rules_package
import tf_migrate.rules.registry as registry
from tf_migrate.rules.codes import CODES
from tf_migrate.rules.registry import (
    UnknownRuleError,
    all_rules,
    check_selectors,
    select_codes,
    select_rules,
)
from tf_migrate.rules.support.rule import Rule
from tf_migrate.settings import ConfigError, Settings

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = Path(rules_package.__file__).parent
# Modules of the rules package that hold no rule.
NOT_RULES = {"codes", "registry"}


def _rule_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(RULES_DIR)])
        if not info.ispkg and info.name not in NOT_RULES
    )


def _discovered() -> dict[str, tuple[str, str]]:
    """Every concrete rule class found by importing every module of the rules package."""
    found: dict[str, tuple[str, str]] = {}
    for module_name in _rule_modules():
        module = importlib.import_module(f"tf_migrate.rules.{module_name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Rule) and "code" in vars(value) and value.__module__ == (
                module.__name__
            ):
                assert value.code not in found, f"{value.code} is defined twice"
                found[value.code] = (value.name, f"{module_name}.{value.__qualname__}")
    return found


def test_the_code_table_lists_exactly_the_rules_the_package_defines() -> None:
    assert _discovered() == CODES
    assert "TFM000" in CODES


def test_the_registry_gives_the_tables_classes_in_code_order() -> None:
    assert [rule.code for rule in all_rules()] == sorted(CODES)


def test_a_class_that_contradicts_the_table_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CODES, "TFM101", ("placeholder", "graph_session.Session"))
    with pytest.raises(RuntimeError, match="the class says TFM102"):
        registry._rule_class("TFM101")


def test_each_rule_modules_header_names_exactly_its_codes() -> None:
    by_module: dict[str, set[str]] = {}
    for code, (_, location) in CODES.items():
        by_module.setdefault(location.rpartition(".")[0], set()).add(code)
    assert set(by_module) == set(_rule_modules())
    for module_name, codes in by_module.items():
        source = (RULES_DIR / f"{module_name}.py").read_text("utf-8")
        docstring = ast.get_docstring(ast.parse(source)) or ""
        header = re.match(r"(TFM\d{3})(?:-(TFM\d{3}))?: ", docstring)
        assert header, f"{module_name}.py: the docstring must start with its codes"
        first, last = header.group(1), header.group(2) or header.group(1)
        named = {code for code in CODES if first <= code <= last}
        assert named == codes, f"{module_name}.py names {sorted(named)}, holds {sorted(codes)}"


def test_selection_by_code_prefix_and_name() -> None:
    select, ignore = ("TFM1", "tf1-symbol-name"), ("TFM104", "session")
    codes = select_codes(select, ignore)
    assert "TFM401" in codes and "TFM101" in codes
    assert "TFM104" not in codes and "TFM102" not in codes and "TFM201" not in codes
    assert [rule.code for rule in select_rules(select, ignore)] == list(codes)
    with pytest.raises(UnknownRuleError):
        select_codes(("TFM9",))


def test_unknown_selectors_in_settings_are_a_configuration_error() -> None:
    check_selectors(Settings(select=("TFM1", "placeholder"), ignore=("TFM401",)))
    for settings in (
        Settings(select=("TFM9",)),
        Settings(ignore=("no-such-rule",)),
        Settings(per_file_ignores=(("tests/*", ("TFM999",)),)),
    ):
        with pytest.raises(ConfigError, match="matches no rule"):
            check_selectors(settings)


def test_selecting_imports_no_rule_and_no_libcst() -> None:
    script = """
        import sys
        from tf_migrate.rules.registry import select_codes, validate_selectors
        validate_selectors(["TFM1", "placeholder"])
        print(",".join(select_codes(["ALL"], ["TFM2"])))
        print(sorted(m for m in sys.modules if m == "libcst" or m.startswith("tf_migrate.rules.")))
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=env, capture_output=True, text=True, check=True,
    )
    selected, imported = completed.stdout.splitlines()
    assert selected == ",".join(code for code in sorted(CODES) if not code.startswith("TFM2"))
    assert imported == "['tf_migrate.rules.codes', 'tf_migrate.rules.registry']"


def test_a_symbol_claimed_by_two_rules_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class First(Rule):
        symbols = {"tf.layers": "one"}

    class Second(Rule):
        symbols = {"tf.layers": "two"}

    monkeypatch.setattr(registry, "all_rules", lambda: (First, Second))
    with pytest.raises(RuntimeError, match=r"tf\.layers is claimed by"):
        registry.symbol_table.__wrapped__()


def test_the_longest_key_owns_a_symbol() -> None:
    owner = registry.symbol_owner("tf.contrib.layers.fully_connected.extra")
    assert owner is not None and owner[0].code == "TFM305"
    assert owner[1] == "tf.contrib.layers.fully_connected"
    owner = registry.symbol_owner("tf.contrib.rnn.LSTMCell")
    assert owner is not None and owner[1].startswith("tf.contrib")
    assert registry.symbol_owner("tf.math.log") is None
