"""The TF2 form of a node the analysis planned one for (GraphProgram.rewrites, in_place), given
the node as rewritten so far: the plans of the nodes inside it are applied first."""

from __future__ import annotations

import libcst as cst

from tf_migrate.programs.emit.control_flow import reshaped
from tf_migrate.programs.emit.iterators import iterator, iterator_statement, reinitialization
from tf_migrate.programs.model import (
    ArgumentReshape,
    ExpressionPlan,
    IteratorFromDataset,
    IteratorName,
    IteratorStatement,
    NoArguments,
    StatementPlan,
)


def rewritten(node: cst.CSTNode, plan: ExpressionPlan | StatementPlan) -> cst.CSTNode:
    if isinstance(plan, ArgumentReshape):
        assert isinstance(node, cst.Call)
        return reshaped(node, plan)
    if isinstance(plan, IteratorFromDataset):
        assert isinstance(node, cst.Call)
        return iterator(node, plan)
    if isinstance(plan, IteratorName):
        return cst.Name(plan.name)
    if isinstance(plan, NoArguments):
        assert isinstance(node, cst.Call)
        return node.with_changes(args=[])
    if isinstance(plan, IteratorStatement):
        assert isinstance(node, cst.SimpleStatementLine)
        return iterator_statement(node, plan)
    return reinitialization(plan)
