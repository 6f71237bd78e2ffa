"""Which names the default comparison leaves out, read from the programs' source.

The rule: without ``outputs``, the module-level names both programs leave holding a value are
compared, except loop counters — names that a module-level ``for`` statement binds and no other
module-level statement binds (``for step in range(1000):``, ``for x, y in batches:``). A loop
counter tells how the loop was written, not what the program computed: a TF2 loop over a
dataset has no step counter to compare, and its batch variables hold the last batch only.
Names bound by an assignment inside the loop (``loss_value = ...``) are results and are compared.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def loop_counters(program: Path) -> tuple[str, ...]:
    """The loop counters of ``program`` (none when it cannot be read or parsed)."""
    try:
        tree = ast.parse(program.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return ()
    looped: set[str] = set()
    bound: set[str] = set()
    for node in _module_level(tree):
        if isinstance(node, ast.For | ast.AsyncFor):
            looped.update(_names(node.target))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                bound.update(_names(target))
        elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
            bound.update(_names(node.target))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            bound.update(_names(node.optional_vars))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return tuple(sorted(looped - bound))


def _module_level(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that runs at module level: not inside a function, class or comprehension."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, SCOPES):
                continue
            if isinstance(child, ast.comprehension):
                continue  # its target is local to the comprehension
            pending.append(child)


def _names(target: ast.AST) -> set[str]:
    """The names a target binds: `a`, `a, (b, *c)`; not those it only reads (`a[i]`, `a.b`)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple | ast.List):
        return {name for element in target.elts for name in _names(element)}
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return set()
