"""What an assignment target binds."""

from __future__ import annotations

import libcst as cst


def target_name_nodes(target: cst.BaseExpression) -> list[cst.Name]:
    """The Name nodes a plain assignment target binds (`a`, `a, (b, *c)`)."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, cst.Tuple | cst.List):
        return [n for element in target.elements for n in target_name_nodes(element.value)]
    if isinstance(target, cst.StarredElement):
        return target_name_nodes(target.value)
    return []


def target_names(target: cst.BaseExpression) -> list[str]:
    """Names a plain assignment target binds (`a`, `a, (b, c)`); subscripts bind none."""
    return [name.value for name in target_name_nodes(target)]


def flat_targets(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The targets of a tuple or list target, nested ones flattened, whatever they are."""
    if isinstance(target, cst.Tuple | cst.List):
        return [t for element in target.elements for t in flat_targets(element.value)]
    return [target]
