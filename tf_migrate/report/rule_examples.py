"""What a rule really reports, read from its own examples: a message as users see it (a rule's
`message` is a template with holes such as `{name}`), and every fix kind its findings can have
(TFM150 is safe for one program, unsafe for another, refused for a third).

The examples run through the fixer in check mode, once per process: listing all the rules
costs about half a second, paid only by `rules`, `explain`, SARIF and the generated docs.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from tf_migrate.model import Applicability, Finding

if TYPE_CHECKING:
    from tf_migrate.rules.support.rule import Rule

# The order fix kinds are named in: what a plain run does first.
KIND_ORDER = (Applicability.SAFE, Applicability.UNSAFE, Applicability.MANUAL)


@cache
def example_findings(rule: type[Rule]) -> tuple[Finding, ...]:
    """The findings `rule` reports on its Invalid examples, nothing applied."""
    from tf_migrate.engine.fixer import fix_module
    from tf_migrate.rules.support.rule import Invalid

    found: list[Finding] = []
    for example in rule.examples:
        if isinstance(example, Invalid):
            outcome = fix_module(example.code, [rule], should_apply=lambda kind: False)
            found += outcome.remaining
    return tuple(found)


def example_message(rule: type[Rule]) -> str:
    """The message of the rule's first example finding; the rule's own message for a rule
    without examples (the engine's TFM000, whose message has no holes)."""
    findings = example_findings(rule)
    return findings[0].message if findings else rule.message


def fix_kinds(rule: type[Rule]) -> tuple[Applicability, ...]:
    """Every fix kind the rule's findings take: its examples' and its declared default."""
    kinds = {finding.applicability for finding in example_findings(rule)}
    kinds.add(rule.applicability if rule.fix_title else Applicability.MANUAL)
    return tuple(kind for kind in KIND_ORDER if kind in kinds)


def fix_kinds_text(rule: type[Rule]) -> str:
    """`safe`, `safe or manual`, `safe, unsafe or manual`."""
    names = [kind.value for kind in fix_kinds(rule)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
