"""Code that stays without its TF1 sessions (`SessionsGone`): `with tf.Session() as s:` blocks
dedented, the lines that create or close sessions and run initializers removed, their comments
and blank lines left to the next statement, and a block whose statements all went left a
`pass`."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from tf_migrate.programs.model import SessionsGone


class WithoutSessions(cst.CSTTransformer):
    """Removes what `gone` names from the code it visits; subclasses rewrite more, calling
    `on_leave` of this class for the rest."""

    def __init__(self, gone: SessionsGone) -> None:
        super().__init__()
        self.gone = gone
        # Statements that stand for removed ones until their block, and the `pass` of a block
        # whose statements were all removed, by id. The nodes are kept: an id freed by the
        # garbage collector would be taken by a statement built later, which would then go.
        self.removed: dict[int, cst.CSTNode] = {}
        self.passes: dict[int, cst.CSTNode] = {}

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.BaseStatement]:
        if id(original_node) in self.gone.dropped:
            self.removed[id(updated_node)] = updated_node
            return updated_node
        if id(original_node) in self.gone.dedented:
            assert isinstance(updated_node, cst.With)
            assert isinstance(updated_node.body, cst.IndentedBlock)
            return self._dedented(updated_node, updated_node.body.body)
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
