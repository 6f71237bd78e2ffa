"""All rules, looked up by code, code prefix or name."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from functools import cache

from tf_migrate.rules.base import Rule


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
    for module in _family_modules():
        importlib.import_module(module)
    rules: dict[str, type[Rule]] = {}
    for rule in _concrete_rules(Rule):
        if rule.__module__.startswith("tf_migrate.rules."):
            existing = rules.setdefault(rule.code, rule)
            if existing is not rule:
                raise RuntimeError(f"{rule.code} is claimed by {existing.name} and {rule.name}")
    return tuple(sorted(rules.values(), key=lambda r: r.code))


def rule_by_code(code: str) -> type[Rule]:
    for rule in all_rules():
        if rule.code == code.upper() or rule.name == code:
            return rule
    raise UnknownRuleError(f"unknown rule {code!r}; `tf-migrate rules` lists them")


def _matches(rule: type[Rule], selector: str) -> bool:
    selector = selector.strip()
    if selector.upper() == "ALL":
        return True
    return rule.code.startswith(selector.upper()) or rule.name == selector


def validate_selectors(selectors: Iterable[str]) -> None:
    for selector in selectors:
        if not any(_matches(rule, selector) for rule in all_rules()):
            raise UnknownRuleError(
                f"{selector!r} matches no rule code, prefix or name; `tf-migrate rules` lists them"
            )


def select_rules(select: Iterable[str] = ("ALL",), ignore: Iterable[str] = ()) -> list[type[Rule]]:
    select, ignore = list(select), list(ignore)
    validate_selectors(select + ignore)
    return [
        rule
        for rule in all_rules()
        if any(_matches(rule, s) for s in select) and not any(_matches(rule, i) for i in ignore)
    ]
