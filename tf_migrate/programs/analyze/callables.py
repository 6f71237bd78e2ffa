"""Which calls may move into a function that runs once per `sess.run`: TensorFlow ops, this
script's own graph helpers, a few pure builtins, and deterministic numpy/math functions.

TF1 called everything else once, while building the graph; in the function it would run on every
call (or trace): a Keras layer object would create new weights, `np.random.rand()` would draw
new numbers, a file read would read again."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.cst.code import code
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.model import Context, ImportedHelper

PURE_BUILTINS = frozenset(
    {"len", "range", "float", "int", "bool", "list", "tuple", "dict", "zip", "min", "max", "abs",
     "sum", "round", "enumerate", "sorted", "reversed", "isinstance", "str"}
)
# Modules of pure numeric functions (their `random` parts excepted).
NUMERIC_MODULES = frozenset({"numpy", "math", "cmath", "scipy"})


def imported_modules(module: cst.Module) -> set[str]:
    """Names bound by top-level `import numpy as np`, `import math`, ... (NUMERIC_MODULES)."""
    names: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not isinstance(small, cst.Import):
                continue
            for alias in small.names:
                dotted = code(alias.name)
                if dotted.split(".")[0] not in NUMERIC_MODULES:
                    continue
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    names.add(alias.asname.name.value)
                else:
                    names.add(dotted.split(".")[0])
    return names


class _Foreign(cst.CSTVisitor):
    def __init__(self, ctx: Context, allowed: Collection[str], modules: Collection[str],
                 imported: Mapping[str, ImportedHelper]) -> None:
        super().__init__()
        self.ctx = ctx
        self.allowed = allowed
        self.modules = modules
        self.imported = imported
        self.found: list[tuple[cst.CSTNode, str]] = []

    def visit_Raise(self, node: cst.Raise) -> bool:
        # `raise ValueError(...)` builds its exception only to stop the program, as in TF1.
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.tf_name(node.func) is not None:
            return
        func = node.func
        if isinstance(func, cst.Name) and (func.value in self.allowed
                                           or func.value in PURE_BUILTINS):
            return
        if isinstance(func, cst.Attribute) and func.attr.value in (
                sym.ASSIGN_METHODS | sym.STATIC_SHAPE_METHODS):
            return
        root = func
        while isinstance(root, cst.Attribute):
            root = root.value
        text = code(func)
        helper = self.imported.get(text)
        if helper is not None:
            # A helper of the project's own: it may run per call when it only builds ops.
            if helper.problem is not None:
                self.found.append((node, helper.refusal()))
            return
        if isinstance(root, cst.Name) and root is not func and root.value in self.modules and (
            "random" not in text
        ):
            return
        self.found.append((node, f"`{text}(...)` ran once while TF1 built the graph but would "
                                 "run on every call of the function"))


def foreign_calls(
    ctx: Context, node: cst.CSTNode, helpers: Mapping[str, cst.FunctionDef],
    modules: Collection[str], local: Collection[str] = (),
    imported: Mapping[str, ImportedHelper] | None = None,
) -> list[tuple[cst.CSTNode, str]]:
    """The calls in `node` that must not move into a function run per call, each with why."""
    visitor = _Foreign(ctx, {*helpers, *local}, modules, imported or {})
    _walk_visit(node, visitor)
    return visitor.found


class _ImportedCalls(cst.CSTVisitor):
    def __init__(self, imported: Mapping[str, ImportedHelper]) -> None:
        super().__init__()
        self.imported = imported
        self.found: list[tuple[cst.Call, ImportedHelper]] = []

    def visit_Call(self, node: cst.Call) -> None:
        helper = self.imported.get(code(node.func))
        if helper is not None:
            self.found.append((node, helper))


def imported_calls(node: cst.CSTNode, imported: Mapping[str, ImportedHelper]
                   ) -> list[tuple[cst.Call, ImportedHelper]]:
    """The calls in `node` of helpers imported from the project (analyze/imported_helpers.py)."""
    if not imported:
        return []
    visitor = _ImportedCalls(imported)
    _walk_visit(node, visitor)
    return visitor.found
