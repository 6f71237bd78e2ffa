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
# Pure functions of other modules, imported by name (`from collections import namedtuple`).
PURE_IMPORTS = {"collections": frozenset({"namedtuple"})}
# Methods only numpy arrays have among the values of a TF1 script (a graph tensor has none of
# them): each returns a new array and changes nothing, so running it per trace is harmless.
ARRAY_METHODS = frozenset({"reshape", "transpose", "astype", "flatten", "ravel", "squeeze",
                           "swapaxes"})


def _pure_names(node: cst.ImportFrom) -> set[str]:
    """The names `from math import sqrt` or `from collections import namedtuple` binds to
    pure functions (none of a `random` module)."""
    if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
        return set()
    dotted = code(node.module)
    numeric = dotted.split(".")[0] in NUMERIC_MODULES and "random" not in dotted
    pure = PURE_IMPORTS.get(dotted, frozenset())
    names: set[str] = set()
    for alias in node.names:
        name = code(alias.name)
        if not (numeric and "random" not in name) and name not in pure:
            continue
        bound = alias.asname.name if alias.asname is not None else alias.name
        if isinstance(bound, cst.Name):
            names.add(bound.value)
    return names


def imported_modules(module: cst.Module) -> set[str]:
    """Names bound by top-level `import numpy as np`, `import math`, ... (NUMERIC_MODULES), and
    pure functions imported by name from them (`from math import sqrt`)."""
    names: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.ImportFrom):
                names |= _pure_names(small)
                continue
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
                                           or func.value in PURE_BUILTINS
                                           or func.value in self.modules):
            return
        if isinstance(func, cst.Attribute) and func.attr.value in (
                sym.ASSIGN_METHODS | sym.STATIC_SHAPE_METHODS | ARRAY_METHODS):
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
