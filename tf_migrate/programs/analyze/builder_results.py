"""What a graph builder's one call gets back, once the builder is written out at it
(builders.py): the call's targets bound to the returned values, or the function's own names
renamed into them; a returned dict read only as `model["key"]` becomes names."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from tf_migrate.analysis.names import reads
from tf_migrate.cst.walk import visit as _walk_visit

# `target = value` lines after the written-out body: the call's target as written, or a new name.
Results = list[tuple[cst.Name | str, cst.BaseExpression]]


def call_results(targets: cst.BaseExpression | None, value: cst.BaseExpression,
                 local: set[str]) -> tuple[Results, dict[str, str]] | None:
    """The call's targets bound to what the function returned, and the function's names to
    rename into the targets' (`inputs` returned into `x`: the placeholder is called `x` where it
    is created, so that it stays a placeholder, not an alias)."""
    if targets is None:
        return [], {}
    pairs: list[tuple[cst.BaseExpression, cst.BaseExpression]]
    if isinstance(targets, cst.Tuple | cst.List) and isinstance(value, cst.Tuple | cst.List):
        if len(targets.elements) != len(value.elements) or any(
            isinstance(e, cst.StarredElement) for e in (*targets.elements, *value.elements)
        ):
            return None
        pairs = [(t.value, v.value) for t, v in zip(targets.elements, value.elements,
                                                     strict=True)]
    elif isinstance(targets, cst.Name):
        pairs = [(targets, value)]
    else:
        return None
    results: Results = []
    renames: dict[str, str] = {}
    returned = [v.value for _, v in pairs if isinstance(v, cst.Name)]
    for target, result in pairs:
        if not isinstance(target, cst.Name):
            return None
        if isinstance(result, cst.Name) and result.value == target.value:
            continue
        if (isinstance(result, cst.Name) and result.value in local
                and returned.count(result.value) == 1 and target.value not in local):
            renames[result.value] = target.value
        else:
            results.append((target, result))
    return results, renames


class _KeyedUses(cst.CSTVisitor):
    """`model["loss"]` reads of one name, with literal string keys."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found: list[tuple[cst.Subscript, str]] = []

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if not (isinstance(node.value, cst.Name) and node.value.value == self.name
                and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index)):
            return
        key = node.slice[0].slice.value
        if isinstance(key, cst.SimpleString):
            value = key.evaluated_value
            if isinstance(value, str):
                self.found.append((node, value))


def dict_results(target: cst.Name, value: cst.Dict, body: Sequence[cst.BaseStatement],
                 taken: set[str]
                 ) -> tuple[list[tuple[str, cst.BaseExpression]], dict[int, str]] | None:
    """`model = {"loss": loss, "probs": tf.nn.softmax(logits)}` used only as `model["loss"]`:
    each entry becomes a name (its key, or the name it holds) and each use that name; the
    entries that hold no name are bound to their key."""
    names: dict[str, str] = {}
    results: list[tuple[str, cst.BaseExpression]] = []
    for element in value.elements:
        if not isinstance(element, cst.DictElement) or not isinstance(
                element.key, cst.SimpleString):
            return None
        key = element.key.evaluated_value
        if not isinstance(key, str):
            return None
        if isinstance(element.value, cst.Name):
            names[key] = element.value.value
        elif key.isidentifier() and key not in taken:
            names[key] = key
            taken.add(key)
            results.append((key, element.value))
        else:
            return None
    uses = _KeyedUses(target.value)
    reads_of_target = 0
    for statement in body:
        _walk_visit(statement, uses)
        reads_of_target += sum(1 for n in reads(statement) if n.value == target.value)
    if reads_of_target != len(uses.found) or any(key not in names for _, key in uses.found):
        return None
    return results, {id(node): names[key] for node, key in uses.found}
