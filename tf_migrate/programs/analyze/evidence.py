"""A cheap first look: does a module name a TF1 session or placeholder at all? Most modules do
not, and the graph-program analysis is skipped for them."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.model import Context


class _Evidence(cst.CSTVisitor):
    """Whether the module names a TF1 session or placeholder at all (most modules do not)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.found = False

    def _check(self, node: cst.Name | cst.Attribute) -> None:
        if is_evidence(node, self.ctx):
            self.found = True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self._check(node)
        return not self.found

    def visit_Name(self, node: cst.Name) -> None:
        self._check(node)


_EVIDENCE = sym.SESSIONS | sym.PLACEHOLDERS
_EVIDENCE_LEAVES = frozenset(name.rsplit(".", 1)[1] for name in _EVIDENCE)


def is_evidence(node: cst.Name | cst.Attribute, ctx: Context) -> bool:
    """Whether `node` names a TF1 session or placeholder; the leaf test keeps it cheap."""
    leaf = node.attr.value if isinstance(node, cst.Attribute) else node.value
    return leaf in _EVIDENCE_LEAVES and ctx.tf_name(node) in _EVIDENCE


def mentions_tf1_graph(module: cst.Module, ctx: Context) -> bool:
    evidence = _Evidence(ctx)
    _walk_visit(module, evidence)
    return evidence.found
