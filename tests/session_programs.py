"""Shared by the TFM150 tests: migrate a snippet with the session-program rule alone."""

from __future__ import annotations

import textwrap

from tf_migrate.engine.fixer import fix_module
from tf_migrate.model import Applicability
from tf_migrate.rules.session_program import SessionProgram
from tf_migrate.rules.support.rule import RuleOptions


def migrate(code: str, options: RuleOptions | None = None
            ) -> tuple[str, list[tuple[str, Applicability]]]:
    """The migrated source (every fix applied, unsafe ones too) and each finding's message and
    applicability."""
    outcome = fix_module(textwrap.dedent(code), [SessionProgram], should_apply=lambda a: True,
                         options=options)
    findings = [(f.message, f.applicability) for f in outcome.fixed + outcome.remaining]
    return outcome.source, findings
