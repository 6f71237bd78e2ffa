"""The TF2 form of a node the analysis planned one for (GraphProgram.rewrites, in_place), given
the node as rewritten so far: the plans of the nodes inside it are applied first."""

from __future__ import annotations

import libcst as cst

from tf_migrate.programs.emit.control_flow import reshaped
from tf_migrate.programs.model import ArgumentReshape, NodePlan


def rewritten(node: cst.CSTNode, plan: NodePlan) -> cst.CSTNode:
    if isinstance(plan, ArgumentReshape):
        assert isinstance(node, cst.Call)
        return reshaped(node, plan)
    return plan(node)
