"""The module around a model class rewritten as a `tf.Module` (analyze/class_instances.py):
the class in its place, the script's sessions gone (`with tf.Session() as s:` blocks dedented,
their creation, closing and initializer runs removed, their comments and blank lines left to
the next statement) and the session argument gone from every instantiation."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from tf_migrate.programs.emit.rewrites import without_session
from tf_migrate.programs.model import ClassUses, ModelClass


class _Uses(cst.CSTTransformer):
    def __init__(self, plan: ModelClass, uses: ClassUses, cls: cst.ClassDef,
                 compat: cst.Import | None) -> None:
        super().__init__()
        self.plan = plan
        self.compat = compat
        self.uses = uses
        self.cls = cls
        self.instantiations = {id(call) for call in uses.instantiations}
        # Statements that stand for removed ones until their block, and the `pass` of a block
        # whose statements were all removed, by id. The nodes are kept: an id freed by the
        # garbage collector would be taken by a statement built later, which would then go.
        self.removed: dict[int, cst.CSTNode] = {}
        self.passes: dict[int, cst.CSTNode] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return node is not self.plan.definition

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.BaseStatement]:
        if original_node is self.plan.definition:
            return self.cls
        if original_node is self.compat:
            assert isinstance(updated_node, cst.Import)
            alias = updated_node.names[0]
            return updated_node.with_changes(names=[alias.with_changes(name=cst.Name(
                "tensorflow"))])
        if id(original_node) in self.uses.dropped:
            self.removed[id(updated_node)] = updated_node
            return updated_node
        if id(original_node) in self.uses.dedented:
            assert isinstance(updated_node, cst.With)
            assert isinstance(updated_node.body, cst.IndentedBlock)
            return self._dedented(updated_node, updated_node.body.body)
        if id(original_node) in self.instantiations and self.plan.given is not None:
            return without_session(updated_node, self.plan.given)
        if isinstance(updated_node, cst.Module | cst.IndentedBlock):
            return self._block(updated_node)
        return updated_node

    def _dedented(self, block: cst.With, body: Sequence[cst.BaseStatement]
                  ) -> cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        """The `with` block's statements in its place, its comments before the first."""
        if len(body) == 1 and id(body[0]) in self.passes:
            return cst.RemoveFromParent()
        first = body[0]
        assert isinstance(first, cst.SimpleStatementLine | cst.BaseCompoundStatement)
        leading = [*block.leading_lines, *first.leading_lines]
        return cst.FlattenSentinel([first.with_changes(leading_lines=leading), *body[1:]])

    def _block(self, block: cst.Module | cst.IndentedBlock) -> cst.Module | cst.IndentedBlock:
        """The block without its removed statements, whose comments and blank lines go to the
        statement after them."""
        kept: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for statement in block.body:
            assert isinstance(statement, cst.SimpleStatementLine | cst.BaseCompoundStatement)
            if id(statement) in self.removed:
                carried.extend(statement.leading_lines)
                continue
            if carried:
                statement = statement.with_changes(
                    leading_lines=_merged(carried, list(statement.leading_lines)))
                carried = []
            kept.append(statement)
        if isinstance(block, cst.IndentedBlock) and not kept:
            # Every statement of the block went: it still needs one.
            empty = cst.SimpleStatementLine([cst.Pass()])
            self.passes[id(empty)] = empty
            kept.append(empty)
        return block.with_changes(body=kept)


def _merged(carried: list[cst.EmptyLine], own: list[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """Blank lines as many as the most either had, then the comments of both, in order."""
    blanks = max(sum(1 for line in lines if line.comment is None) for lines in (carried, own))
    comments = [line for line in (*carried, *own) if line.comment is not None]
    return [cst.EmptyLine(indent=False)] * blanks + comments


def rewrite_uses(module: cst.Module, plan: ModelClass, uses: ClassUses, cls: cst.ClassDef,
                 compat: cst.Import | None) -> cst.Module:
    """The module with the class replaced by `cls` and the code around it rewritten; `compat`:
    `import tensorflow.compat.v1 as tf`, which imports TF2 instead."""
    result = module.visit(_Uses(plan, uses, cls, compat))
    assert isinstance(result, cst.Module)
    return result
