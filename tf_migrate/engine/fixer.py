"""Parse -> run rules in one batched pass -> apply fixes -> repeat until stable (capped).

Works on one Python source text; files.py deals with bytes, encodings and notebooks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper

from tf_migrate.analysis.file_facts import FileFacts
from tf_migrate.analysis.project_modules import ProjectModules
from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.analysis.symbol_uses import SymbolUses
from tf_migrate.cst.positions import PositionIndex
from tf_migrate.cst.walk import visit_batched
from tf_migrate.engine.suppression import parse_suppressions
from tf_migrate.model import Applicability, Finding, Location
from tf_migrate.rules.registry import symbol_owner
from tf_migrate.rules.support.rule import DeferredReplacement, Report, Rule, RuleOptions

# Each round applies every non-overlapping fix; new findings a fix exposes are handled in the next
# round. A rule set that keeps rewriting its own output is a bug, and the cap turns it into a
# finding instead of a hang.
MAX_ROUNDS = 10


@dataclass
class FixOutcome:
    source: str
    fixed: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    rounds: int = 0


def _finding(report: Report, position: CodeRange) -> Finding:
    return Finding(
        code=report.rule.code,
        rule_name=report.rule.name,
        message=report.message,
        location=Location(
            position.start.line,
            position.start.column + 1,
            position.end.line,
            position.end.column + 1,
        ),
        applicability=report.applicability,
        fix_title=report.fix_title if report.has_fix else None,
    )


def visit_module(
    module: cst.Module, code: str, visitors: Sequence[Rule], path: Path | None = None
) -> tuple[MetadataWrapper, PositionIndex]:
    """One batched traversal of `module` (parsed from `code`, the text of the file at `path`)
    by rule instances."""
    # The module was parsed for this round alone, so node identity is already unique.
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    names = NameResolver.for_module(wrapper, code)
    positions = PositionIndex(wrapper.module)
    uses = SymbolUses(names, symbol_owner)
    facts = FileFacts(names, positions, uses, ProjectModules(path))
    for visitor in visitors:
        visitor.attach(facts)
    # The uses go first: each reaches the rules that asked for it before their own hooks run.
    batch: list[cst.BatchableCSTVisitor] = [uses] if uses.has_listeners else []
    visit_batched(wrapper, [*batch, *visitors])
    return wrapper, positions


def collect(
    module: cst.Module, code: str, rules: Sequence[type[Rule]], options: RuleOptions,
    path: Path | None = None,
) -> tuple[MetadataWrapper, list[tuple[Report, Finding]]]:
    """Run every rule over `module` (whose source is `code`) in a single traversal."""
    visitors = [rule(options) for rule in rules]
    wrapper, positions = visit_module(module, code, visitors, path)
    pairs = [
        (report, _finding(report, positions.range(report.node)))
        for visitor in visitors
        for report in visitor.reports
    ]
    pairs.sort(key=lambda pair: (pair[1].location, pair[1].code))
    return wrapper, pairs


class _ApplyReplacements(cst.CSTTransformer):
    """Swaps reported nodes (by identity) for their replacements; an outer fix wins over fixes
    inside it, which are re-detected on the next round."""

    def __init__(self, replacements: dict[cst.CSTNode, Report]) -> None:
        super().__init__()
        self.replacements = replacements
        self.applied: list[Report] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        report = self.replacements.get(node)
        if report is not None:
            self.applied.append(report)
            return False
        return True

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        report = self.replacements.get(original_node)
        if report is not None and report.replacement is not None:
            replacement = report.replacement
            if isinstance(replacement, DeferredReplacement):
                return replacement.build()
            return replacement
        return updated_node


def _edit_imports(module: cst.Module, applied: Sequence[Report]) -> cst.Module:
    # Imported here: libcst.codemod pulls in libcst.matchers (~0.4 s), which `check` never needs.
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

    context = CodemodContext()
    wanted = False
    # Each needed once: libcst writes an aliased import as often as it is asked for.
    for need in dict.fromkeys(need for report in applied for need in report.add_imports):
        AddImportsVisitor.add_needed_import(context, need.module, need.obj, need.asname)
        wanted = True
    for report in applied:
        for unused in report.remove_imports:
            RemoveImportsVisitor.remove_unused_import(
                context, unused.module, unused.obj, unused.asname
            )
            wanted = True
    if not wanted:
        return module
    module = AddImportsVisitor(context).transform_module(module)
    return RemoveImportsVisitor(context).transform_module(module)


def fix_module(
    source: str,
    rules: Sequence[type[Rule]],
    *,
    should_apply: Callable[[Applicability], bool],
    options: RuleOptions | None = None,
    reserved: Callable[[str], bool] | None = None,
    path: Path | None = None,
) -> FixOutcome:
    """Detect and fix `source`. `should_apply` says which applicabilities to apply (none: check).
    `reserved` tells the lines a notebook's joining adds (see `parse_suppressions`). `path`: the
    file `source` is the text of, whose project modules its analysis may read."""
    options = options or RuleOptions()
    code = source
    module = cst.parse_module(code)
    outcome = FixOutcome(source=source)
    for round_number in range(1, MAX_ROUNDS + 1):
        outcome.rounds = round_number
        wrapper, pairs = collect(module, code, rules, options, path)
        # Re-read each round: fixes that add imports move the comments' line numbers.
        suppressions = parse_suppressions(code, reserved)
        live = [
            (report, finding)
            for report, finding in pairs
            if not suppressions.covers(finding.code, finding.location.line)
        ]
        to_apply = {
            report.node: report
            for report, _ in live
            if report.has_fix and should_apply(report.applicability)
        }
        if not to_apply:
            outcome.remaining = [finding for _, finding in live]
            break
        whole = [node for node in to_apply if isinstance(node, cst.Module)]
        if whole and len(whole) < len(to_apply):
            # A whole-module rewrite waits for the smaller fixes and re-analyses their result
            # next round: applied first, it would discard them and the TF1 meaning they keep
            # (argument semantics) could no longer be told from the rewritten TF2 code.
            for node in whole:
                del to_apply[node]
        transformer = _ApplyReplacements(to_apply)
        new_module = wrapper.module.visit(transformer)
        new_module = _edit_imports(new_module, transformer.applied)
        applied = {id(report) for report in transformer.applied}
        outcome.fixed.extend(finding for report, finding in live if id(report) in applied)
        new_code = new_module.code
        if new_code == code:
            outcome.remaining = [finding for _, finding in live]
            break
        # Re-parse so positions and qualified names describe the new code exactly.
        code = new_code
        module = cst.parse_module(code)
    else:
        _, pairs = collect(module, code, rules, options, path)
        suppressions = parse_suppressions(code, reserved)
        outcome.remaining = [
            finding
            for _, finding in pairs
            if not suppressions.covers(finding.code, finding.location.line)
        ]
    outcome.source = code
    return outcome
