"""All rules, looked up by code, code prefix or name.

Selecting rules needs only their codes and names. `rule_index` gives those without importing the
rules (and libcst with them) when this same code has recorded them before, so a run whose every
file is answered by the result cache imports neither.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tf_migrate.rules.support.rule import Rule

# (code, name) of a rule.
RuleInfo = tuple[str, str]


class UnknownRuleError(ValueError):
    pass


def _family_modules() -> list[str]:
    import tf_migrate.rules as package

    return sorted(
        f"{package.__name__}.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if info.name not in {"base", "registry", "tables"} and not info.name.startswith("_")
    )


def _concrete_rules(cls: type[Rule]) -> Iterable[type[Rule]]:
    for sub in cls.__subclasses__():
        if "code" in sub.__dict__:
            yield sub
        yield from _concrete_rules(sub)


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every registered rule, sorted by code. Rule modules are imported once, on first use."""
    from tf_migrate.rules.support.rule import Rule

    for module in _family_modules():
        importlib.import_module(module)
    rules: dict[str, type[Rule]] = {}
    for rule in _concrete_rules(Rule):
        if rule.__module__.startswith("tf_migrate.rules."):
            existing = rules.setdefault(rule.code, rule)
            if existing is not rule:
                raise RuntimeError(f"{rule.code} is claimed by {existing.name} and {rule.name}")
    found = tuple(sorted(rules.values(), key=lambda r: r.code))
    _record_index(tuple((rule.code, rule.name) for rule in found))
    return found


def _index_file() -> Path:
    """Where the index of this exact code is kept: named by the fingerprint of the package's
    files, which changes whenever a rule module does."""
    from tf_migrate.engine.cache import code_fingerprint

    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "tf-migrate" / "rule-index" / f"{code_fingerprint()}.json"


def _record_index(index: tuple[RuleInfo, ...]) -> None:
    """Keep `index` for later runs; only the current code's file is kept. Best effort: a file
    that cannot be written costs later runs the import of the rules, nothing else."""
    try:
        target = _index_file()
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(index, handle)
        os.replace(temporary, target)
        for stale in target.parent.glob("*.json"):
            if stale != target:
                stale.unlink(missing_ok=True)
    except OSError:
        return


def _recorded_index() -> tuple[RuleInfo, ...] | None:
    try:
        data = json.loads(_index_file().read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, list) or not all(
        isinstance(item, list) and len(item) == 2 and all(isinstance(s, str) for s in item)
        for item in data
    ):
        return None
    return tuple((code, name) for code, name in data)


@cache
def rule_index() -> tuple[RuleInfo, ...]:
    """(code, name) of every rule, sorted by code: as all_rules() gives them."""
    return _recorded_index() or tuple((rule.code, rule.name) for rule in all_rules())


def rule_by_code(code: str) -> type[Rule]:
    for rule in all_rules():
        if rule.code == code.upper() or rule.name == code:
            return rule
    raise UnknownRuleError(f"unknown rule {code!r}; `tf-migrate rules` lists them")


def _matches(rule: RuleInfo, selector: str) -> bool:
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    code, name = rule
    return code.startswith(selector.upper()) or name == selector


def validate_selectors(selectors: Iterable[str]) -> None:
    for selector in selectors:
        if not any(_matches(rule, selector) for rule in rule_index()):
            raise UnknownRuleError(
                f"{selector!r} matches no rule code, prefix or name; `tf-migrate rules` lists them"
            )


@cache
def _selected_codes(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[str, ...]:
    validate_selectors(select + ignore)
    return tuple(
        rule[0]
        for rule in rule_index()
        if any(_matches(rule, s) for s in select) and not any(_matches(rule, i) for i in ignore)
    )


def select_codes(select: Iterable[str] = ("ALL",), ignore: Iterable[str] = ()) -> tuple[str, ...]:
    """The codes `select` enables and `ignore` does not disable, in code order."""
    return _selected_codes(tuple(select), tuple(ignore))


def rules_for_codes(codes: Iterable[str]) -> tuple[type[Rule], ...]:
    """The rule classes of `codes`, in code order (this imports the rules)."""
    wanted = set(codes)
    return tuple(rule for rule in all_rules() if rule.code in wanted)


def select_rules(select: Iterable[str] = ("ALL",), ignore: Iterable[str] = ()) -> list[type[Rule]]:
    return list(rules_for_codes(select_codes(select, ignore)))
