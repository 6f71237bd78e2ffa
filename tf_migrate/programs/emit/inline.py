"""Graph builders written out at their one call, as analyze/builders.py planned them: the
call's line becomes the parameters bound to the arguments, the body (its names renamed, or
`self.x` become names), then the call's targets bound to the results; the definition goes, and
reads elsewhere (`model["loss"]`, `model.loss`) become names."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from tf_migrate.programs.analyze.builders import owner_attribute
from tf_migrate.programs.model import WrittenOut


def _assign(target: cst.BaseAssignTargetExpression, value: cst.BaseExpression
            ) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(target)], value)])


class _Rename(cst.CSTTransformer):
    """Renames variables (not attributes or keywords) in written-out statements."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = names

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return True

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute
                        ) -> cst.Attribute:
        return updated_node.with_changes(attr=original_node.attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        renamed = self.names.get(original_node.value)
        return updated_node.with_changes(value=renamed) if renamed else updated_node


class _SelfToNames(cst.CSTTransformer):
    """`self.x` -> the name `x` stands for."""

    def __init__(self, owner: str, names: dict[str, str]) -> None:
        super().__init__()
        self.owner = owner
        self.names = names

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute
                        ) -> cst.BaseExpression:
        attr = owner_attribute(original_node, self.owner)
        return cst.Name(self.names[attr]) if attr is not None else updated_node


def _body(plan: WrittenOut) -> list[cst.BaseStatement]:
    if plan.owner is not None:
        transformer: cst.CSTTransformer = _SelfToNames(plan.owner, plan.attributes)
    elif plan.renames:
        transformer = _Rename(plan.renames)
    else:
        return list(plan.body)
    lines: list[cst.BaseStatement] = []
    for statement in plan.body:
        renamed = statement.visit(transformer)
        assert isinstance(renamed, cst.BaseStatement)
        lines.append(renamed)
    return lines


def _lines(plan: WrittenOut) -> list[cst.BaseStatement]:
    lines: list[cst.BaseStatement] = [
        _assign(cst.Name(plan.renames.get(param, param)), value)
        for param, value in plan.arguments]
    lines.extend(_body(plan))
    for target, value in plan.results:
        if plan.owner is None and plan.renames:
            renamed = value.visit(_Rename(plan.renames))
            assert isinstance(renamed, cst.BaseExpression)
            value = renamed
        lines.append(_assign(cst.Name(target) if isinstance(target, str) else target, value))
    # The call's comments and blank lines stay where the call was.
    lines[0] = lines[0].with_changes(leading_lines=plan.call_line.leading_lines)
    return list(lines)


class _Replace(cst.CSTTransformer):
    def __init__(self, lines: dict[int, list[cst.BaseStatement]], removed: set[int],
                 uses: dict[int, str]) -> None:
        super().__init__()
        self.lines = lines
        self.removed = removed
        self.uses = uses

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if id(original_node) in self.removed:
            return cst.RemoveFromParent()
        lines = self.lines.get(id(original_node))
        if lines is not None:
            return cst.FlattenSentinel(lines)
        name = self.uses.get(id(original_node))
        return cst.Name(name) if name is not None else updated_node


def write_out(module: cst.Module, plans: Sequence[WrittenOut]) -> cst.Module:
    """The module with each planned builder written out at its call."""
    uses: dict[int, str] = {}
    for plan in plans:
        uses.update(plan.uses)
    replace = _Replace({id(plan.call_line): _lines(plan) for plan in plans},
                       {id(plan.definition) for plan in plans}, uses)
    result = module.visit(replace)
    assert isinstance(result, cst.Module)
    return result
