"""All rules, looked up by code, code prefix or name, and the table rules' TF1 symbols.

Selecting rules needs only their codes and names, which the code table (codes.py) holds: a run
whose every file is answered by the result cache imports no rule (and no libcst with them). The
rule classes are imported on first use, and each must say the code and name the table gives it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING

from tf_migrate.rules.codes import CODES
from tf_migrate.settings import ConfigError, Settings

if TYPE_CHECKING:
    from tf_migrate.rules.support.rule import Rule

# (code, name) of a rule.
RuleInfo = tuple[str, str]


class UnknownRuleError(ValueError):
    pass


def _rule_class(code: str) -> type[Rule]:
    name, location = CODES[code]
    module, _, qualname = location.rpartition(".")
    rule: type[Rule] = getattr(importlib.import_module(f"tf_migrate.rules.{module}"), qualname)
    if rule.code != code or rule.name != name:
        raise RuntimeError(
            f"the code table gives {location} as {code} {name!r}; the class says "
            f"{rule.code} {rule.name!r}"
        )
    return rule


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule, sorted by code. Rule modules are imported once, on first use."""
    return tuple(_rule_class(code) for code in sorted(CODES))


def rule_index() -> tuple[RuleInfo, ...]:
    """(code, name) of every rule, sorted by code: as all_rules() gives them."""
    return tuple((code, CODES[code][0]) for code in sorted(CODES))


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


def check_selectors(settings: Settings) -> None:
    """Raises ConfigError when `select`, `ignore` or `per-file-ignores` names no rule."""
    selectors = [*settings.select, *settings.ignore]
    selectors += [code for _, codes in settings.per_file_ignores for code in codes]
    try:
        validate_selectors(selectors)
    except UnknownRuleError as error:
        raise ConfigError(str(error)) from error


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


# -- the table rules' TF1 symbols ------------------------------------------------------------


@cache
def symbol_table() -> Mapping[str, type[Rule]]:
    """Every key of every table rule ("tf.layers" covers tf.layers.dense) and the rule that
    owns it. A key claimed by two rules is an error: no use may be reported under two codes."""
    owners: dict[str, type[Rule]] = {}
    for rule in all_rules():
        for key in vars(rule).get("symbols", {}):
            claimed = owners.setdefault(key, rule)
            if claimed is not rule:
                raise RuntimeError(f"{key} is claimed by {claimed.__qualname__} and "
                                   f"{rule.__qualname__}")
    return owners


def symbol_owner(name: str) -> tuple[type[Rule], str] | None:
    """The table rule that owns `name` ("tf.x.y") and the key it matched, longest key first."""
    table = symbol_table()
    candidate = name
    while True:
        owner = table.get(candidate)
        if owner is not None:
            return owner, candidate
        candidate, dot, _ = candidate.rpartition(".")
        if not dot:
            return None


def owned_by_a_table_rule(name: str) -> bool:
    """Whether a table rule owns `name`: a TF1 idiom with its own finding (graph, session,
    scope, layers, Estimator, summary-v1, …), never renamed to `tf.compat.v1`, whose TF2 form
    the owning rule's message names."""
    return symbol_owner(name) is not None
