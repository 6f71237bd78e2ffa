"""Every Valid/Invalid example declared on a rule is a test case (the rule contract)."""

from __future__ import annotations

import pytest

from tf_migrate.engine.fixer import fix_module
from tf_migrate.model import Applicability
from tf_migrate.rules.registry import all_rules
from tf_migrate.rules.support.rule import Invalid, Rule, Valid


def _cases() -> list[tuple[type[Rule], Valid | Invalid]]:
    return [(rule, example) for rule in all_rules() for example in rule.examples]


CASES = _cases()


def _apply_all(applicability: Applicability) -> bool:
    return True


@pytest.mark.parametrize(
    ("rule", "example"),
    CASES,
    ids=[f"{rule.code}-{type(ex).__name__.lower()}-{i}" for i, (rule, ex) in enumerate(CASES)],
)
def test_rule_example(rule: type[Rule], example: Valid | Invalid) -> None:
    outcome = fix_module(example.code, [rule], should_apply=_apply_all)
    if isinstance(example, Valid):
        assert outcome.fixed == [] and outcome.remaining == []
        assert outcome.source == example.code
        return
    reported = outcome.fixed + outcome.remaining
    assert reported, f"{rule.code} did not report:\n{example.code}"
    assert {finding.code for finding in reported} == {rule.code}
    if example.fixed is None:
        assert outcome.fixed == [], "example declares no fix, but the rule fixed it"
        assert outcome.source == example.code
        return
    assert outcome.fixed, "example declares a fix, but the rule offered none"
    assert outcome.source == example.fixed
    compile(outcome.source, "<fixed>", "exec")
    again = fix_module(outcome.source, [rule], should_apply=_apply_all)
    assert again.source == outcome.source, "a second run changed the fixed code"
    assert again.fixed == []


def test_every_rule_has_examples_and_docs() -> None:
    for rule in all_rules():
        doc = rule.documentation()
        for section in ("## What it does", "## Why is this bad?", "## Fix safety"):
            assert section in doc, f"{rule.code} docstring lacks {section!r}"
        if rule.code not in ("TFM000", "TFM001"):  # engine findings have no snippet to visit
            assert any(isinstance(e, Invalid) for e in rule.examples), rule.code
